import { BoletoError, barcode, digitableLine, dueDateFactor, dueDateFromFactor, formatDigitableLine, parseBarcode, parseDigitableLine } from './boleto.ts';

/*
 * A Banco do Brasil-style boleto, worked by hand:
 *   bank 001, currency 9, due 2026-12-10, R$ 1.234,56, free field 000000 1234567 0000000123 17
 *   (BB with a 7-digit convênio: six zeros, convênio, 10-digit sequence, wallet 17).
 * Factor: 2025-02-22 is 1000, and 2026-12-10 is 656 days later (365 to 2026-02-22, 291 more) → 1656.
 * General check digit over 001 9 1656 0000123456 0000001234567000000012317 (43 digits), weights 2–9 from the right,
 * non-zero terms: 1×2 9×9 1×8 6×7 5×6 6×5 1×8 2×7 3×6 4×5 5×4 6×3 | 1×4 2×3 3×2 4×9 5×8 6×7 7×6 | 1×6 2×5 3×4 1×3 7×2
 *   = 2+81+8+42+30+30+8+14+18+20+20+18 + 4+6+6+36+40+42+42 + 6+10+12+3+14 = 512; 512 mod 11 = 6; 11 − 6 = 5.
 * Barcode: 001 9 5 1656 0000123456 0000001234567000000012317.
 * Field 1: 00190 0000 → weights 2,1 from the right: 0 0 1×2 9×1 0… = 2+9 = 11 → DV (10 − 1) = 9 → 00190.00009
 * Field 2: 0123456700 → 0 1×2 2 3×2 4 5×2 6 7×2 0 0 = 2+2+6+4+(1+0)+6+(1+4) = 26 → DV 4 → 01234.567004
 * Field 3: 0000012317 → 1×2 2 3×2 1 7×2 = 2+2+6+1+(1+4) = 16 → DV 4 → 00000.123174
 */
const BB = { bankCode: '001', dueDate: '2026-12-10', amountCents: 123456, freeField: '0000001234567000000012317' };
const BB_BARCODE = '00195165600001234560000001234567000000012317';
const BB_LINE = '00190000090123456700400000123174516560000123456';
const BB_LINE_PRINTED = '00190.00009 01234.567004 00000.123174 5 16560000123456';

function boletoError(fn: () => unknown): BoletoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BoletoError) return error;
    throw error;
  }
  throw new Error('expected a BoletoError');
}

describe('dueDateFactor: days since 1997-10-07, restarting at 1000 after 9999', () => {
  test.each([
    ['2000-07-03', 1000], // the first factor in use
    ['2025-02-21', 9999], // the last day of the first cycle
    ['2025-02-22', 1000], // the reset: FEBRABAN's factor restarts at 1000
    ['2025-02-23', 1001],
    ['2026-11-25', 1641],
    ['2026-12-10', 1656],
    ['2049-10-13', 9999], // the end of the second cycle, 9000 days after 2025-02-21
    ['2049-10-14', 1000],
  ])('Given %s, then the factor is %i', (date, factor) => {
    expect(dueDateFactor(date)).toBe(factor);
  });

  test('Given a date before 2000-07-03, then it has no factor in use', () => {
    expect(boletoError(() => dueDateFactor('2000-07-02')).issues).toEqual([{ path: 'dueDate', message: 'factors below 1000 (dates before 2000-07-03) are no longer in use' }]);
  });

  test('Given a date that is not on the calendar, then it is rejected', () => {
    expect(boletoError(() => dueDateFactor('2026-02-29')).field).toBe('dueDate');
  });
});

describe('dueDateFromFactor: the date nearest the reference', () => {
  test.each([
    [1000, '2025-03-01', '2025-02-22'],
    [1000, '2001-01-01', '2000-07-03'],
    [9999, '2025-03-01', '2025-02-21'], // a boleto due days before the reset, read after it
    [1656, '2026-11-25', '2026-12-10'],
    [1656, '2005-01-01', '2002-04-20'], // the same factor 9000 days earlier, read in its own time
    [1000, '2037-06-01', '2025-02-22'], // 4482 days after 2025-02-22, 4518 before 2049-10-14: the nearer is the earlier
  ])('Given factor %i read on %s, then the due date is %s', (factor, reference, date) => {
    expect(dueDateFromFactor(factor, reference)).toBe(date);
  });

  test('Given any date from 2000-07-03 and a reference within 4000 days of it, then the factor round-trips', () => {
    for (let day = 0; day < 20_000; day += 7) {
      const date = new Date(Date.UTC(2000, 6, 3) + day * 86_400_000).toISOString().slice(0, 10);
      const reference = new Date(Date.UTC(2000, 6, 3) + (day + ((day * 37) % 8000) - 4000) * 86_400_000).toISOString().slice(0, 10);
      expect(dueDateFromFactor(dueDateFactor(date), reference)).toBe(date);
    }
  });

  test('Given factor 0, then there is no due date; given 999, then it is rejected', () => {
    expect(dueDateFromFactor(0, '2026-01-01')).toBeNull();
    expect(boletoError(() => dueDateFromFactor(999, '2026-01-01')).field).toBe('dueDateFactor');
  });
});

describe('barcode', () => {
  test('Given the Banco do Brasil-style boleto worked by hand above, then the barcode matches it digit for digit', () => {
    expect(barcode(BB)).toBe(BB_BARCODE);
    expect(barcode({ ...BB, currency: '9' })).toBe(BB_BARCODE);
  });

  test('Given amounts whose modulo 11 leaves 1 or 0 (check 10 or 11), then the general check digit is 1', () => {
    // Sum 518 → rest 1 → 11 − 1 = 10 → 1; sum 517 = 47 × 11 → rest 0 → 11 → 1.
    expect(barcode({ ...BB, amountCents: 123458 })[4]).toBe('1');
    expect(barcode({ ...BB, amountCents: 123475 })[4]).toBe('1');
  });

  test('Given no due date and no amount, then the factor and the amount are zeros', () => {
    expect(barcode({ ...BB, dueDate: null, amountCents: 0 }).slice(5, 19)).toBe('00000000000000');
  });

  test('Given several invalid inputs, then the error lists each of them', () => {
    const error = boletoError(() => barcode({ bankCode: '1', dueDate: '2026-12-10', amountCents: 10_000_000_000, freeField: '123' }));

    expect(error.issues.map((i) => i.path)).toEqual(['bankCode', 'amountCents', 'freeField']);
    expect(error.field).toBe('bankCode');
  });

  test('Given a barcode, then parseBarcode gives back its parts; a wrong check digit is rejected', () => {
    expect(parseBarcode(BB_BARCODE)).toEqual({ barcode: BB_BARCODE, bankCode: '001', currency: '9', checkDigit: 5, dueDateFactor: 1656, amountCents: 123456, freeField: BB.freeField });
    expect(boletoError(() => parseBarcode(BB_BARCODE.slice(0, 4) + '6' + BB_BARCODE.slice(5))).issues[0]?.message).toBe('general check digit (position 5) is 6, expected 5');
  });
});

describe('linha digitável', () => {
  test('Given the barcode, then the line has the three check digits worked out above, and prints with dots and spaces', () => {
    expect(digitableLine(BB_BARCODE)).toBe(BB_LINE);
    expect(formatDigitableLine(BB_LINE)).toBe(BB_LINE_PRINTED);
  });

  test('Given the printed line, then it converts back to the barcode', () => {
    expect(parseDigitableLine(BB_LINE_PRINTED)).toBe(BB_BARCODE);
  });

  test('Given many boletos, then barcode → line → barcode is the identity', () => {
    for (let i = 0; i < 500; i++) {
      const freeField = String((i * 7_919_113_357) % 10 ** 12).padStart(12, '0') + String(i * 48_271).padStart(13, '0');
      const code = barcode({ bankCode: ['001', '237', '341', '104'][i % 4]!, dueDate: `20${String(10 + (i % 30)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`, amountCents: i * 104_729, freeField });
      expect(parseDigitableLine(formatDigitableLine(digitableLine(code)))).toBe(code);
    }
  });

  test.each([
    ['field 1', BB_LINE_PRINTED.replace('00190.00009', '00190.00008'), 'check digit is 8, expected 9'],
    ['field 2', BB_LINE_PRINTED.replace('01234.567004', '01234.567005'), 'check digit is 5, expected 4'],
    ['field 3', BB_LINE_PRINTED.replace('00000.123174', '00000.123173'), 'check digit is 3, expected 4'],
    ['field 4', BB_LINE_PRINTED.replace(' 5 ', ' 7 '), 'general check digit is 7, expected 5'],
    ['field 4', BB_LINE_PRINTED.replace('16560000123456', '16560000123457'), 'general check digit is 5, expected 2'],
  ])('Given a wrong digit in %s, then the error names that field', (field, line, message) => {
    expect(boletoError(() => parseDigitableLine(line)).issues).toEqual([{ path: field, message }]);
  });

  test('Given two fields wrong at once, then both are named', () => {
    const line = BB_LINE_PRINTED.replace('00190.00009', '00190.00008').replace('00000.123174', '00000.123170');

    expect(boletoError(() => parseDigitableLine(line)).issues.map((i) => i.path)).toEqual(['field 1', 'field 3']);
  });

  test('Given 48 digits, then the error says it is not a boleto de cobrança', () => {
    expect(boletoError(() => parseDigitableLine('8'.repeat(48))).issues[0]?.message).toBe('exactly 47 digits, got 48 (48 digits is a utility or tax bill, not a boleto de cobrança)');
  });
});
