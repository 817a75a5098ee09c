// The request shapes the stand-in accepts, one per channel, as the real providers define them (trimmed to what Régua
// sends): SendGrid's v3 mail send, a Zenvia-like SMS API, the WhatsApp Cloud API and a voice bot's calls API.
import { z } from 'zod';
import { randomString, type Random } from './random.ts';

export const SANDBOX_CHANNELS = ['email', 'sms', 'whatsapp', 'voice'] as const;
export type SandboxChannel = (typeof SANDBOX_CHANNELS)[number];

/** What the stand-in keeps of an accepted message. */
export interface AcceptedMessage {
  /** Régua's reference (the step's id), when the request carried one. */
  reference?: string;
  to: string;
  text: string;
}

/** How a provider answers, as its API does. */
export interface ProviderAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ProviderSpec {
  channel: SandboxChannel;
  /** The name receipts carry (`provider`). */
  provider: string;
  /** An express route. */
  path: string;
  /** The credential this request presents, as the provider reads it. */
  credential(headers: Record<string, string | string[] | undefined>): string | undefined;
  /** The message in a request body, or why it is refused (the provider's own 400 body). */
  parse(body: unknown): { message: AcceptedMessage } | { invalid: unknown };
  /** A new provider message id. */
  newId(random: Random): string;
  /** The answer to an accepted message (`duplicate`: a message with this reference was accepted before, as `id`). */
  accepted(id: string, message: AcceptedMessage, duplicate: boolean): ProviderAnswer;
  unauthorized: ProviderAnswer;
  serverError: ProviderAnswer;
  /** Whether a second request with a reference already accepted is answered with the first one's id instead of sent again. */
  idempotentOnReference: boolean;
}

function bearer(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers.authorization;
  return typeof value === 'string' && value.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined;
}

/** The provider's 400 body for the first problem zod found. */
function refuse(error: z.ZodError, answer: (message: string, field: string) => unknown): { invalid: unknown } {
  const issue = error.issues[0];
  return { invalid: answer(issue?.message ?? 'invalid request', issue?.path.map(String).join('.') ?? '') };
}

const Address = z.object({ email: z.email(), name: z.string().optional() });
const CustomArgs = z.record(z.string(), z.string());

/** SendGrid v3 `POST /v3/mail/send` (one message per request here; receipts go per request). */
export const SendGridMailSchema = z
  .object({
    personalizations: z.array(z.object({ to: z.array(Address).min(1), subject: z.string().min(1).optional(), custom_args: CustomArgs.optional() })).min(1),
    from: Address,
    subject: z.string().min(1).optional(),
    content: z.array(z.object({ type: z.string().min(1), value: z.string().min(1) })).min(1),
    custom_args: CustomArgs.optional(),
  })
  .refine((mail) => mail.subject !== undefined || mail.personalizations.every((p) => p.subject !== undefined), { message: 'The subject is required.', path: ['subject'] });

const email: ProviderSpec = {
  channel: 'email',
  provider: 'sendgrid',
  path: '/email/v3/mail/send',
  credential: bearer,
  parse(body) {
    const parsed = SendGridMailSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error, (message, field) => ({ errors: [{ message, field, help: null }] }));
    const mail = parsed.data;
    const first = mail.personalizations[0]!;
    const reference = first.custom_args?.reference ?? mail.custom_args?.reference;
    const text = mail.content.find((c) => c.type === 'text/plain')?.value ?? mail.content[0]!.value;
    return { message: { ...(reference ? { reference } : {}), to: mail.personalizations.flatMap((p) => p.to.map((t) => t.email)).join(','), text } };
  },
  newId: (random) => randomString(random, 22),
  accepted: (id) => ({ status: 202, headers: { 'x-message-id': id } }),
  unauthorized: { status: 401, body: { errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] } },
  serverError: { status: 500, body: { errors: [{ message: 'Internal server error', field: null, help: null }] } },
  idempotentOnReference: false,
};

/** A Zenvia-like SMS API (`X-API-TOKEN`; `externalId` is the client's reference). */
export const SmsMessageSchema = z.object({
  from: z.string().min(1),
  to: z.string().regex(/^\d{10,15}$/, 'to must be the number in digits, with country code'),
  contents: z.array(z.object({ type: z.literal('text'), text: z.string().min(1).max(1600) })).length(1),
  externalId: z.string().min(1).max(200).optional(),
});

const sms: ProviderSpec = {
  channel: 'sms',
  provider: 'zenvia',
  path: '/sms/v1/messages',
  credential: (headers) => (typeof headers['x-api-token'] === 'string' ? headers['x-api-token'] : undefined),
  parse(body) {
    const parsed = SmsMessageSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error, (message, field) => ({ code: 'VALIDATION_ERROR', message, details: [{ path: field, message }] }));
    const { to, contents, externalId } = parsed.data;
    return { message: { ...(externalId ? { reference: externalId } : {}), to, text: contents[0]!.text } };
  },
  newId: (random) => `${randomString(random, 8, '0123456789abcdef')}-${randomString(random, 4, '0123456789abcdef')}-${randomString(random, 12, '0123456789abcdef')}`,
  accepted: (id, message) => ({ status: 200, body: { id, externalId: message.reference, to: message.to, direction: 'OUT', channel: 'sms' } }),
  unauthorized: { status: 401, body: { code: 'AUTHENTICATION_ERROR', message: 'Invalid token' } },
  serverError: { status: 500, body: { code: 'INTERNAL_ERROR', message: 'Internal error' } },
  idempotentOnReference: false,
};

/** WhatsApp Cloud API `POST /{version}/{phone-number-id}/messages`, text or template (no idempotency key). */
export const WhatsAppMessageSchema = z
  .object({
    messaging_product: z.literal('whatsapp'),
    recipient_type: z.literal('individual').optional(),
    to: z.string().regex(/^\+?\d{10,15}$/, 'to must be a phone number'),
    type: z.enum(['text', 'template']).default('text'),
    text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).optional(),
    template: z.object({ name: z.string().min(1), language: z.object({ code: z.string().min(2) }), components: z.array(z.unknown()).optional() }).optional(),
    biz_opaque_callback_data: z.string().max(512).optional(),
  })
  .refine((m) => (m.type === 'text' ? m.text !== undefined : m.template !== undefined), { message: 'Param text or template is required for this type', path: ['type'] });

const whatsapp: ProviderSpec = {
  channel: 'whatsapp',
  provider: 'whatsapp-cloud',
  path: '/whatsapp/:version/:phoneNumberId/messages',
  credential: bearer,
  parse(body) {
    const parsed = WhatsAppMessageSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error, (message) => ({ error: { message: `(#100) ${message}`, type: 'OAuthException', code: 100, fbtrace_id: 'sandbox' } }));
    const m = parsed.data;
    const text = m.type === 'text' ? m.text!.body : `template:${m.template!.name}`;
    return { message: { ...(m.biz_opaque_callback_data ? { reference: m.biz_opaque_callback_data } : {}), to: m.to.replace(/^\+/, ''), text } };
  },
  newId: (random) => `wamid.${randomString(random, 48, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
  accepted: (id, message) => ({ status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: message.to, wa_id: message.to }], messages: [{ id }] } }),
  unauthorized: { status: 401, body: { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'sandbox' } } },
  serverError: { status: 500, body: { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, fbtrace_id: 'sandbox' } } },
  idempotentOnReference: false,
};

/** A voice bot's calls API: it reads `script` to `to`; a `reference` it has seen is not called again. */
export const VoiceCallSchema = z.object({
  to: z.string().regex(/^\+?\d{10,15}$/, 'to must be a phone number'),
  script: z.string().min(1).max(2000),
  reference: z.string().min(1).max(200),
  voice: z.string().optional(),
});

const voice: ProviderSpec = {
  channel: 'voice',
  provider: 'voice-bot',
  path: '/voice/v1/calls',
  credential: bearer,
  parse(body) {
    const parsed = VoiceCallSchema.safeParse(body);
    if (!parsed.success) return refuse(parsed.error, (message, field) => ({ error: message, field }));
    return { message: { reference: parsed.data.reference, to: parsed.data.to, text: parsed.data.script } };
  },
  newId: (random) => `call_${randomString(random, 20)}`,
  accepted: (id, _message, duplicate) => ({ status: duplicate ? 200 : 201, body: { callId: id, status: 'queued' } }),
  unauthorized: { status: 401, body: { error: 'invalid api key' } },
  serverError: { status: 503, body: { error: 'service unavailable' } },
  idempotentOnReference: true,
};

export const PROVIDERS: readonly ProviderSpec[] = [email, sms, whatsapp, voice];

/** The generic provider `httpProviderChannel` (services/notification) speaks: `POST /` with the message, no credentials. */
export const GenericMessageSchema = z.object({
  reference: z.string().min(1),
  channel: z.enum(SANDBOX_CHANNELS),
  to: z.string().min(1),
  text: z.string().min(1),
  tenant: z.string().optional(),
  caseId: z.string().optional(),
});
