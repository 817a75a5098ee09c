import { isValidCnpj, isValidCpf, normalizeCnpj, normalizeDocument } from './documents.ts';
import { CnpjSchema, CpfSchema } from './schemas.ts';

// Check digits worked out by hand with the Receita Federal modulo-11 rule:
// digit = 11 - (Σ digit × weight) mod 11, or 0 when the remainder is 0 or 1.
//
// CPF 529.982.247-25
//   1st: 5·10 + 2·9 + 9·8 + 9·7 + 8·6 + 2·5 + 2·4 + 4·3 + 7·2 = 295; 295 mod 11 = 9 → 11 - 9 = 2
//   2nd: 5·11 + 2·10 + 9·9 + 9·8 + 8·7 + 2·6 + 2·5 + 4·4 + 7·3 + 2·2 = 347; 347 mod 11 = 6 → 11 - 6 = 5
// CPF 100.000.001-08 (remainder below 2 gives digit 0)
//   1st: 1·10 + 1·2 = 12; 12 mod 11 = 1 → 0
//   2nd: 1·11 + 1·3 + 0·2 = 14; 14 mod 11 = 3 → 8
// CNPJ 11.222.333/0001-81
//   1st, weights 5 4 3 2 9 8 7 6 5 4 3 2: 5+4+6+4+18+24+21+18+0+0+0+2 = 102; 102 mod 11 = 3 → 8
//   2nd, weights 6 5 4 3 2 9 8 7 6 5 4 3 2: 6+5+8+6+4+27+24+21+0+0+0+3+16 = 120; 120 mod 11 = 10 → 1
// Alphanumeric CNPJ 12.ABC.345/01DE-35, the Receita Federal's example (IN RFB 2.229/2024): each character counts as
// its ASCII code minus 48, so 1 2 A B C 3 4 5 0 1 D E → 1 2 17 18 19 3 4 5 0 1 20 21
//   1st, weights 5 4 3 2 9 8 7 6 5 4 3 2: 5+8+51+36+171+24+28+30+0+4+60+42 = 459; 459 mod 11 = 8 → 3
//   2nd, weights 6 5 4 3 2 9 8 7 6 5 4 3 2 (…, 3): 6+10+68+54+38+27+32+35+0+5+80+63+6 = 424; 424 mod 11 = 6 → 5
// The same with the letter O (ASCII 79 → 31) typed for the zero at position 9: the 1st sum grows by 31·5 = 155 to
//   614; 614 mod 11 = 9 → 2, not 3, so the typo is caught.

describe('isValidCpf', () => {
  test.each(['529.982.247-25', '52998224725', '100.000.001-08'])('accepts %s, whose check digits follow the modulo-11 rule', (cpf) => {
    expect(isValidCpf(cpf)).toBe(true);
  });

  test.each([
    ['529.982.247-24', 'second check digit off by one'],
    ['529.982.247-35', 'first check digit wrong'],
    ['52998224752', 'check digits swapped'],
  ])('rejects %s (%s)', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });

  // 111.111.111-11: 1st = 54 mod 11 = 10 → 1, 2nd = 65 mod 11 = 10 → 1, so the arithmetic alone would pass it.
  test.each(['111.111.111-11', '00000000000', '99999999999'])('rejects %s made of one repeated digit even when its check digits add up', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });

  test.each([
    ['5299822472', '10 digits'],
    ['529982247250', '12 digits'],
    ['', 'empty'],
    ['11.222.333/0001-81', 'a CNPJ'],
  ])('rejects %s because it does not have 11 digits (%s)', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });
});

describe('isValidCnpj', () => {
  test.each(['11.222.333/0001-81', '11222333000181'])('accepts %s, whose check digits follow the modulo-11 rule', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(true);
  });

  test.each(['12.ABC.345/01DE-35', '12ABC34501DE35', '12.abc.345/01de-35', '12 ABC 345 01DE 35'])(
    'accepts the alphanumeric %s (letters count as ASCII − 48, in any case, with any punctuation)',
    (cnpj) => {
      expect(isValidCnpj(cnpj)).toBe(true);
    },
  );

  test.each([
    ['12.ABC.345/01DE-36', 'second check digit wrong'],
    ['12.ABC.345/01DE-45', 'first check digit wrong'],
    ['12.ABC.345/O1DE-35', 'the letter O typed for a zero'],
    ['12.ABC.345/01DE-3F', 'a letter in a check-digit position'],
    ['12.ABÇ.345/01DE-35', 'a letter outside A–Z'],
    ['1#.ABC.345/01DE-35', 'a symbol in place of a digit'],
  ])('rejects %s (%s)', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });

  test.each([
    ['11.222.333/0001-82', 'second check digit wrong'],
    ['11.222.333/0001-71', 'first check digit wrong'],
  ])('rejects the numeric %s (%s)', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });

  // All zeros sums to 0 for both digits (→ 0 and 0), so only the repeated-digit rule stops it.
  test.each(['00.000.000/0000-00', '11111111111111'])('rejects %s made of one repeated digit', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });

  test.each([
    ['1122233300018', '13 digits'],
    ['112223330001810', '15 digits'],
    ['529.982.247-25', 'a CPF'],
  ])('rejects %s because it does not have 14 digits (%s)', (cnpj) => {
    expect(isValidCnpj(cnpj)).toBe(false);
  });
});

describe('normalizing documents as they are stored', () => {
  test('Given an alphanumeric CNPJ in lower case with punctuation, then it is kept as its 14 characters upper-case', () => {
    expect(normalizeCnpj('12.abc.345/01de-35')).toBe('12ABC34501DE35');
    expect(normalizeDocument(' 12.abc.345/01de-35 ')).toBe('12ABC34501DE35');
    expect(CnpjSchema.parse('12.abc.345/01de-35')).toBe('12ABC34501DE35');
  });

  test('Given a numeric CNPJ or a CPF, then only its digits are kept', () => {
    expect(normalizeDocument('11.222.333/0001-81')).toBe('11222333000181');
    expect(normalizeDocument('529.982.247-25')).toBe('52998224725');
    expect(CpfSchema.parse('529.982.247-25')).toBe('52998224725');
  });

  test('Given the alphanumeric example where a CPF is expected, then it is refused (a CPF has digits only)', () => {
    expect(CpfSchema.safeParse('12.ABC.345/01DE-35').success).toBe(false);
  });
});
