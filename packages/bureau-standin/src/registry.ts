// The registration ("negativação") half of the bureau stand-in, in the shape of the big Brazilian bureaus' APIs: the
// creditor asks the bureau to send the debtor the written notice (the bureau's duty, STJ Súmula 359) and gets a
// protocol and the notice's proof; after the waiting period it registers the debt, quoting the notice's protocol with
// the same debts; it withdraws ("baixa") a registration and answers its status. Requests are idempotent by the
// creditor's `externalReference`.
import { createHash } from 'node:crypto';

export interface RegistryDebt {
  contract: string;
  amountCents: number;
  dueDate: string;
}

export interface RegistryNotice {
  protocol: string;
  externalReference: string;
  status: 'sent';
  sentAt: string;
  proof: { channel: 'letter'; trackingCode: string };
  debtor: { document: string; name: string };
  debts: RegistryDebt[];
}

export interface RegistryRecord {
  protocol: string;
  externalReference: string;
  noticeProtocol: string;
  status: 'active' | 'withdrawn';
  registeredAt: string;
  withdrawnAt?: string;
  withdrawalReason?: string;
  debts: RegistryDebt[];
}

export interface RegistryAnswer {
  status: number;
  body: unknown;
}

const protocolOf = (prefix: string, reference: string) => `${prefix}-${createHash('sha256').update(reference).digest('hex').slice(0, 12).toUpperCase()}`;

function debtsOf(value: unknown): RegistryDebt[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const debts = value.map((d: Record<string, unknown>) => ({ contract: d?.contract, amountCents: d?.amountCents, dueDate: d?.dueDate }));
  const valid = debts.every((d) => typeof d.contract === 'string' && d.contract !== '' && Number.isInteger(d.amountCents) && (d.amountCents as number) > 0 && typeof d.dueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.dueDate));
  return valid ? (debts as RegistryDebt[]) : undefined;
}

const sameDebts = (a: RegistryDebt[], b: RegistryDebt[]) => JSON.stringify(a) === JSON.stringify(b);

/** The registry's state and its routes; `now` stamps answers (the stand-in's own clock). */
export function createRegistry(now: () => Date = () => new Date()) {
  const notices = new Map<string, RegistryNotice>();
  const noticesByReference = new Map<string, string>();
  const records = new Map<string, RegistryRecord>();
  const recordsByReference = new Map<string, string>();

  function notify(body: Record<string, unknown>): RegistryAnswer {
    const reference = body.externalReference;
    const debtor = body.debtor as Record<string, unknown> | undefined;
    const address = debtor?.address as Record<string, unknown> | undefined;
    const debts = debtsOf(body.debts);
    if (typeof reference !== 'string' || reference === '') return { status: 400, body: { error: 'externalReference is required' } };
    if (typeof debtor?.document !== 'string' || typeof debtor.name !== 'string') return { status: 400, body: { error: 'debtor.document and debtor.name are required' } };
    if (typeof address?.cep !== 'string' || typeof address.street !== 'string' || typeof address.city !== 'string') return { status: 400, body: { error: 'the notice is a letter: debtor.address (street, city, cep) is required' } };
    if (!debts) return { status: 400, body: { error: 'debts must list contract, amountCents (integer) and dueDate for each debt' } };
    const known = noticesByReference.get(reference);
    if (known) return { status: 200, body: notices.get(known) };
    const protocol = protocolOf('NOT', reference);
    // A Correios registered-letter code: two letters, eight digits, a check digit, BR.
    const digits = String(parseInt(createHash('sha256').update(protocol).digest('hex').slice(0, 8), 16) % 100_000_000).padStart(8, '0');
    const notice: RegistryNotice = { protocol, externalReference: reference, status: 'sent', sentAt: now().toISOString(), proof: { channel: 'letter', trackingCode: `JO${digits}${Number(digits) % 10}BR` }, debtor: { document: debtor.document, name: debtor.name }, debts };
    notices.set(protocol, notice);
    noticesByReference.set(reference, protocol);
    return { status: 201, body: notice };
  }

  function register(body: Record<string, unknown>): RegistryAnswer {
    const reference = body.externalReference;
    const debts = debtsOf(body.debts);
    if (typeof reference !== 'string' || reference === '') return { status: 400, body: { error: 'externalReference is required' } };
    if (!debts) return { status: 400, body: { error: 'debts must list contract, amountCents (integer) and dueDate for each debt' } };
    const known = recordsByReference.get(reference);
    if (known) return { status: 200, body: records.get(known) };
    const notice = typeof body.noticeProtocol === 'string' ? notices.get(body.noticeProtocol) : undefined;
    if (!notice) return { status: 422, body: { error: 'notice-not-found', message: 'no notice with this protocol: the debtor must be notified before registration' } };
    if (!sameDebts(notice.debts, debts)) return { status: 422, body: { error: 'notice-mismatch', message: 'the debts differ from those the notice stated' } };
    const record: RegistryRecord = { protocol: protocolOf('REG', reference), externalReference: reference, noticeProtocol: notice.protocol, status: 'active', registeredAt: now().toISOString(), debts };
    records.set(record.protocol, record);
    recordsByReference.set(reference, record.protocol);
    return { status: 201, body: record };
  }

  function withdraw(protocol: string, body: Record<string, unknown>): RegistryAnswer {
    const record = records.get(protocol);
    if (!record) return { status: 404, body: { error: 'registration not found' } };
    if (record.status === 'active') {
      record.status = 'withdrawn';
      record.withdrawnAt = now().toISOString();
      if (typeof body.reason === 'string') record.withdrawalReason = body.reason;
    }
    return { status: 200, body: record };
  }

  return {
    /** Answers a registry route, or undefined for a path that is not one. */
    route(method: string, path: string, body: Record<string, unknown> | undefined): RegistryAnswer | undefined {
      if (method === 'POST' && path === '/v1/debt-notices') return notify(body ?? {});
      if (method === 'POST' && path === '/v1/registrations') return register(body ?? {});
      const withdrawal = /^\/v1\/registrations\/([\w-]+)\/withdrawal$/.exec(path);
      if (method === 'POST' && withdrawal) return withdraw(withdrawal[1]!, body ?? {});
      const status = /^\/v1\/registrations\/([\w-]+)$/.exec(path);
      if (method === 'GET' && status) {
        const record = records.get(status[1]!);
        return record ? { status: 200, body: record } : { status: 404, body: { error: 'registration not found' } };
      }
      const notice = /^\/v1\/debt-notices\/([\w-]+)$/.exec(path);
      if (method === 'GET' && notice) {
        const found = notices.get(notice[1]!);
        return found ? { status: 200, body: found } : { status: 404, body: { error: 'notice not found' } };
      }
      return undefined;
    },
    notices: () => [...notices.values()],
    registrations: () => [...records.values()],
    clear() {
      notices.clear();
      noticesByReference.clear();
      records.clear();
      recordsByReference.clear();
    },
  };
}
