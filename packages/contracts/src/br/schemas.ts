import { z } from 'zod';
import { isValidCnpj, isValidCpf, normalizeDocument, UF_CODES } from './documents.ts';

export const CpfSchema = z
  .string()
  .transform(normalizeDocument)
  .refine(isValidCpf, { message: 'invalid CPF (11 digits with valid check digits)' });

export const CnpjSchema = z
  .string()
  .transform(normalizeDocument)
  .refine(isValidCnpj, { message: 'invalid CNPJ (14 digits with valid check digits)' });

/** A debtor is a person (CPF) or a company (CNPJ); the type is stated, not guessed. */
export const TaxIdSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cpf'), number: CpfSchema }).strict(),
  z.object({ type: z.literal('cnpj'), number: CnpjSchema }).strict(),
]);

export const UfSchema = z.enum(UF_CODES, { message: 'unknown UF (two-letter Brazilian state code)' });
export const CepSchema = z
  .string()
  .regex(/^\d{5}-?\d{3}$/, 'CEP must have 8 digits (00000-000)')
  .transform((cep) => cep.replace('-', ''));

/** Calendar date as YYYY-MM-DD that really exists (no 2026-02-30). */
export const CalendarDateSchema = z.iso.date({ message: 'must be a calendar date as YYYY-MM-DD' });

export const CentavosSchema = z.number().int('amount must be integer centavos').positive('amount must be positive');
