import fc from 'fast-check';
import { CnpjSchema, CpfSchema } from './schemas.ts';

// The oracle: Receita Federal's modulo-11 rule written out again here, apart from the code under test. A CNPJ
// character counts as its ASCII code minus 48 (IN RFB 2.229/2024: letters A–Z allowed in the first 12 since July 2026).
const CPF_WEIGHTS = [[10, 9, 8, 7, 6, 5, 4, 3, 2], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]] as const;
const CNPJ_WEIGHTS = [[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]] as const;

function withCheckDigits(base: number[], [first, second]: readonly [readonly number[], readonly number[]]): number[] {
  const digit = (digits: number[], weights: readonly number[]) => {
    const rest = digits.reduce((sum, d, i) => sum + d * weights[i]!, 0) % 11;
    return rest < 2 ? 0 : 11 - rest;
  };
  const withFirst = [...base, digit(base, first)];
  return [...withFirst, digit(withFirst, second)];
}

const notAllSame = (values: ReadonlyArray<number | string>) => new Set(values).size > 1;
const baseDigits = (length: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).filter(notAllSame);
const cpfDigits = baseDigits(9).map((base) => withCheckDigits(base, CPF_WEIGHTS));

const CNPJ_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const cnpjChar = fc.integer({ min: 0, max: CNPJ_CHARS.length - 1 }).map((i) => CNPJ_CHARS[i]!);
const cnpjValue = (char: string) => char.charCodeAt(0) - 48;
/** A CNPJ as its 14 characters: numeric (as registered before July 2026) or with letters in the first 12. */
const cnpjChars = fc
  .oneof(baseDigits(12).map((digits) => digits.map(String)), fc.array(cnpjChar, { minLength: 12, maxLength: 12 }).filter(notAllSame))
  .map((base) => [...base, ...withCheckDigits(base.map(cnpjValue), CNPJ_WEIGHTS).slice(12).map(String)]);

const formatCpf = (d: string) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
const formatCnpj = (d: string) => `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;

/** A valid number with one digit replaced by another: its position and the replacement. */
const mutated = (valid: fc.Arbitrary<number[]>, length: number) =>
  fc.tuple(valid, fc.integer({ min: 0, max: length - 1 }), fc.integer({ min: 1, max: 9 })).map(([digits, at, shift]) => {
    const copy = [...digits];
    copy[at] = (copy[at]! + shift) % 10;
    return { original: digits, mutant: copy, at };
  });

describe('CPF and CNPJ check digits (property-based)', () => {
  test('Given any CPF built with the modulo-11 rule, bare or formatted, then it parses to its 11 digits', () => {
    fc.assert(
      fc.property(cpfDigits, fc.boolean(), (digits, formatted) => {
        const bare = digits.join('');
        expect(CpfSchema.parse(formatted ? formatCpf(bare) : bare)).toBe(bare);
      }),
    );
  });

  test('Given any CNPJ, numeric or alphanumeric, built with the modulo-11 rule, bare or formatted, in any case, then it parses to its 14 characters upper-case', () => {
    fc.assert(
      fc.property(cnpjChars, fc.boolean(), fc.boolean(), (chars, formatted, lowerCase) => {
        const bare = chars.join('');
        const sent = formatted ? formatCnpj(bare) : bare;
        expect(CnpjSchema.parse(lowerCase ? sent.toLowerCase() : sent)).toBe(bare);
      }),
    );
  });

  test('Given a valid CNPJ with one of its first 12 characters replaced by another letter or digit, then it is accepted exactly when the rule says the new one is valid', () => {
    const mutant = fc.tuple(cnpjChars, fc.integer({ min: 0, max: 11 }), cnpjChar).map(([chars, at, char]) => chars.map((c, i) => (i === at ? char : c)));
    fc.assert(
      fc.property(mutant, (chars) => {
        const base = chars.slice(0, 12);
        const valid = notAllSame(chars) && withCheckDigits(base.map(cnpjValue), CNPJ_WEIGHTS).slice(12).join('') === chars.slice(12).join('');
        expect(CnpjSchema.safeParse(chars.join('')).success).toBe(valid);
      }),
    );
  });

  test('Given a valid CPF with one check digit changed, then it is refused', () => {
    fc.assert(
      fc.property(mutated(cpfDigits, 11).filter(({ at }) => at >= 9), ({ mutant }) => {
        expect(CpfSchema.safeParse(mutant.join('')).success).toBe(false);
      }),
    );
  });

  test('Given a valid CPF with any one digit changed, then it is accepted exactly when the rule says the new number is valid', () => {
    fc.assert(
      fc.property(mutated(cpfDigits, 11), ({ mutant }) => {
        const base = mutant.slice(0, 9);
        const valid = notAllSame(mutant) && withCheckDigits(base, CPF_WEIGHTS).join('') === mutant.join('');
        expect(CpfSchema.safeParse(mutant.join('')).success).toBe(valid);
      }),
    );
  });

  // The rule maps remainders 0 and 1 to the same digit, so some one-digit typos in the first nine digits still pass:
  // a check digit cannot catch every typo, and the property above says exactly which ones it misses.
  test('Given 100.000.001-08 and the typo 200.000.001-08, then both are valid CPFs (a limit of modulo 11, not of the code)', () => {
    expect([CpfSchema.safeParse('100.000.001-08').success, CpfSchema.safeParse('200.000.001-08').success]).toEqual([true, true]);
  });

  test('Given a valid CNPJ with one check digit changed, then it is refused', () => {
    fc.assert(
      fc.property(fc.tuple(cnpjChars, fc.integer({ min: 12, max: 13 }), fc.integer({ min: 1, max: 9 })), ([chars, at, shift]) => {
        const mutant = chars.map((c, i) => (i === at ? String((Number(c) + shift) % 10) : c));
        expect(CnpjSchema.safeParse(mutant.join('')).success).toBe(false);
      }),
    );
  });

  test('Given a string of the wrong number of digits, then neither a CPF nor a CNPJ', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,20}$/).filter((s) => s.length !== 11 && s.length !== 14), (digits) => {
        expect(CpfSchema.safeParse(digits).success).toBe(false);
        expect(CnpjSchema.safeParse(digits).success).toBe(false);
      }),
    );
  });
});
