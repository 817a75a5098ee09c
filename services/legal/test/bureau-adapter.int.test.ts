// The HTTP bureau adapter against the bureau stand-in: the registration API's order enforced at the bureau too (no
// registration without a notice, nor with other debts), idempotent requests, retries of what is worth retrying.
import { startBureauStandIn, type BureauStandIn } from '@regua/bureau-standin';
import { BureauRefusedError, BureauUnavailableError } from '../src/bureau/contract.ts';
import { createHttpBureau } from '../src/bureau/http-bureau.ts';

const TOKEN = 'adapter-test-token';
const creditor = { document: '11222333000181', name: 'Banco Exemplo S.A.' };
const debtor = { document: '52998224725', documentType: 'cpf' as const, name: 'Maria da Silva' };
const address = { street: 'Rua das Flores', number: '100', district: 'Centro', city: 'São Paulo', uf: 'SP', cep: '01001000' };
const debts = [{ contract: 'bank:INV-1', amountCents: 15_990, dueDate: '2026-01-05' }];

describe('HTTP bureau adapter', () => {
  let standIn: BureauStandIn;
  const adapter = (retries = 2, token = TOKEN) => createHttpBureau({ name: 'standin', url: standIn.url, token, timeoutMs: 1_000, retries, backoffMs: 1 });

  beforeAll(async () => {
    standIn = await startBureauStandIn({ token: TOKEN, latencyMs: [0, 0] });
  });
  afterAll(async () => {
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  test('notice, registration with the same debts, status and withdrawal; the same reference twice is one notice', async () => {
    const bureau = adapter();
    const notice = await bureau.requestNotice({ externalReference: 'c1:1:notice', creditor, debtor: { ...debtor, address }, debts });
    expect(notice).toMatchObject({ status: 'sent', proof: { channel: 'letter' } });
    expect(await bureau.requestNotice({ externalReference: 'c1:1:notice', creditor, debtor: { ...debtor, address }, debts })).toEqual(notice);
    expect(standIn.registry.notices()).toHaveLength(1);
    const registration = await bureau.register({ externalReference: 'c1:1:registration', noticeProtocol: notice.protocol, creditor, debtor, debts });
    expect(registration.status).toBe('active');
    expect(await bureau.status(registration.protocol)).toMatchObject({ status: 'active' });
    expect(await bureau.withdraw(registration.protocol, 'paid')).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String) });
    expect(await bureau.status(registration.protocol)).toMatchObject({ status: 'withdrawn' });
  });

  test('the bureau refuses a registration without a notice, or with other debts than noticed: not retried', async () => {
    const bureau = adapter();
    await expect(bureau.register({ externalReference: 'c2:1:registration', noticeProtocol: 'NOT-UNKNOWN', creditor, debtor, debts })).rejects.toBeInstanceOf(BureauRefusedError);
    const notice = await bureau.requestNotice({ externalReference: 'c2:1:notice', creditor, debtor: { ...debtor, address }, debts });
    const before = standIn.registry.requests();
    await expect(bureau.register({ externalReference: 'c2:1:registration', noticeProtocol: notice.protocol, creditor, debtor, debts: [{ ...debts[0]!, amountCents: 16_000 }] })).rejects.toMatchObject({ status: 422 });
    expect(standIn.registry.requests() - before).toBe(1);
    await expect(adapter(2, 'wrong-token').status('REG-X')).rejects.toMatchObject({ status: 401 });
  });

  test('5xx answers are retried; after the retries the bureau is unavailable', async () => {
    const bureau = adapter(2);
    standIn.registry.fail({ kind: 'status', status: 503 }, 2);
    await expect(bureau.requestNotice({ externalReference: 'c3:1:notice', creditor, debtor: { ...debtor, address }, debts })).resolves.toMatchObject({ status: 'sent' });
    expect(standIn.registry.requests()).toBe(3);
    standIn.registry.fail({ kind: 'status', status: 500 }, 5);
    await expect(bureau.status('REG-X')).rejects.toBeInstanceOf(BureauUnavailableError);
  });

  test('the data bureau\'s lookups are untouched by the registration API', async () => {
    standIn.registry.fail({ kind: 'status', status: 503 });
    const response = await fetch(`${standIn.url}/v1/people:lookup`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ cpf: '52998224725' }) });
    expect(response.status).toBe(200);
    expect(standIn.requests()).toBe(1);
  });
});
