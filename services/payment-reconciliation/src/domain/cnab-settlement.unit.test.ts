import { PaymentReceivedV1 } from '@regua/contracts';
import { returnFile, type TitleSpec } from '../../test/support/cnab240-file.ts';
import { movementRecord, ourNumberKey, settlementPayments, settlementToPayment } from './cnab-settlement.ts';
import { parseCnab240Return, type Cnab240Title } from './cnab240.ts';

const SETTLED: TitleSpec = { movementCode: '06', nossoNumero: '12345670000000123', seuNumero: 'INV-0001', faceValueCents: 123456, paidCents: 125925, interestAndFineCents: 2469, occurrenceDate: '12122026', creditDate: '13122026' };

const titleOf = (spec: TitleSpec): Cnab240Title => {
  const parsed = parseCnab240Return(returnFile({ batches: [[spec]] }).join('\n'));
  return [...parsed.settlements, ...parsed.movements][0]!;
};

describe('settlementToPayment', () => {
  test('Given a settlement with seu número, then it is a boleto payment of the amount paid, id bank:nosso número:credit date, matched on seu número, paid on the occurrence date', () => {
    const mapped = settlementToPayment(titleOf(SETTLED));

    expect(mapped).toEqual({
      ok: true,
      payment: {
        line: 3,
        ourNumber: '12345670000000123',
        data: { paymentId: '001:12345670000000123:2026-12-13', method: 'boleto', invoiceExternalId: 'INV-0001', amountCents: 125925, paidAt: '2026-12-12T00:00:00-03:00' },
      },
    });
    expect(mapped.ok && PaymentReceivedV1.data.safeParse(mapped.payment.data).success).toBe(true);
  });

  test('Given a settlement after write-off (17) without seu número and without occurrence date, then it names no invoice and is paid on the credit date', () => {
    const mapped = settlementToPayment(titleOf({ ...SETTLED, movementCode: '17', seuNumero: '', occurrenceDate: '00000000' }));

    expect(mapped.ok && mapped.payment.data).toEqual({ paymentId: '001:12345670000000123:2026-12-13', method: 'boleto', amountCents: 125925, paidAt: '2026-12-13T00:00:00-03:00' });
    expect(mapped.ok && mapped.payment.ourNumber).toBe('12345670000000123');
  });

  test('Given a settlement without a credit date and with nothing paid, then both problems are reported on its segment U', () => {
    expect(settlementToPayment(titleOf({ ...SETTLED, creditDate: '00000000', paidCents: 0 }))).toEqual({
      ok: false,
      issues: [
        { line: 4, column: 146, message: 'settlement (movement 06) without a credit date' },
        { line: 4, column: 78, message: 'settlement (movement 06) with no amount paid' },
      ],
    });
  });
});

describe('settlementPayments', () => {
  test('Given a file with settlements and other movements, then only the settlements become payments, and the others are recorded as they came', () => {
    const parsed = parseCnab240Return(returnFile({ batches: [[SETTLED, { movementCode: '02', nossoNumero: '9', seuNumero: 'INV-0002', faceValueCents: 5000 }], [{ ...SETTLED, nossoNumero: '12345670000000126', seuNumero: 'INV-0003', paidCents: 100 }]] }).join('\n'));
    const { payments, issues } = settlementPayments(parsed);

    expect(issues).toEqual([]);
    expect(payments.map((p) => [p.line, p.data.paymentId, p.data.amountCents])).toEqual([
      [3, '001:12345670000000123:2026-12-13', 125925],
      [9, '001:12345670000000126:2026-12-13', 100],
    ]);
    expect(parsed.movements.map(movementRecord)).toEqual([{ line: 5, movementCode: '02', nossoNumero: '9', seuNumero: 'INV-0002', dueDate: '2026-12-10', faceValueCents: 5000, reasonCodes: '', occurrenceDate: null }]);
  });
});

describe('ourNumberKey', () => {
  test('Given a nosso número padded by the bank, punctuated by the creditor or in lower case, then the keys agree', () => {
    expect(ourNumberKey('00000000012345678')).toBe('12345678');
    expect(ourNumberKey('1234567-8')).toBe('12345678');
    expect(ourNumberKey('00ab-12')).toBe('AB12');
    expect(ourNumberKey('0000')).toBe('');
  });
});
