import { z } from 'zod';
import { isValidCnpj, isValidCpf, normalizeCnpj, normalizeCpf, UF_CODES } from './documents.ts';

/** The layouts documented for clients (bare digits or the usual punctuation); `format` names the check-digit rule. */
export const CPF_PATTERN = '^\\d{3}\\.?\\d{3}\\.?\\d{3}-?\\d{2}$';
/** Since July 2026 (IN RFB 2.229/2024) a CNPJ's first 12 characters may be letters; the last 2 stay digits. */
export const CNPJ_PATTERN = '^[0-9A-Za-z]{2}\\.?[0-9A-Za-z]{3}\\.?[0-9A-Za-z]{3}/?[0-9A-Za-z]{4}-?\\d{2}$';

export const CpfSchema = z
  .string()
  .transform(normalizeCpf)
  .refine(isValidCpf, { message: 'invalid CPF (11 digits with valid check digits)' })
  .meta({ format: 'cpf', pattern: CPF_PATTERN, example: '529.982.247-25', description: 'CPF: 11 digits, bare or as 000.000.000-00, whose two check digits follow the Receita Federal modulo-11 rule' });

export const CnpjSchema = z
  .string()
  .transform(normalizeCnpj)
  .refine(isValidCnpj, { message: 'invalid CNPJ (12 letters or digits and 2 check digits, valid)' })
  .meta({
    format: 'cnpj',
    pattern: CNPJ_PATTERN,
    example: '11.222.333/0001-81',
    description:
      'CNPJ: 14 characters, bare or as 00.000.000/0000-00; since July 2026 (IN RFB 2.229/2024) the first 12 may be letters A–Z (any case, stored upper-case), the last 2 are check digits following the Receita Federal modulo-11 rule over each character\'s ASCII code minus 48 (e.g. 12.ABC.345/01DE-35)',
  });

/** A debtor is a person (CPF) or a company (CNPJ); the type is stated, not guessed. */
export const TaxIdSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cpf'), number: CpfSchema }).strict(),
  z.object({ type: z.literal('cnpj'), number: CnpjSchema }).strict(),
]);

export const UfSchema = z.enum(UF_CODES, { message: 'unknown UF (two-letter Brazilian state code)' });
export const CepSchema = z
  .string()
  .regex(/^\d{5}-?\d{3}$/, 'CEP must have 8 digits (00000-000)')
  .transform((cep) => cep.replace('-', ''))
  .meta({ example: '01001-000' });

/** Calendar date as YYYY-MM-DD that really exists (no 2026-02-30). */
export const CalendarDateSchema = z.iso.date({ message: 'must be a calendar date as YYYY-MM-DD' }).meta({ example: '2026-11-05' });

export const CentavosSchema = z.number().int('amount must be integer centavos').positive('amount must be positive').meta({ example: 15990, description: 'integer centavos (BRL 159.90 is 15990)' });
