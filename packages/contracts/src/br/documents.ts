// CPF and CNPJ check digits (Receita Federal's modulo-11 rules), CNPJs alphanumeric since July 2026 (IN RFB 2.229/2024).

const onlyDigits = (value: string): string => value.replace(/\D/g, '');

function mod11CheckDigit(values: readonly number[], weights: readonly number[]): number {
  const sum = values.reduce((acc, value, index) => acc + value * (weights[index] ?? 0), 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

const CPF_WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;
const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] as const;

export function isValidCpf(input: string): boolean {
  const cpf = normalizeCpf(input);
  if (cpf.length !== 11 || /^(\d)\1{10}$/.test(cpf)) return false;
  const digits = [...cpf].map(Number);
  const first = mod11CheckDigit(digits.slice(0, 9), CPF_WEIGHTS);
  const second = mod11CheckDigit(digits.slice(0, 10), [11, ...CPF_WEIGHTS]);
  return first === digits[9] && second === digits[10];
}

/** A CNPJ character's value in the check-digit sums: its ASCII code minus 48 (0–9 → 0–9, A → 17 … Z → 42). */
const cnpjValue = (char: string): number => char.charCodeAt(0) - 48;

/** The two check digits of a CNPJ's first 12 characters (digits or, since July 2026, upper-case letters). */
function cnpjCheckDigits(base: string): string {
  const values = [...base].map(cnpjValue);
  const first = mod11CheckDigit(values, CNPJ_WEIGHTS.slice(1));
  const second = mod11CheckDigit([...values, first], CNPJ_WEIGHTS);
  return `${first}${second}`;
}

/** Numeric CNPJs and, since July 2026, alphanumeric ones: 12 characters 0–9 or A–Z, then 2 check digits. */
export function isValidCnpj(input: string): boolean {
  const cnpj = normalizeCnpj(input);
  if (!/^[0-9A-Z]{12}\d{2}$/.test(cnpj) || /^(\d)\1{13}$/.test(cnpj)) return false;
  return cnpjCheckDigits(cnpj.slice(0, 12)) === cnpj.slice(12);
}

/** A CPF as stored: its digits only. */
export const normalizeCpf = onlyDigits;

/** A CNPJ as stored: letters and digits, upper-case, without punctuation (12.abc.345/01de-35 → 12ABC34501DE35). */
export const normalizeCnpj = (value: string): string => value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

/**
 * A CPF or CNPJ as stored: punctuation dropped, letters kept upper-case (alphanumeric CNPJs); a CPF, being
 * digits, comes out as digits only.
 */
export const normalizeDocument = normalizeCnpj;

/** A CNPJ as printed: 00.000.000/0000-00, letters kept (alphanumeric CNPJs); anything else as given. */
export function formatCnpj(cnpj: string): string {
  const c = normalizeCnpj(cnpj);
  return /^[0-9A-Z]{12}\d{2}$/.test(c) ? `${c.slice(0, 2)}.${c.slice(2, 5)}.${c.slice(5, 8)}/${c.slice(8, 12)}-${c.slice(12)}` : cnpj;
}


export const UF_CODES = [
  'AC', 'AL', 'AP', 'AM', 'BA', 'CE', 'DF', 'ES', 'GO', 'MA', 'MT', 'MS', 'MG', 'PA',
  'PB', 'PR', 'PE', 'PI', 'RJ', 'RN', 'RS', 'RO', 'RR', 'SC', 'SP', 'SE', 'TO',
] as const;
export type Uf = (typeof UF_CODES)[number];
