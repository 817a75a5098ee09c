import { z } from 'zod';
import { defineEvent } from '../envelope.ts';

/** A payment reported by a bank or PSP (Pix webhook, boleto return file), before matching. */
export const PaymentReceivedV1 = defineEvent({
  type: 'PaymentReceived',
  version: 1,
  topic: 'bank.payments.received.v1',
  data: z
    .object({
      paymentId: z.string().min(1).describe("Provider's id: Pix endToEndId or boleto nosso número + date"),
      method: z.enum(['pix', 'boleto', 'card', 'other']),
      invoiceExternalId: z.string().min(1).optional(),
      pixTxid: z.string().optional(),
      amountCents: z.number().int().positive(),
      paidAt: z.iso.datetime({ offset: true }),
    })
    .strict()
    .refine((p) => p.invoiceExternalId || p.pixTxid, { message: 'needs invoiceExternalId or pixTxid to match' }),
});
