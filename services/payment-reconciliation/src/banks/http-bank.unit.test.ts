import { startBankStandIn, type BankStandIn } from '@regua/bank-standin';
import { createLogger } from '@regua/telemetry';
import { dueDateFactor, parseBarcode, parseDigitableLine } from '../domain/boleto.ts';
import { BankRejectedError, BankUnavailableError, createHttpBank, type BoletoBank, type HttpBankOptions } from './http-bank.ts';
import { decideRetry } from './policy.ts';

const TOKEN = 'bank-token-for-tests';
const logger = createLogger({ service: 'bank-test', level: 'silent' });
const request = (ourNumber = '12345670000000042') => ({ ourNumber, dueDate: '2026-12-19', amountCents: 80_000, payer: { name: 'Maria da Silva', document: '529.982.247-25' } });

describe('the bank adapter against the bank stand-in', () => {
  let standIn: BankStandIn;
  const banks: BoletoBank[] = [];
  const bankWith = (overrides: Partial<HttpBankOptions> = {}) => {
    const bank = createHttpBank({
      url: standIn.url,
      token: TOKEN,
      bankCode: '001',
      agency: '0001',
      agreement: '1234567',
      wallet: '17',
      timeoutMs: 2_000,
      retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 },
      breaker: { failures: 50, resetMs: 60_000, windowMs: 60_000 },
      logger,
      ...overrides,
    });
    banks.push(bank);
    return bank;
  };

  beforeAll(async () => {
    standIn = await startBankStandIn({ token: TOKEN, latencyMs: [0, 5], seed: 7 });
  });
  afterEach(() => {
    standIn.reset();
    standIn.setFailureRate(0);
    standIn.setLatency([0, 5]);
    for (const bank of banks.splice(0)) bank.close();
  });
  afterAll(async () => {
    await standIn.close();
  });

  test("Given a boleto, then it is registered and the bank's numbers pass Régua's own checks (check digits, amount, factor)", async () => {
    const registered = await bankWith().register(request());

    expect(registered).toMatchObject({ ourNumber: '12345670000000042', status: 'REGISTRADO' });
    expect(parseDigitableLine(registered.digitableLine)).toBe(registered.barcode);
    expect(parseBarcode(registered.barcode)).toMatchObject({ bankCode: '001', amountCents: 80_000, dueDateFactor: dueDateFactor('2026-12-19') });
    expect(standIn.requests()[0]!.body).toMatchObject({ numeroConvenio: '1234567', numeroCarteira: '17', numeroTituloCliente: '00012345670000000042', dataVencimento: '19.12.2026', valorOriginal: '800.00', pagador: { tipoInscricao: 1, numeroInscricao: '52998224725' } });
  });

  test('Given the same registration twice, then the bank registers it once and both answers agree', async () => {
    const bank = bankWith();
    const [a, b] = [await bank.register(request()), await bank.register(request())];
    expect(b).toEqual(a);
    expect(standIn.registrations('00012345670000000042')).toBe(1);
  });

  test('Given a flaky bank (half the calls 503, some after registering), then retries reach one registration per boleto', async () => {
    standIn.setFailureRate(0.5);
    const bank = bankWith({ retry: { retries: 8, baseDelayMs: 1, maxDelayMs: 5 } });
    for (let i = 0; i < 10; i++) await bank.register(request(`1234567${String(i).padStart(10, '0')}`));
    for (let i = 0; i < 10; i++) expect(standIn.registrations(`0001234567${String(i).padStart(10, '0')}`)).toBe(1);
    expect(standIn.requests().length).toBeGreaterThan(10);
  });

  test('Given a bank that is down, then BankUnavailableError (retriable) after the retries', async () => {
    standIn.setFailureRate(1);
    await expect(bankWith({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } }).register(request())).rejects.toBeInstanceOf(BankUnavailableError);
  });

  test('Given a timeout, then BankUnavailableError', async () => {
    standIn.setLatency([300, 300]);
    await expect(bankWith({ timeoutMs: 50, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } }).register(request())).rejects.toBeInstanceOf(BankUnavailableError);
  });

  test('Given a wrong token or a nosso número taken with other data, then BankRejectedError, not retried', async () => {
    await expect(bankWith({ token: 'wrong' }).register(request())).rejects.toBeInstanceOf(BankRejectedError);
    expect(standIn.requests()).toHaveLength(1);
    const bank = bankWith();
    await bank.register(request());
    await expect(bank.register({ ...request(), amountCents: 1 })).rejects.toThrow(/HTTP 409/);
  });

  test('Given repeated outages, then the circuit opens and calls stop reaching the bank', async () => {
    standIn.setFailureRate(1);
    const bank = bankWith({ retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { failures: 3, resetMs: 60_000, windowMs: 60_000 } });
    for (let i = 0; i < 6; i++) await bank.register(request()).catch(() => undefined);
    expect(standIn.requests().length).toBeLessThan(6);
  });

  test('A boleto can be written off', async () => {
    const bank = bankWith();
    await bank.register(request());
    await bank.writeOff('12345670000000042');
    expect(standIn.boletos()[0]!.status).toBe('BAIXADO');
  });
});

describe('when the adapter tries again', () => {
  const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
  const now = new Date('2026-12-14T12:00:00Z');
  test('5xx, timeouts and the network: yes; 4xx and an open circuit: no; 429 only with a Retry-After within the cap', () => {
    expect(decideRetry({ kind: 'status', status: 503 }, 0, policy, now, () => 0.5)).toEqual({ retry: true, delayMs: 50 });
    expect(decideRetry({ kind: 'timeout' }, 3, policy, now, () => 0.5)).toMatchObject({ retry: false });
    expect(decideRetry({ kind: 'status', status: 409 }, 0, policy, now, () => 0.5)).toMatchObject({ retry: false, reason: 'HTTP 409' });
    expect(decideRetry({ kind: 'breaker-open' }, 0, policy, now, () => 0.5)).toMatchObject({ retry: false });
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: '1' }, 0, policy, now, () => 0.5)).toEqual({ retry: true, delayMs: 1_000 });
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: '5' }, 0, policy, now, () => 0.5)).toMatchObject({ retry: false });
  });
});
