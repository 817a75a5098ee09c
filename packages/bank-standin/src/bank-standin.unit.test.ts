import { barcodeOf, factorOf, lineOf } from './boleto.ts';
import { startBankStandIn, type BankStandIn } from './index.ts';

const TOKEN = 'bank-token-for-tests';
const boleto = (numero = '00012345670000000001', overrides: Record<string, unknown> = {}) => ({
  numeroConvenio: '1234567',
  numeroCarteira: '17',
  numeroTituloCliente: numero,
  dataVencimento: '19.12.2026',
  valorOriginal: '800.00',
  pagador: { tipoInscricao: 1, numeroInscricao: '52998224725', nome: 'Maria da Silva' },
  ...overrides,
});

describe("the bank stand-in's own numbering", () => {
  test('The due-date factor restarts at 1000 on 2025-02-22, after 9999 on 2025-02-21', () => {
    expect(factorOf('2025-02-21')).toBe(9999);
    expect(factorOf('2025-02-22')).toBe(1000);
    expect(factorOf('2000-07-03')).toBe(1000);
  });

  test('A barcode carries factor and amount at positions 6–19, and the linha digitável ends with them', () => {
    // The check digits are verified against Régua's own boleto.ts in the bank adapter's tests.
    const code = barcodeOf('001', '2025-03-03', 100, '0'.repeat(25));
    expect(code).toHaveLength(44);
    expect(code.slice(5, 19)).toBe('10090000000100');
    expect(lineOf(code)).toHaveLength(47);
    expect(lineOf(code).slice(33)).toBe('10090000000100');
  });
});

describe('the bank stand-in: POST /cobrancas/v2/boletos', () => {
  let bank: BankStandIn;
  beforeAll(async () => {
    bank = await startBankStandIn({ token: TOKEN, latencyMs: [0, 0] });
  });
  afterEach(() => {
    bank.reset();
    bank.setFailureRate(0);
  });
  afterAll(async () => {
    await bank.close();
  });

  const post = (path: string, body: unknown, token = TOKEN) => fetch(`${bank.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  test('Given a valid registration, then 201 REGISTRADO with the bank\'s barcode and linha digitável; the same again answers 200 and registers nothing', async () => {
    const first = await post('/cobrancas/v2/boletos', boleto());
    expect(first.status).toBe(201);
    const body = (await first.json()) as { numero: string; linhaDigitavel: string; codigoBarraNumerico: string; status: string };
    expect(body).toMatchObject({ numero: '00012345670000000001', status: 'REGISTRADO' });
    expect(body.codigoBarraNumerico).toMatch(/^0019\d{40}$/);
    expect(body.codigoBarraNumerico.slice(9, 19)).toBe('0000080000');
    expect(body.codigoBarraNumerico.slice(19)).toBe('000000' + '12345670000000001' + '17');

    const again = await post('/cobrancas/v2/boletos', boleto());
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);
    expect(bank.registrations('00012345670000000001')).toBe(1);
    expect(bank.requests()).toHaveLength(2);
    expect(bank.requests()[0]!.headers.authorization).toBeUndefined();
  });

  test('Given the same nosso número with another amount, then 409', async () => {
    await post('/cobrancas/v2/boletos', boleto());
    expect((await post('/cobrancas/v2/boletos', boleto(undefined, { valorOriginal: '1.00' }))).status).toBe(409);
  });

  test('Given a wrong token, then 401; a malformed body, then 400', async () => {
    expect((await post('/cobrancas/v2/boletos', boleto(), 'nope')).status).toBe(401);
    expect((await post('/cobrancas/v2/boletos', boleto(undefined, { dataVencimento: '2026-12-19' }))).status).toBe(400);
  });

  test('GET shows the boleto; baixar writes it off, twice without harm; an unknown one is 404', async () => {
    await post('/cobrancas/v2/boletos', boleto());
    const get = () => fetch(`${bank.url}/cobrancas/v2/boletos/00012345670000000001`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await (await get()).json()).toMatchObject({ status: 'REGISTRADO', valorOriginal: '800.00' });
    expect((await post('/cobrancas/v2/boletos/00012345670000000001/baixar', {})).status).toBe(200);
    expect((await post('/cobrancas/v2/boletos/00012345670000000001/baixar', {})).status).toBe(200);
    expect(await (await get()).json()).toMatchObject({ status: 'BAIXADO' });
    expect((await post('/cobrancas/v2/boletos/00012345670000000002/baixar', {})).status).toBe(404);
  });

  test('Given a failure rate of 1, then every call answers 503, some after registering (an unknown outcome)', async () => {
    bank.setFailureRate(1);
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => post('/cobrancas/v2/boletos', boleto(`0001234567${String(i).padStart(10, '0')}`)).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([503]));
    expect(bank.boletos().length).toBeGreaterThan(0);
    expect(bank.boletos().length).toBeLessThan(10);
  });
});
