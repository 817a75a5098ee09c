// A realistic bank feed for the benchmark, generated from a seed: pure, so the same flags give the same feed.
import { exampleInvoice, exampleSubmission, invoiceId, type Invoice, type InvoiceSubmissionV1, type Uf } from '@regua/contracts';

export type Door = 'http' | 'kafka';
export type RecordKind = 'new' | 'update' | 'duplicate' | 'invalid';

export interface FeedRecord {
  kind: RecordKind;
  door: Door;
  /** `tenant:externalId`, as ingestion and every downstream event name the invoice. */
  invoiceId: string;
  debtorExternalId: string;
  submission: InvoiceSubmissionV1;
}

export interface FeedOptions {
  tenant: string;
  invoices: number;
  debtors: number;
  /** Shares of `invoices`, added on top of them. */
  updates: number;
  duplicates: number;
  invalid: number;
  /** Share of records sent through the Kafka door; the rest go through HTTP. */
  kafkaShare: number;
  seed: number;
  /** Reference time: due dates and occurredAt are set before it. */
  now: Date;
}

export interface Feed {
  records: FeedRecord[];
  /** Ids of the distinct valid invoices: each should reach every stage once. */
  expectedInvoiceIds: string[];
  counts: Record<RecordKind, number> & { total: number; http: number; kafka: number; debtors: number };
}

/** mulberry32: tiny, fast and good enough to vary test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: () => number, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** Receita Federal's modulo-11 check digit. */
function mod11(digits: readonly number[], firstWeight: number): number {
  const sum = digits.reduce((acc, digit, i) => acc + digit * (firstWeight - i), 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

/** A CPF with valid check digits (11 digits, not all equal). */
export function generateCpf(random: () => number): string {
  for (;;) {
    const base = Array.from({ length: 9 }, () => int(random, 0, 9));
    if (base.every((d) => d === base[0])) continue;
    const first = mod11(base, 10);
    const second = mod11([...base, first], 11);
    return [...base, first, second].join('');
  }
}

/** The same CPF with its last check digit changed: always invalid. */
export function corruptCpf(cpf: string): string {
  const last = Number(cpf.at(-1));
  return `${cpf.slice(0, -1)}${(last + 1) % 10}`;
}

/** A v4-shaped UUID from the seeded generator (crypto.randomUUID would make the feed irreproducible). */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => int(random, 0, 15).toString(16));
  hex[12] = '4';
  hex[16] = (8 + int(random, 0, 3)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const CITIES: ReadonlyArray<{ uf: Uf; city: string; cep: string; ddd: string }> = [
  { uf: 'SP', city: 'São Paulo', cep: '01001-000', ddd: '11' },
  { uf: 'SP', city: 'Campinas', cep: '13010-000', ddd: '19' },
  { uf: 'RJ', city: 'Rio de Janeiro', cep: '20010-000', ddd: '21' },
  { uf: 'MG', city: 'Belo Horizonte', cep: '30130-000', ddd: '31' },
  { uf: 'BA', city: 'Salvador', cep: '40010-000', ddd: '71' },
  { uf: 'PR', city: 'Curitiba', cep: '80010-000', ddd: '41' },
  { uf: 'RS', city: 'Porto Alegre', cep: '90010-000', ddd: '51' },
  { uf: 'PE', city: 'Recife', cep: '50010-000', ddd: '81' },
  { uf: 'CE', city: 'Fortaleza', cep: '60010-000', ddd: '85' },
  { uf: 'AM', city: 'Manaus', cep: '69005-000', ddd: '92' },
  { uf: 'DF', city: 'Brasília', cep: '70040-000', ddd: '61' },
];
const FIRST_NAMES = ['Maria', 'José', 'Ana', 'João', 'Francisca', 'Antônio', 'Juliana', 'Carlos', 'Beatriz', 'Paulo', 'Fernanda', 'Lucas'];
const LAST_NAMES = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Pereira', 'Ferreira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Araújo'];
const PRODUCTS: ReadonlyArray<Invoice['productType']> = ['credit_card', 'loan', 'telecom', 'utility', 'subscription', 'retail'];
const STREETS = ['Rua das Flores', 'Avenida Brasil', 'Rua XV de Novembro', 'Rua São João', 'Avenida Paulista'];

const ascii = (text: string) => text.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase();
const pad = (n: number) => String(n).padStart(7, '0');
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

function makeDebtor(random: () => number, n: number): Invoice['debtor'] {
  const first = pick(random, FIRST_NAMES);
  const last = pick(random, LAST_NAMES);
  const place = pick(random, CITIES);
  return {
    externalId: `CUST-${pad(n)}`,
    name: `${first} ${pick(random, LAST_NAMES)} ${last}`,
    taxId: { type: 'cpf', number: generateCpf(random) },
    emails: [`${ascii(first)}.${ascii(last)}.${n}@example.com`],
    phones: [`(${place.ddd}) 9${int(random, 1000, 9999)}-${int(random, 1000, 9999)}`],
    address: { street: pick(random, STREETS), number: String(int(random, 1, 2000)), district: 'Centro', city: place.city, uf: place.uf, cep: place.cep },
  };
}

/** Sample `count` distinct indexes of [0, n) (partial Fisher–Yates). */
function sample(random: () => number, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const taken = Math.min(count, n);
  for (let i = 0; i < taken; i++) {
    const j = i + Math.floor(random() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, taken);
}

/**
 * `invoices` new invoices over `debtors` debtors, plus updates (same externalId, one hour later, new amount),
 * duplicates (an earlier submission resent with the same eventId, possibly through the other door) and invalid
 * records (bad CPF check digit, or due date before issue date). Updates and duplicates come a little after
 * the record they repeat, as a bank's stream would send them.
 */
export function generateFeed(options: FeedOptions): Feed {
  const random = seededRandom(options.seed);
  const debtorCount = Math.max(1, Math.min(options.debtors, options.invoices));
  const debtors = Array.from({ length: debtorCount }, (_, n) => makeDebtor(random, n + 1));
  const door = (): Door => (random() < options.kafkaShare ? 'kafka' : 'http');
  const baseOccurredAt = options.now.getTime() - 3_600_000 * 24;

  const fresh: FeedRecord[] = Array.from({ length: options.invoices }, (_, i) => {
    const debtor = debtors[i % debtorCount]!;
    const due = new Date(options.now.getTime() - int(random, 1, 120) * 86_400_000);
    const invoice = exampleInvoice({
      externalId: `BENCH-${pad(i + 1)}`,
      amountCents: int(random, 1_000, 500_000),
      productType: pick(random, PRODUCTS),
      issueDate: isoDate(new Date(due.getTime() - 30 * 86_400_000)),
      dueDate: isoDate(due),
      debtor,
    });
    const submission = exampleSubmission(seededUuid(random), new Date(baseOccurredAt + i * 1000).toISOString(), invoice);
    return { kind: 'new', door: door(), invoiceId: invoiceId(options.tenant, invoice.externalId), debtorExternalId: debtor.externalId, submission };
  });

  // Each extra record is placed a little after the one it derives from.
  const spread = Math.max(10, Math.round(options.invoices * 0.05));
  const placed: Array<{ at: number; record: FeedRecord }> = fresh.map((record, i) => ({ at: i, record }));
  const after = (i: number) => i + 0.5 + random() * spread;

  for (const i of sample(random, options.invoices, Math.round(options.invoices * options.updates))) {
    const original = fresh[i]!;
    const invoice = { ...original.submission.invoice, amountCents: original.submission.invoice.amountCents + int(random, 100, 10_000) };
    const occurredAt = new Date(Date.parse(original.submission.occurredAt) + 3_600_000).toISOString();
    placed.push({ at: after(i), record: { ...original, kind: 'update', door: door(), submission: exampleSubmission(seededUuid(random), occurredAt, invoice) } });
  }
  for (const i of sample(random, options.invoices, Math.round(options.invoices * options.duplicates))) {
    placed.push({ at: after(i), record: { ...fresh[i]!, kind: 'duplicate', door: door() } });
  }
  const invalidCount = Math.round(options.invoices * options.invalid);
  for (let k = 0; k < invalidCount; k++) {
    const i = Math.floor(random() * options.invoices);
    const base = fresh[i]!.submission.invoice;
    const externalId = `BENCH-INVALID-${pad(k + 1)}`;
    const invoice: Invoice =
      k % 2 === 0
        ? { ...base, externalId, debtor: { ...base.debtor, taxId: { type: 'cpf', number: corruptCpf(base.debtor.taxId.number) } } }
        : { ...base, externalId, issueDate: base.dueDate, dueDate: isoDate(new Date(Date.parse(base.dueDate) - 86_400_000)) };
    const submission = exampleSubmission(seededUuid(random), fresh[i]!.submission.occurredAt, invoice);
    placed.push({ at: after(i), record: { kind: 'invalid', door: door(), invoiceId: invoiceId(options.tenant, externalId), debtorExternalId: base.debtor.externalId, submission } });
  }

  const records = placed.sort((a, b) => a.at - b.at).map((p) => p.record);
  const count = (kind: RecordKind) => records.filter((r) => r.kind === kind).length;
  return {
    records,
    expectedInvoiceIds: fresh.map((r) => r.invoiceId),
    counts: {
      new: count('new'),
      update: count('update'),
      duplicate: count('duplicate'),
      invalid: count('invalid'),
      total: records.length,
      http: records.filter((r) => r.door === 'http').length,
      kafka: records.filter((r) => r.door === 'kafka').length,
      debtors: debtorCount,
    },
  };
}

export interface Chunk {
  from: number;
  to: number;
  /** When to send it, in ms after the start; 0 for every chunk when sending as fast as possible. */
  atMs: number;
}

/**
 * Splits `total` records into chunks. At a fixed rate, chunks of a tenth of a second's worth (at most
 * `maxChunk`) are spread evenly in time; as fast as possible, chunks are `maxChunk` records, all due at once.
 */
export function planChunks(total: number, maxChunk: number, ratePerSecond?: number): Chunk[] {
  const size = ratePerSecond ? Math.max(1, Math.min(maxChunk, Math.round(ratePerSecond / 10))) : maxChunk;
  const chunks: Chunk[] = [];
  for (let from = 0; from < total; from += size) {
    chunks.push({ from, to: Math.min(total, from + size), atMs: ratePerSecond ? (from / ratePerSecond) * 1000 : 0 });
  }
  return chunks;
}

/** The bank's Kafka-door message: the submission plus the creditor it belongs to. */
export function kafkaDoorMessage(tenant: string, record: FeedRecord): string {
  return JSON.stringify({ ...record.submission, tenant });
}
