import { z } from 'zod';
import { normalizeDocument } from '../br/documents.ts';
import { CnpjSchema, CpfSchema } from '../br/schemas.ts';

const CNPJ_DIGITS = 14;

/**
 * A data subject's tax id as a creditor's operator types it: a CPF (11 digits) or a CNPJ (14 characters, letters
 * allowed in the first 12 since July 2026), formatted or not.
 * The type follows from the length, and the check digits are verified with the invoices' own schemas.
 */
export const DataSubjectTaxIdSchema = z
  .string()
  .max(32, 'a CPF or CNPJ has at most 18 characters when formatted')
  .transform((value, ctx) => {
    const digits = normalizeDocument(value);
    const type = digits.length === CNPJ_DIGITS ? 'cnpj' : 'cpf';
    const parsed = (type === 'cnpj' ? CnpjSchema : CpfSchema).safeParse(digits);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: type === 'cnpj' ? 'invalid CNPJ (14 characters with valid check digits)' : 'invalid CPF or CNPJ (11 digits or 14 characters with valid check digits)' });
      return z.NEVER;
    }
    return { type, number: parsed.data } as const;
  });

/** `POST /v1/data-subjects:export` and `:erase`: whose data, and why (kept in the audit log). */
export const DataSubjectRequestV1Schema = z
  .object({
    taxId: DataSubjectTaxIdSchema,
    reason: z.string().trim().min(3, 'say why, in a few words (kept in the audit log)').max(500).regex(/^[^\u0000]*$/, 'must not contain the NUL character (U+0000)'),
  })
  .strict();

export type DataSubjectRequestV1 = z.output<typeof DataSubjectRequestV1Schema>;
