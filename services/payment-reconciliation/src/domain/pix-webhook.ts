// The Pix webhook as the Banco Central's Pix API (bacen/pix-api) defines it: the PSP posts
// `{"pix":[{endToEndId, txid, valor, horario, infoPagador, ...}]}` to `{webhookUrl}/pix` for each receipt.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PaymentReceivedData } from './payment-received.ts';

/** E (a payment; D for a return) + the payer PSP's ISPB (8 digits) + yyyyMMddHHmm (12) + 11 letters or digits: 32 characters. */
export const END_TO_END_ID = /^[ED]\d{8}\d{12}[a-zA-Z0-9]{11}$/;
/** A decimal string with two places, as the API writes amounts: "0.01", "1234.50". */
const VALOR = /^\d{1,10}\.\d{2}$/;

/**
 * One receipt. Not strict: PSPs add their own fields (`devolucoes`, `componentesValor`, extras), which are dropped.
 * A receipt without a charge (a transfer to the key) carries no txid; some PSPs send it empty.
 */
export const PixReceiptSchema = z.object({
  endToEndId: z.string().regex(END_TO_END_ID, 'endToEndId has 32 characters: E or D, the ISPB (8 digits), yyyyMMddHHmm, then 11 letters or digits'),
  txid: z
    .string()
    .regex(/^[a-zA-Z0-9]{0,35}$/, 'txid has at most 35 letters or digits')
    .optional()
    .transform((txid) => txid || undefined),
  valor: z
    .string()
    .regex(VALOR, 'valor is a decimal string with two places, e.g. "123.45"')
    .refine((valor) => !VALOR.test(valor) || valorToCents(valor) > 0, 'valor must be more than 0.00'),
  horario: z.iso.datetime({ offset: true, message: 'horario is an ISO 8601 date-time with its offset, e.g. 2026-11-24T13:00:00.000Z' }),
  infoPagador: z.string().max(140).optional(),
  chave: z.string().max(77).optional(),
  /**
   * The payer, as many PSPs add it to a receipt (the Banco Central's schema leaves it to them): a CPF or a CNPJ and a
   * name. It lets a transfer to the key without a txid be matched on the payer's document, amount and due date.
   */
  pagador: z
    .object({
      cpf: z.string().regex(/^\d{11}$/, 'pagador.cpf has 11 digits').optional(),
      cnpj: z.string().regex(/^[0-9A-Z]{14}$/, 'pagador.cnpj has 14 letters or digits').optional(),
      nome: z.string().max(200).optional(),
    })
    .optional(),
});

export const PIX_WEBHOOK_MAX_RECEIPTS = 1000;

export const PixWebhookSchema = z.object({
  pix: z.array(PixReceiptSchema).min(1, 'send at least one receipt').max(PIX_WEBHOOK_MAX_RECEIPTS, `at most ${PIX_WEBHOOK_MAX_RECEIPTS} receipts per call`),
});

export type PixReceipt = z.output<typeof PixReceiptSchema>;
export type PixWebhook = z.output<typeof PixWebhookSchema>;

/** "123.45" → 12345: digits only, never through a float. Expects a string `VALOR` accepts. */
export function valorToCents(valor: string): number {
  const match = VALOR.exec(valor);
  if (!match) throw new Error(`not a Pix amount: ${JSON.stringify(valor)}`);
  return Number(valor.replace('.', ''));
}

/**
 * A receipt as a payment to match: its id is the endToEndId (unique per Pix in the whole system, and the same on
 * every retry of the PSP), matched by its txid; one without a txid is matched on the payer's document when the PSP
 * sent it (`pixPayerDocument`), else it has nothing to match on and goes to an operator.
 */
export function pixReceiptToPayment(receipt: PixReceipt): PaymentReceivedData {
  return { paymentId: receipt.endToEndId, method: 'pix', ...(receipt.txid ? { pixTxid: receipt.txid } : {}), amountCents: valorToCents(receipt.valor), paidAt: receipt.horario };
}

/** The payer's CPF or CNPJ when the PSP sent it: only ever hashed (`documentHash`), never kept or published. */
export function pixPayerDocument(receipt: PixReceipt): string | undefined {
  return receipt.pagador?.cpf ?? receipt.pagador?.cnpj;
}

/**
 * The Banco Central's `GET /pix?inicio=…&fim=…` answer: the receipts of a time window, a page at a time
 * (`paginacao`). Used to catch what the webhook missed: transfers to the key without a txid, and any call the PSP
 * gave up on.
 */
export const PixReceivedPageSchema = z.object({
  parametros: z.object({
    inicio: z.string(),
    fim: z.string(),
    paginacao: z.object({ paginaAtual: z.number().int().min(0), itensPorPagina: z.number().int().positive(), quantidadeDePaginas: z.number().int().min(0), quantidadeTotalDeItens: z.number().int().min(0) }),
  }),
  pix: z.array(PixReceiptSchema),
});

export type PixReceivedPage = z.output<typeof PixReceivedPageSchema>;

/**
 * The signature a webhook call carries in `x-regua-signature`: `sha256=<hex HMAC-SHA256 of the raw body>` under the
 * tenant's webhook secret. Computed over the exact bytes received, before any parsing.
 */
export const PIX_SIGNATURE_HEADER = 'x-regua-signature';

export function pixSignature(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** Whether `header` is the signature of exactly these bytes under `secret` (constant time). */
export function verifyPixSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match || !secret) return false;
  return timingSafeEqual(Buffer.from(match[1]!.toLowerCase(), 'hex'), createHmac('sha256', secret).update(rawBody).digest());
}
