import { z } from 'zod';
import { isValidCnpj, isValidCpf, normalizeDocument, UF_CODES } from './documents.ts';

/** The layouts documented for clients (bare digits or the usual punctuation); `format` names the check-digit rule. */
export const CPF_PATTERN = '^\\d{3}\\.?\\d{3}\\.?\\d{3}-?\\d{2}$';
export const CNPJ_PATTERN = '^\\d{2}\\.?\\d{3}\\.?\\d{3}/?\\d{4}-?\\d{2}$';

export const CpfSchema = z
  .string()
  .transform(normalizeDocument)
  .refine(isValidCpf, { message: 'invalid CPF (11 digits with valid check digits)' })
  .meta({ format: 'cpf', pattern: CPF_PATTERN, example: '529.982.247-25', description: 'CPF: 11 digits, bare or as 000.000.000-00, whose two check digits follow the Receita Federal modulo-11 rule' });

export const CnpjSchema = z
  .string()
  .transform(normalizeDocument)
  .refine(isValidCnpj, { message: 'invalid CNPJ (14 digits with valid check digits)' })
  .meta({ format: 'cnpj', pattern: CNPJ_PATTERN, example: '11.222.333/0001-81', description: 'CNPJ: 14 digits, bare or as 00.000.000/0000-00, whose two check digits follow the Receita Federal modulo-11 rule' });

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
