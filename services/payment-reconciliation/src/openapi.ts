import { z } from 'zod';
import { PUBLIC_ROUTES_OPENAPI } from '@regua/http';
import { PixWebhookSchema } from './domain/pix-webhook.ts';
import { GATEWAY_OPENAPI_PATHS, GATEWAY_OPENAPI_SCHEMAS } from './openapi-gateway.ts';
import { AcceptOfferSchema, DisputeResolutionSchema, DisputeSchema } from './handlers/http/negotiation.ts';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
const dateTime = () => z.string().meta({ format: 'date-time' });

const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(['validation', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable', 'internal']),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() })).optional(),
    requestId: z.string().optional(),
  }),
});

const OutcomeSchema = z.enum(['agreement', 'reconciled', 'parked', 'unmatched']).describe('agreement: an agreement installment\'s txid (see agreementId, installment); reconciled: matched to an invoice; parked: waiting for its invoice to arrive; unmatched: in the operators\' queue (nothing to match on, or its parking expired)');

const PixWebhookResponseSchema = z.object({
  received: z.number().int(),
  results: z.array(
    z.object({
      endToEndId: z.string(),
      outcome: OutcomeSchema,
      invoiceId: z.string().optional().describe('the invoice it was matched to'),
      agreementId: z.string().optional().describe('the agreement whose installment it paid'),
      installment: z.number().int().optional().describe('the installment whose txid it carried'),
      repeated: z.boolean().describe('this endToEndId was received before: it counts once'),
    }),
  ),
});

const CnabImportSchema = z.object({
  fileId: z.string().describe('SHA-256 of the file (line ends normalised)'),
  duplicate: z.boolean().describe('true: this very file was processed before; nothing was applied now, and the figures are the first time\'s'),
  bankCode: z.string(),
  companyDocument: z.string(),
  agreement: z.string(),
  fileSequence: z.number().int().describe("the header's NSA"),
  receivedAt: dateTime(),
  counts: z.object({
    settlements: z.number().int().describe('movements 06 (liquidação) and 17 (liquidação após baixa)'),
    reconciled: z.number().int(),
    parked: z.number().int(),
    unmatched: z.number().int(),
    repeated: z.number().int().describe('settlements whose payment id had been received before: each counts once'),
    movements: z.number().int().describe('other movements, recorded and not applied'),
  }),
  settlements: z.array(z.object({ line: z.number().int(), paymentId: z.string().describe('<bank>:<nosso número>:<credit date>'), outcome: OutcomeSchema, invoiceId: z.string().optional() })),
  movements: z.array(
    z.object({
      line: z.number().int(),
      movementCode: z.string().describe('02 entry confirmed, 03 rejected, 09 written off, …'),
      nossoNumero: z.string(),
      seuNumero: z.string(),
      dueDate: z.string().nullable(),
      faceValueCents: z.number().int(),
      reasonCodes: z.string(),
      occurrenceDate: z.string().nullable(),
    }),
  ),
});

const InstallmentViewSchema = z.object({ number: z.number().int(), dueDate: z.string(), amountCents: z.number().int() });
const OfferSchema = z.object({
  id: z.string().describe('stable for the same debt, plan and day: send it back to accept'),
  kind: z.enum(['full', 'installments']),
  plan: z.string(),
  installments: z.number().int(),
  totalCents: z.number().int(),
  discountCents: z.number().int(),
  firstDueDate: z.string(),
  amountCents: z.number().int().optional(),
  installmentCents: z.number().int().optional(),
  downPaymentCents: z.number().int().optional(),
  monthlyRate: z.number().optional(),
  schedule: z.array(InstallmentViewSchema).describe('every payment, the down payment first when there is one'),
});
const AgreementViewSchema = z.object({
  agreementId: z.string(),
  status: z.enum(['active', 'settled', 'broken']),
  offerKind: z.enum(['full', 'installments']),
  totalCents: z.number().int(),
  discountCents: z.number().int(),
  paidCents: z.number().int(),
  outstandingCents: z.number().int(),
  acceptedAt: dateTime(),
  terms: z.string().describe('the terms accepted, pt-BR'),
  installments: z.array(InstallmentViewSchema.extend({ status: z.enum(['paid', 'partially_paid', 'open', 'late']), paidCents: z.number().int(), pixCopyPaste: z.string().describe('Pix copia e cola (static BR Code with the installment\'s txid)') })),
});
const NegotiationViewSchema = z.object({
  caseId: z.string(),
  creditor: z.object({ name: z.string() }),
  today: z.string().describe('the date in America/Sao_Paulo the figures are for'),
  debt: z.object({
    totalCents: z.number().int(),
    principalCents: z.number().int(),
    correctionCents: z.number().int(),
    fineCents: z.number().int(),
    interestCents: z.number().int(),
    daysOverdue: z.number().int(),
    oldestDueDate: z.string(),
    breakdown: z.array(z.string()).describe('pt-BR lines explaining each figure'),
    invoices: z.array(z.object({ invoiceId: z.string(), dueDate: z.string(), principalCents: z.number().int(), totalCents: z.number().int() })),
  }),
  offers: z.array(OfferSchema).describe('empty while the case has an agreement that is not broken'),
  agreement: AgreementViewSchema.optional(),
});

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

const PIX_EXAMPLE = { pix: [{ endToEndId: 'E12345678202611241300abcdefghijk', txid: 'REGUA000000000000000000000001', valor: '123.45', horario: '2026-11-24T13:00:00.000Z', infoPagador: 'pagamento da fatura' }] };

const TOKEN = { name: 'token', in: 'path', required: true, schema: { type: 'string' }, description: "the signed link token from the debtor's message" };
const LINK_ERRORS = {
  '401': { description: 'A link not signed by Régua (pt-BR message)', content: json('Error') },
  '404': { description: 'The case is not known here yet', content: json('Error') },
  '410': { description: 'An expired link (pt-BR message)', content: json('Error') },
};

/** The OpenAPI document of payment-reconciliation's HTTP doors. */
export function openApiDocument(options: { cnabMaxBytes: number; pixMaxBytes: number }) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Régua payment reconciliation API',
      version: '1.0.0',
      description: "Payments in: a PSP's Pix webhook and a bank's CNAB 240 return files. Each payment is matched to its invoice exactly as a payment from Kafka is, and counts once whatever the retries.",
    },
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: {
        NegotiationView: schema(NegotiationViewSchema),
        AgreementView: schema(AgreementViewSchema),
        AcceptOffer: schema(AcceptOfferSchema),
        Dispute: schema(DisputeSchema),
        DisputeResolution: schema(DisputeResolutionSchema),
        Error: schema(ErrorSchema), PixWebhook: schema(PixWebhookSchema), PixWebhookResponse: schema(PixWebhookResponseSchema), CnabImport: schema(CnabImportSchema),
        ...GATEWAY_OPENAPI_SCHEMAS,
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      ...GATEWAY_OPENAPI_PATHS,
      '/v1/webhooks/pix/{tenant}/pix': {
        post: {
          operationId: 'postPixWebhook',
          summary: "A PSP's Pix receipts (Banco Central's webhook: the tenant's registered URL is /v1/webhooks/pix/{tenant}, the PSP appends /pix)",
          description:
            "Mutual TLS ends at the ingress; this call must carry X-Regua-Signature: sha256=<hex HMAC-SHA256 of the raw body under the tenant's webhook secret>. Each receipt becomes a payment with the endToEndId as its id (counts once, however often it is sent), matched on its txid; one without a txid goes to the operators' queue. 200 once every receipt is recorded; on a 5xx the PSP retries, which repeats nothing.",
          security: [],
          parameters: [
            { name: 'tenant', in: 'path', required: true, schema: { type: 'string', pattern: '^[\\w.-]{1,64}$' }, example: 'demo-bank' },
            { name: 'X-Regua-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^sha256=[0-9a-fA-F]{64}$' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/PixWebhook' }, example: PIX_EXAMPLE } } },
          responses: {
            '200': { description: 'Every receipt recorded: what each became', content: json('PixWebhookResponse') },
            '400': { description: 'Signed, but not a valid call: `details` gives each problem\'s path (pix[0].valor)', content: json('Error') },
            '401': { description: 'Missing or invalid signature, a body that is not application/json, or a tenant without a webhook secret', content: json('Error') },
            '413': { description: `Over ${options.pixMaxBytes} bytes`, content: json('Error') },
          },
        },
      },
      '/v1/cnab240': {
        post: {
          operationId: 'postCnab240',
          summary: 'A CNAB 240 return file (arquivo retorno de cobrança) as the bank sent it',
          description:
            'ASCII or Latin-1 (UTF-8 if the content type says charset=utf-8), LF or CRLF. Settlements (movements 06 and 17) become payments with id <bank>:<nosso número>:<credit date>, matched on seu número (the invoice\'s external id) when given, else on the nosso número the invoice was registered with; other movements are recorded with the file, not applied. A file is applied once: the same file again answers 200 with `duplicate: true` and applies nothing.',
          requestBody: {
            required: true,
            content: { 'text/plain': { schema: { type: 'string', maxLength: options.cnabMaxBytes } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            '200': { description: 'Processed now, or before (`duplicate: true`, nothing applied)', content: json('CnabImport') },
            '400': { description: 'No body of a return-file content type', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '409': { description: 'Another file already holds its sequence number (NSA) for this bank and agreement, or the file was taken in for another tenant: nothing applied', content: json('Error') },
            '413': { description: `Over ${options.cnabMaxBytes} bytes`, content: json('Error') },
            '422': { description: 'The file cannot be read whole: `details` lists every problem with its line and column; nothing applied', content: json('Error') },
          },
        },
      },
      '/negociar/{token}': {
        get: {
          operationId: 'negotiationPage',
          summary: "The debtor's self-service page (the link notification sends): debt, offers, agreement and Pix code, contest",
          security: [],
          parameters: [TOKEN],
          responses: {
            '200': { description: 'The page (server-rendered HTML, pt-BR, with a Content-Security-Policy)', content: { 'text/html': { schema: { type: 'string' } } } },
            '401': { description: 'A link not signed by Régua: a friendly page', content: { 'text/html': { schema: { type: 'string' } } } },
            '404': { description: 'The case has not reached payments yet: a friendly page', content: { 'text/html': { schema: { type: 'string' } } } },
            '410': { description: 'An expired link: a friendly page', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
      },
      '/v1/negotiation/{token}': {
        get: {
          operationId: 'getNegotiation',
          summary: "The case's debt updated to today, today's offers and the current agreement",
          security: [],
          parameters: [TOKEN],
          responses: { '200': { description: 'The case', content: json('NegotiationView') }, ...LINK_ERRORS },
        },
      },
      '/v1/negotiation/{token}/agreements': {
        post: {
          operationId: 'acceptOffer',
          summary: "Accepts one of today's offers: an agreement with a Pix BR Code per installment (AgreementCreated)",
          description: 'Idempotent: the same case, offer and day make the same agreement (`created: false` on a repeat).',
          security: [],
          parameters: [TOKEN],
          requestBody: { required: true, content: json('AcceptOffer') },
          responses: {
            '201': { description: 'The agreement', content: { 'application/json': { schema: { type: 'object', properties: { created: { type: 'boolean' }, agreement: { $ref: '#/components/schemas/AgreementView' } } } } } },
            '400': { description: 'Invalid body', content: json('Error') },
            '409': { description: "Not among today's offers (reload them), or the case has another agreement", content: json('Error') },
            ...LINK_ERRORS,
          },
        },
      },
      '/v1/negotiation/{token}/disputes': {
        post: {
          operationId: 'disputeCase',
          summary: 'The debtor contests the debt (CaseDisputed): collection pauses until an operator decides',
          security: [],
          parameters: [TOKEN],
          requestBody: { required: true, content: json('Dispute') },
          responses: {
            '201': { description: 'Recorded', content: { 'application/json': { schema: { type: 'object', properties: { disputeId: { type: 'string' }, status: { type: 'string' }, reason: { type: 'string' } } } } } },
            '400': { description: 'Invalid body', content: json('Error') },
            '409': { description: 'The case has no open invoice', content: json('Error') },
            ...LINK_ERRORS,
          },
        },
      },
      '/v1/disputes/{disputeId}/resolution': {
        post: {
          operationId: 'resolveDispute',
          summary: "An operator's decision on a dispute (CaseDisputeResolved)",
          parameters: [{ name: 'disputeId', in: 'path', required: true, schema: { type: 'string' } }],
          requestBody: { required: true, content: json('DisputeResolution') },
          responses: {
            '200': { description: 'Resolved (the same decision again answers the same)', content: { 'application/json': { schema: { type: 'object' } } } },
            '400': { description: 'Invalid body', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: "No such dispute for the key's tenant", content: json('Error') },
            '409': { description: 'Already resolved otherwise', content: json('Error') },
          },
        },
      },
      ...PUBLIC_ROUTES_OPENAPI,
    },
  };
}
