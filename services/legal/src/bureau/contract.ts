import { z } from 'zod';

/**
 * The credit bureau's registration API, as legal speaks it (any bureau behind an adapter of this shape; the local
 * stand-in, packages/bureau-standin, serves exactly this). `Authorization: Bearer {LEGAL_BUREAU_TOKEN}`; JSON.
 *
 *   POST /v1/debt-notices            { externalReference, creditor, debtor (document, name, address), debts[] }
 *        201 | 200 (same reference)  { protocol, status: "sent", sentAt, proof: { channel, trackingCode } }
 *   POST /v1/registrations           { externalReference, noticeProtocol, creditor, debtor, debts[] (as noticed) }
 *        201 | 200 (same reference)  { protocol, status: "active", registeredAt }
 *        422                         no such notice, or debts that differ from the notice's
 *   POST /v1/registrations/{protocol}/withdrawal  { reason }   200 { protocol, status: "withdrawn", withdrawnAt }
 *   GET  /v1/registrations/{protocol}                          200 { protocol, status, registeredAt, withdrawnAt? }
 *
 *   400/401/403/404/422 are answers, not retried · 429, 5xx, network errors and timeouts are retried with backoff
 */
export const NoticeAnswerSchema = z.object({
  protocol: z.string().min(1),
  status: z.literal('sent'),
  sentAt: z.iso.datetime({ offset: true }),
  proof: z.object({ channel: z.enum(['letter', 'email', 'sms']), trackingCode: z.string().min(1) }),
});
export type NoticeAnswer = z.output<typeof NoticeAnswerSchema>;

export const RegistrationAnswerSchema = z.object({
  protocol: z.string().min(1),
  status: z.enum(['active', 'withdrawn']),
  registeredAt: z.iso.datetime({ offset: true }),
  withdrawnAt: z.iso.datetime({ offset: true }).optional(),
});
export type RegistrationAnswer = z.output<typeof RegistrationAnswerSchema>;

export interface BureauParty {
  document: string;
  documentType: 'cpf' | 'cnpj';
  name: string;
}

export interface NoticeRequest {
  externalReference: string;
  creditor: { document: string; name: string };
  debtor: BureauParty & { address: { street: string; number: string; complement?: string; district: string; city: string; uf: string; cep: string } };
  debts: Array<{ contract: string; amountCents: number; dueDate: string }>;
}

export interface RegistrationRequest {
  externalReference: string;
  noticeProtocol: string;
  creditor: { document: string; name: string };
  debtor: BureauParty;
  debts: Array<{ contract: string; amountCents: number; dueDate: string }>;
}

/** The port legal talks to a bureau through. */
export interface BureauRegistry {
  readonly name: string;
  requestNotice(request: NoticeRequest): Promise<NoticeAnswer>;
  register(request: RegistrationRequest): Promise<RegistrationAnswer>;
  withdraw(protocol: string, reason: string): Promise<RegistrationAnswer>;
  status(protocol: string): Promise<RegistrationAnswer>;
}

/** The bureau answered, and the answer is no: asking again will not change it. */
export class BureauRefusedError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'BureauRefusedError';
    this.status = status;
  }
}

/** No answer could be had (after the retries): the step is tried again later. */
export class BureauUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'BureauUnavailableError';
  }
}
