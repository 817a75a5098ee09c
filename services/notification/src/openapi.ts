import { z } from 'zod';
import { PUBLIC_ROUTES_OPENAPI } from '@regua/http';
import { ReceiptSchema } from './providers/receipts.ts';
import { DEFAULT_CADENCE_CONFIG, TenantCadenceConfigSchema } from './domain/cadence-spec.ts';
import { CreditorProfileSchema, DEFAULT_TEMPLATES, MessageTemplateSchema, PreviewSampleSchema } from './domain/message-templates.ts';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
const dateTime = () => z.string().meta({ format: 'date-time' });

const ChannelEnum = z.enum(['email', 'sms', 'whatsapp', 'voice']);

const CaseSchema = z.object({
  _id: z.string().describe("the case id: one per debtor and creditor, covering all of the debtor's open invoices with that creditor"),
  tenant: z.string(),
  debtorId: z.string(),
  creditor: z.object({ name: z.string(), cnpj: z.string().optional() }),
  correlationId: z.string().optional(),
  status: z.enum(['open', 'closed']),
  openedAt: dateTime(),
  closedAt: dateTime().optional(),
  closeReason: z.string().optional(),
  version: z.number().int(),
  strategy: z.string().describe('the strategy of the most overdue open invoice, from scoring'),
  arm: z.string().describe('experiment arm: champion, a challenger, or holdout (no automated contact)'),
  cadenceId: z.string().nullable(),
  cadenceVersion: z.number().int().min(0).describe('the version of the tenant configuration the case started on (0: built-in)'),
  invoices: z.array(z.object({ invoiceId: z.string(), amountCents: z.number().int(), dueDate: z.string(), status: z.enum(['open', 'paid', 'cancelled', 'renegotiated']), segment: z.string(), strategy: z.string(), joinedAt: dateTime(), revision: z.number().int().optional() })),
  openAmountCents: z.number().int(),
  settledSteps: z.array(z.number().int()),
  paused: z.object({ reason: z.string(), at: dateTime() }).nullable().optional(),
  escalatedAt: dateTime().optional(),
  timeline: z.array(z.object({ at: dateTime(), what: z.string() })),
});

const DeliverySchema = z.object({
  _id: z.string().describe('<caseId>:<step>:<channel>, also the idempotency key sent to the provider'),
  tenant: z.string(),
  caseId: z.string(),
  step: z.number().int().min(0),
  stepId: z.string(),
  outcome: z.enum(['sending', 'sent']),
  channel: ChannelEnum,
  fallbackFor: ChannelEnum.optional(),
  template: z.string(),
  text: z.string(),
  invoiceIds: z.array(z.string()),
  amountCents: z.number().int(),
  arm: z.string(),
  sentAt: dateTime(),
});

const PlanSchema = z.object({
  caseId: z.string(),
  status: z.enum(['open', 'closed']),
  strategy: z.string(),
  arm: z.string(),
  cadenceId: z.string().nullable(),
  cadenceVersion: z.number().int(),
  timeZone: z.string().nullable(),
  contacts: z.array(
    z.object({
      step: z.number().int(),
      stepId: z.string(),
      offsetDays: z.number().int(),
      channels: z.array(ChannelEnum),
      fallback: z.array(ChannelEnum),
      template: z.string(),
      status: z.enum(['sent', 'skipped', 'unreachable', 'due-now', 'will-be-skipped', 'planned', 'not-planned']),
      at: dateTime().nullable(),
      localTime: z.string().nullable().describe("the same instant in the debtor's zone"),
      why: z.string().describe('the rule that placed, moved or skipped the contact'),
    }),
  ),
});

const CaseResponseSchema = z.object({ case: CaseSchema, deliveries: z.array(DeliverySchema).describe('messages sent, step by step (addresses are not shown)') });

const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(['validation', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable', 'internal']),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

const PreviousVersionsSchema = z.array(z.object({ version: z.number().int().min(1), updatedAt: dateTime() })).describe('earlier versions, newest first; each stays readable');

const CadenceConfigResponseSchema = z.object({
  tenant: z.string(),
  version: z.number().int().min(0).describe('0: the built-in configuration, in use until the tenant stores its own'),
  isDefault: z.boolean(),
  updatedAt: dateTime().nullable(),
  config: TenantCadenceConfigSchema,
  previousVersions: PreviousVersionsSchema,
});

const CadenceVersionResponseSchema = z.object({ tenant: z.string(), version: z.number().int().min(0), isDefault: z.boolean(), updatedAt: dateTime().nullable(), config: TenantCadenceConfigSchema });

const TemplatesResponseSchema = z.object({
  tenant: z.string(),
  version: z.number().int().min(0),
  isDefault: z.boolean(),
  updatedAt: dateTime().nullable(),
  templates: z.array(MessageTemplateSchema).describe("the tenant's own templates; each id it writes replaces every built-in template of that id"),
  defaults: z.array(MessageTemplateSchema).describe('the built-in templates, serving the ids the tenant has not written'),
  previousVersions: PreviousVersionsSchema,
});

const TemplatesBodySchema = z.object({ templates: z.array(MessageTemplateSchema).max(500), version: z.number().int().min(0).optional().describe('the version this list replaces (or send If-Match)') }).strict();

const PreviewBodySchema = z.object({ template: MessageTemplateSchema, sample: PreviewSampleSchema.optional().describe('fields of the sample message to replace; null for Pix, boleto or installment means the message lacks it') }).strict();

const PreviewResponseSchema = z.object({ subject: z.string().optional(), text: z.string(), length: z.number().int().min(0).describe("the text's length in characters") });

const CreditorBodySchema = CreditorProfileSchema.partial({ cnpj: true }).describe("the creditor's identification, as every collection message shows it (CDC art. 42-A); cnpj, if given, must be the path's");

const CreditorResponseSchema = z.object({ ...CreditorProfileSchema.shape, cnpj: z.string().describe('upper-case, without punctuation'), updatedAt: dateTime() });

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

/** The OpenAPI document of notification's case API. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Régua notification API',
      version: '1.0.0',
      description: "A creditor's collection cases: how far each reminder cadence has gone and what was sent. A key sees its own tenant's cases only.",
    },
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: {
        CaseResponse: schema(CaseResponseSchema),
        CasePlan: schema(PlanSchema),
        Error: schema(ErrorSchema),
        CadenceConfig: schema(TenantCadenceConfigSchema),
        CadenceConfigResponse: schema(CadenceConfigResponseSchema),
        CadenceVersionResponse: schema(CadenceVersionResponseSchema),
        TemplatesBody: schema(TemplatesBodySchema),
        TemplatesResponse: schema(TemplatesResponseSchema),
        TemplatePreviewBody: schema(PreviewBodySchema),
        TemplatePreview: schema(PreviewResponseSchema),
        CreditorBody: schema(CreditorBodySchema),
        Creditor: schema(CreditorResponseSchema),
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/cases/{caseId}': {
        get: {
          operationId: 'getCase',
          summary: 'A collection case (found by its id or one of its invoices\' ids) with its timeline and the messages sent',
          parameters: [{ name: 'caseId', in: 'path', required: true, description: 'a case id, or an invoice id (<tenant>:<externalId>)', schema: { type: 'string', minLength: 1 }, example: 'demo-bank:INV-1' }],
          responses: {
            '200': { description: 'The case', content: json('CaseResponse') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: "No such case for this creditor (another creditor's case answers the same)", content: json('Error') },
          },
        },
      },
      '/v1/cases/{caseId}/plan': {
        get: {
          operationId: 'getCasePlan',
          summary: "The case's contacts, past and planned: when (UTC and the debtor's local time), on which channels, with which template, and the rule behind each",
          parameters: [{ name: 'caseId', in: 'path', required: true, description: 'a case id, or an invoice id (<tenant>:<externalId>)', schema: { type: 'string', minLength: 1 }, example: 'demo-bank:INV-1' }],
          responses: {
            '200': { description: 'The plan', content: json('CasePlan') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: "No such case for this creditor (another creditor's case answers the same)", content: json('Error') },
          },
        },
      },
      '/v1/cases/{caseId}/pause': {
        post: {
          operationId: 'pauseCase',
          summary: 'Stops all contact for the case until resumed: a dispute, an over-indebtedness process (Lei 14.181/2021), a legal hold, or an operator decision',
          parameters: [{ name: 'caseId', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, example: 'demo-bank:INV-1' }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', enum: ['dispute', 'over-indebtedness', 'legal-hold', 'operator'] }, note: { type: 'string', maxLength: 500 } } } } } },
          responses: {
            '200': { description: 'Paused (or already paused)', content: { 'application/json': { schema: { type: 'object', properties: { caseId: { type: 'string' }, paused: { type: 'object', nullable: true } } } } } },
            '400': { description: 'Invalid reason or note', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: 'No such case for this creditor', content: json('Error') },
            '413': { description: 'Body too large', content: json('Error') },
          },
        },
      },
      '/v1/cases/{caseId}/resume': {
        post: {
          operationId: 'resumeCase',
          summary: 'Takes the cadence up again where the calendar stands (missed steps are caught up once, never as a flood)',
          parameters: [{ name: 'caseId', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, example: 'demo-bank:INV-1' }],
          responses: {
            '200': { description: 'Resumed', content: { 'application/json': { schema: { type: 'object', properties: { caseId: { type: 'string' }, paused: { nullable: true } } } } } },
            '400': { description: 'Invalid body', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: 'No such case for this creditor', content: json('Error') },
            '413': { description: 'Body too large', content: json('Error') },
          },
        },
      },
      '/v1/cases/{caseId}/move': {
        post: {
          operationId: 'moveCase',
          summary: "Moves the case to the tenant's current version of its strategy's cadence, or to another strategy; the new cadence takes up where the calendar stands (a case otherwise stays on the version it started with)",
          parameters: [{ name: 'caseId', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, example: 'demo-bank:INV-1' }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { strategy: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }, note: { type: 'string', maxLength: 500 } } } } } },
          responses: {
            '200': { description: 'Moved', content: { 'application/json': { schema: { type: 'object', properties: { caseId: { type: 'string' }, strategy: { type: 'string' }, arm: { type: 'string' }, cadenceId: { type: 'string', nullable: true }, cadenceVersion: { type: 'integer' } } } } } },
            '400': { description: 'Invalid body', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: 'No such case for this creditor', content: json('Error') },
            '413': { description: 'Body too large', content: json('Error') },
          },
        },
      },
      '/v1/debtors/{debtorId}/opt-outs/{channel}': {
        put: {
          operationId: 'optOut',
          summary: "Records the debtor's opt-out of a channel (honoured from the next dispatch on, for every case of the debtor)",
          parameters: [
            { name: 'debtorId', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, example: 'CUST-42' },
            { name: 'channel', in: 'path', required: true, schema: { type: 'string', enum: ['email', 'sms', 'whatsapp', 'voice'] } },
          ],
          requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { source: { type: 'string', maxLength: 200 } } } } } },
          responses: {
            '200': { description: 'Opted out', content: { 'application/json': { schema: { type: 'object', properties: { debtorId: { type: 'string' }, channel: { type: 'string' }, optedOut: { type: 'boolean' } } } } } },
            '400': { description: 'Unknown channel', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '413': { description: 'Body too large', content: json('Error') },
          },
        },
        delete: {
          operationId: 'optIn',
          summary: 'The debtor consents to the channel again (recorded as consent)',
          parameters: [
            { name: 'debtorId', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, example: 'CUST-42' },
            { name: 'channel', in: 'path', required: true, schema: { type: 'string', enum: ['email', 'sms', 'whatsapp', 'voice'] } },
          ],
          responses: {
            '200': { description: 'Opted in', content: { 'application/json': { schema: { type: 'object', properties: { debtorId: { type: 'string' }, channel: { type: 'string' }, optedOut: { type: 'boolean' } } } } } },
            '400': { description: 'Unknown channel', content: json('Error') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
          },
        },
      },
      ...CADENCE_PATHS,
      '/v1/receipts': {
        post: {
          operationId: 'postReceipt',
          summary: "A message provider's delivery receipt (delivered, read, failed, replied), signed: X-Regua-Signature: sha256=<hex HMAC-SHA256 of the raw body under the shared secret>",
          security: [],
          parameters: [{ name: 'X-Regua-Signature', in: 'header', required: false, schema: { type: 'string' }, example: 'sha256=00' }],
          requestBody: { required: true, content: { 'application/json': { schema: schema(ReceiptSchema) } } },
          responses: {
            '200': { description: "Recorded, or recorded before (providers retry), or for a contact Régua does not know", content: { 'application/json': { schema: { type: 'object', properties: { outcome: { type: 'string', enum: ['recorded', 'duplicate', 'unknown-contact'] } }, required: ['outcome'] } } } },
            '400': { description: 'Signed, but not a receipt (field paths in details)', content: json('Error') },
            '401': { description: 'Missing or invalid signature', content: json('Error') },
            '413': { description: 'Larger than a receipt can be', content: json('Error') },
          },
        },
      },
      ...PUBLIC_ROUTES_OPENAPI,
    },
  };
}

const ifMatch = { name: 'If-Match', in: 'header', required: false, description: 'the version this write replaces, as the ETag of a read gave it ("3"); a stale one answers 409', schema: { type: 'string' }, example: '"0"' };
const cnpjParameter = { name: 'cnpj', in: 'path', required: true, description: 'the creditor\'s CNPJ, bare or punctuated (alphanumeric CNPJs too)', schema: { type: 'string', minLength: 1 }, example: '11.222.333/0001-81' };
const unauthorized = { '401': { description: 'Missing or invalid x-api-key', content: json('Error') } };
const writeErrors = {
  '400': { description: 'Invalid: `details` lists each problem with its field path', content: json('Error') },
  ...unauthorized,
  '413': { description: 'Body over 512 KiB', content: json('Error') },
};
const versioned = { ETag: { description: 'the version, for If-Match', schema: { type: 'string' } } };

/** A tenant's cadences, strategies, templates and creditors (handlers/cadences-http.ts). */
const CADENCE_PATHS = {
  '/v1/cadences': {
    get: {
      operationId: 'getCadences',
      summary: "The tenant's cadences and strategies (the built-in ones, version 0, until it stores its own)",
      responses: { '200': { description: 'The current version', headers: versioned, content: json('CadenceConfigResponse') }, ...unauthorized },
    },
    put: {
      operationId: 'putCadences',
      summary: 'Replace the cadences and strategies with a new version',
      description: 'Checked whole: step order, channels, experiments, every strategy\'s cadence, and a template for every channel a step may use. Earlier versions stay readable, and cases keep the version they started with.',
      parameters: [ifMatch],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CadenceConfig' }, example: DEFAULT_CADENCE_CONFIG } } },
      responses: {
        '200': { description: 'Stored as a new version', headers: versioned, content: json('CadenceConfigResponse') },
        ...writeErrors,
        '409': { description: 'The version given (If-Match or `version`) is no longer the current one, or another write came first', content: json('Error') },
      },
    },
  },
  '/v1/cadences/versions/{version}': {
    get: {
      operationId: 'getCadenceVersion',
      summary: 'One version of the cadences, current or earlier (0: the built-in one)',
      parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'integer', minimum: 0 }, example: 0 }],
      responses: { '200': { description: 'That version', content: json('CadenceVersionResponse') }, ...unauthorized, '404': { description: 'No such version for this tenant', content: json('Error') } },
    },
  },
  '/v1/templates': {
    get: {
      operationId: 'getTemplates',
      summary: "The tenant's message templates, and the built-in ones",
      responses: { '200': { description: 'The current version', headers: versioned, content: json('TemplatesResponse') }, ...unauthorized },
    },
    put: {
      operationId: 'putTemplates',
      summary: "Replace the tenant's message templates with a new version",
      description: 'Each template is checked: known {{variables}}, balanced sections, the creditor identified (CDC art. 42-A), an SMS within 480 characters. A list that leaves a step of the current cadences without a template is refused.',
      parameters: [ifMatch],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/TemplatesBody' }, example: { templates: DEFAULT_TEMPLATES.filter((t) => t.id === 'vence-hoje') } } } },
      responses: {
        '200': { description: 'Stored as a new version', headers: versioned, content: json('TemplatesResponse') },
        ...writeErrors,
        '409': { description: 'The version given is no longer the current one, or another write came first', content: json('Error') },
      },
    },
  },
  '/v1/templates:preview': {
    post: {
      operationId: 'previewTemplate',
      summary: 'Check a template and render it for a sample message',
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/TemplatePreviewBody' }, example: { template: DEFAULT_TEMPLATES[2], sample: { debtorName: 'José Souza', pixCopiaECola: null } } } } },
      responses: { '200': { description: 'The rendered message', content: json('TemplatePreview') }, ...writeErrors },
    },
  },
  '/v1/creditors/{cnpj}': {
    get: {
      operationId: 'getCreditor',
      summary: "A creditor's identification, as its messages show it",
      parameters: [cnpjParameter],
      responses: { '200': { description: 'The creditor', content: json('Creditor') }, '400': { description: 'Not a valid CNPJ', content: json('Error') }, ...unauthorized, '404': { description: 'No such creditor for this tenant', content: json('Error') } },
    },
    put: {
      operationId: 'putCreditor',
      summary: "Store a creditor's name and address",
      parameters: [cnpjParameter],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/CreditorBody' }, example: { name: 'Banco Exemplo S.A.', address: { street: 'Avenida Paulista', number: '1000', complement: 'conjunto 101', district: 'Bela Vista', city: 'São Paulo', uf: 'SP', cep: '01310-100' } } } },
      },
      responses: { '200': { description: 'Stored', content: json('Creditor') }, ...writeErrors },
    },
  },
};
