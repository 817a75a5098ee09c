import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** Invoices per event: a person with more is erased through several parts of one request. */
export const ERASURE_INVOICES_PER_EVENT = 500;

/**
 * A creditor asked Régua to erase a data subject's personal data (LGPD art. 18). Carries only the ids each
 * service keys its documents by, never the tax id: consumers erase or anonymise by `_id`, and record the
 * request's part as done under `requestId`.
 */
export const DataSubjectErasureRequestedV1 = defineEvent({
  type: 'DataSubjectErasureRequested',
  version: 1,
  topic: 'collections.data-subject.erasure-requested.v1',
  data: z
    .object({
      requestId: z.string().min(1),
      invoices: z
        .array(z.object({ invoiceId: z.string().min(1).describe('tenant:externalId'), debtorId: z.string().min(1).describe("the creditor's customer id") }).strict())
        .min(1)
        .max(ERASURE_INVOICES_PER_EVENT),
      part: z.number().int().nonnegative().describe('this event, 0-based, of the request'),
      parts: z.number().int().positive().describe('events the request was split into'),
    })
    .strict()
    .refine((d) => d.part < d.parts, { message: 'part must be below parts', path: ['part'] }),
});
