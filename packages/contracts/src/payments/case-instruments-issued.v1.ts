import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/**
 * Régua's own payment instruments for what a case owes now: a static Pix BR Code whose txid names the case (and the
 * amount's version: a txid stands for one amount) and, when a bank is configured, a boleto registered with it. A new
 * version is issued when the open amount changes or the due date passes; notification quotes the latest.
 */
export const CaseInstrumentsIssuedV1 = defineEvent({
  type: 'CaseInstrumentsIssued',
  version: 1,
  topic: 'collections.case.instruments-issued.v1',
  data: z
    .object({
      caseId: z.string().min(1),
      debtorId: z.string().min(1),
      /** 1 for the case's first instruments, +1 each time they are issued again. */
      instrumentsVersion: z.number().int().positive(),
      invoiceIds: z.array(z.string().min(1)).min(1),
      amountCents: z.number().int().positive(),
      dueDate: z.iso.date(),
      pix: z.object({ txid: z.string().regex(/^[A-Za-z0-9]{1,25}$/), copyPaste: z.string().min(1) }).strict(),
      boleto: z
        .object({ bankCode: z.string().regex(/^\d{3}$/), ourNumber: z.string().regex(/^\d{1,20}$/), digitableLine: z.string().regex(/^\d{47}$/), barcode: z.string().regex(/^\d{44}$/) })
        .strict()
        .optional(),
    })
    .strict(),
});
