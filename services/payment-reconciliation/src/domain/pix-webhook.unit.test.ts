import { PaymentReceivedV1 } from '@regua/contracts';
import { toFieldIssues } from '@regua/errors';
import { PixWebhookSchema, pixReceiptToPayment, pixSignature, valorToCents, verifyPixSignature } from './pix-webhook.ts';

const RECEIPT = { endToEndId: 'E12345678202611241300abcdefghijk', txid: 'REGUA0000000000000000000001', valor: '123.45', horario: '2026-11-24T13:00:00.358Z', infoPagador: 'fatura de novembro', chave: '11222333000181' };

const issuesOf = (body: unknown) => {
  const parsed = PixWebhookSchema.safeParse(body);
  return parsed.success ? [] : toFieldIssues(parsed.error.issues);
};

describe('valorToCents', () => {
  test.each([
    ['0.01', 1],
    ['1234.50', 123450],
    ['123.45', 12345],
    ['0.10', 10],
    ['9999999999.99', 999999999999],
  ])('Given valor %s, then it is %i centavos, never through a float', (valor, cents) => {
    expect(valorToCents(valor)).toBe(cents);
  });

  test('Given a valor that is not two decimal places, then it throws', () => {
    expect(() => valorToCents('1.5')).toThrow('not a Pix amount');
  });
});

describe('PixWebhookSchema', () => {
  test("Given a BCB webhook call with a PSP's own extra fields, then it parses and the extras are dropped", () => {
    const parsed = PixWebhookSchema.parse({ pix: [{ ...RECEIPT, devolucoes: [], gnExtras: { pagador: {} } }] });

    expect(parsed.pix[0]).toEqual(RECEIPT);
  });

  test('Given each field wrong in its own way, then every problem is reported with its path', () => {
    expect(issuesOf({ pix: [RECEIPT, { ...RECEIPT, endToEndId: 'X123', valor: '12.5', horario: '2026-11-24 13:00', txid: 'has-dashes' }] }).map((i) => i.path)).toEqual(['pix[1].endToEndId', 'pix[1].txid', 'pix[1].valor', 'pix[1].horario']);
  });

  test.each([
    ['1234', 'pix[0].valor'],
    ['1.234', 'pix[0].valor'],
    ['-1.00', 'pix[0].valor'],
    ['0.00', 'pix[0].valor'],
    ['12345678901.00', 'pix[0].valor'],
  ])('Given valor %s, then it is refused at %s', (valor, path) => {
    expect(issuesOf({ pix: [{ ...RECEIPT, valor }] }).map((i) => i.path)).toEqual([path]);
  });

  test('Given an endToEndId of 32 characters in the wrong shape (letters where the ISPB goes), then it is refused', () => {
    expect(issuesOf({ pix: [{ ...RECEIPT, endToEndId: 'E1234567A202611241300abcdefghijk' }] })).toEqual([{ path: 'pix[0].endToEndId', message: expect.stringContaining('32 characters') }]);
  });

  test('Given a return (D…) endToEndId, then it is accepted like a payment', () => {
    expect(issuesOf({ pix: [{ ...RECEIPT, endToEndId: 'D12345678202611241300abcdefghijk' }] })).toEqual([]);
  });

  test('Given no receipts, or no pix array, then the call is refused', () => {
    expect(issuesOf({ pix: [] }).map((i) => i.path)).toEqual(['pix']);
    expect(issuesOf({ evento: 'teste_webhook' }).map((i) => i.path)).toEqual(['pix']);
  });
});

describe('pixReceiptToPayment', () => {
  test('Given a receipt of a charge, then it is a Pix payment with the endToEndId as its id, matched by the txid, paid at horario', () => {
    const payment = pixReceiptToPayment(PixWebhookSchema.parse({ pix: [RECEIPT] }).pix[0]!);

    expect(payment).toEqual({ paymentId: 'E12345678202611241300abcdefghijk', method: 'pix', pixTxid: 'REGUA0000000000000000000001', amountCents: 12345, paidAt: '2026-11-24T13:00:00.358Z' });
    expect(PaymentReceivedV1.data.safeParse(payment).success).toBe(true);
  });

  test('Given a receipt without a txid (or an empty one), then the payment carries no txid', () => {
    const { txid: _txid, ...withoutTxid } = RECEIPT;
    const parsed = PixWebhookSchema.parse({ pix: [withoutTxid, { ...RECEIPT, txid: '', valor: '0.01' }] }).pix;

    expect(parsed.map(pixReceiptToPayment)).toEqual([
      { paymentId: RECEIPT.endToEndId, method: 'pix', amountCents: 12345, paidAt: RECEIPT.horario },
      { paymentId: RECEIPT.endToEndId, method: 'pix', amountCents: 1, paidAt: RECEIPT.horario },
    ]);
  });
});

describe('the webhook signature', () => {
  const body = Buffer.from(JSON.stringify({ pix: [RECEIPT] }));

  test('Given the HMAC of the exact bytes under the secret, then it verifies, in either case of hex', () => {
    const signature = pixSignature(body, 'a-webhook-secret-of-the-tenant');

    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyPixSignature(body, signature, 'a-webhook-secret-of-the-tenant')).toBe(true);
    expect(verifyPixSignature(body, signature.toUpperCase().replace('SHA256=', 'sha256='), 'a-webhook-secret-of-the-tenant')).toBe(true);
  });

  test('Given another secret, another byte, no header or a malformed one, then it does not verify', () => {
    const signature = pixSignature(body, 'a-webhook-secret-of-the-tenant');

    expect(verifyPixSignature(body, signature, 'another-secret-entirely')).toBe(false);
    expect(verifyPixSignature(Buffer.from(`${body.toString()} `), signature, 'a-webhook-secret-of-the-tenant')).toBe(false);
    expect(verifyPixSignature(body, undefined, 'a-webhook-secret-of-the-tenant')).toBe(false);
    expect(verifyPixSignature(body, 'sha256=abc', 'a-webhook-secret-of-the-tenant')).toBe(false);
  });
});
