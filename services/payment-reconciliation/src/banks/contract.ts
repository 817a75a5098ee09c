import { z } from 'zod';

/**
 * The bank's boleto registration API as Régua speaks it, shaped like the big banks' "API Cobrança" (Banco do Brasil
 * v2): any bank behind an adapter of this shape; the local stand-in (packages/bank-standin) serves exactly this.
 *
 *   POST {PAYMENT_BANK_URL}/cobrancas/v2/boletos                     Authorization: Bearer {PAYMENT_BANK_TOKEN}
 *     { numeroConvenio, numeroCarteira, numeroVariacaoCarteira?, agencia?, numeroTituloCliente ("000" + the 17-digit
 *       nosso número), dataVencimento (dd.mm.yyyy), valorOriginal ("123.45"), pagador { tipoInscricao 1 CPF | 2 CNPJ,
 *       numeroInscricao, nome } }
 *   201 registered / 200 the same nosso número registered before with the same data (idempotent)
 *       { numero, linhaDigitavel, codigoBarraNumerico, status: "REGISTRADO" }
 *   409 the nosso número is registered with other data; 400/401/403/404: not retried
 *   429 + Retry-After, 5xx, a reset connection, a timeout: retried (registration is idempotent by nosso número)
 *   GET  …/boletos/{numeroTituloCliente}          the boleto and its status
 *   POST …/boletos/{numeroTituloCliente}/baixar   written off (idempotent)
 */
export const BOLETOS_PATH = '/cobrancas/v2/boletos';

export const RegisteredAnswerSchema = z.object({
  numero: z.string().regex(/^\d{20}$/),
  linhaDigitavel: z.string().regex(/^\d{47}$/),
  codigoBarraNumerico: z.string().regex(/^\d{44}$/),
  status: z.string().min(1),
});

export type RegisteredAnswer = z.output<typeof RegisteredAnswerSchema>;
