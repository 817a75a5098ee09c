import { z } from 'zod';
import { exampleSubmission, InvoiceSchema, InvoiceSubmissionV1Schema } from '@regua/contracts';

const inputSchema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
const outputSchema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' });

const OutcomeSchema = z.enum(['registered', 'updated', 'unchanged', 'stale', 'duplicate']);
const DoorSchema = z.enum(['http', 'kafka', 'csv']);
const FieldIssueSchema = z.object({ path: z.string(), message: z.string() });

const IngestResultSchema = z.object({
  eventId: z.string(),
  invoiceId: z.string().describe('Régua id: <tenant>:<externalId>'),
  outcome: OutcomeSchema,
});

const BatchResultSchema = z.object({
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
  results: z
    .array(
      z.discriminatedUnion('status', [
        IngestResultSchema.extend({ index: z.number().int().min(0), status: z.literal('accepted') }),
        z.object({ index: z.number().int().min(0), status: z.literal('rejected'), errors: z.array(FieldIssueSchema).describe('each bad field by path; an unregistered creditor at `invoice.creditor.cnpj`') }),
      ]),
    )
    .describe('one per item, in the order sent'),
});

const CsvReportSchema = z.object({
  lines: z.number().int().min(0).describe('data lines read (the header excluded)'),
  accepted: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  rejected: z.number().int().min(0),
  results: z.array(IngestResultSchema.extend({ line: z.number().int().positive() })),
  errors: z.array(z.object({ line: z.number().int().positive(), issues: z.array(FieldIssueSchema.extend({ column: z.string().optional() })) })),
  stoppedAt: z.object({ line: z.number().int().min(0), reason: z.string() }).optional().describe('reading stopped early (CSV syntax error, too many lines); lines before it were processed'),
});

const dateTime = () => z.string().meta({ format: 'date-time' });

const InvoiceViewSchema = z.object({
  invoiceId: z.string(),
  invoice: z.record(z.string(), z.unknown()).describe('the invoice as last accepted, normalized (see the Invoice schema)'),
  lastEventId: z.string(),
  lastOccurredAt: dateTime(),
  history: z.array(z.object({ eventId: z.string(), door: DoorSchema, outcome: OutcomeSchema.exclude(['duplicate']), occurredAt: dateTime(), receivedAt: dateTime() })),
});

const ErrorSchema = z.object({
  error: z.object({
    code: z.enum(['validation', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'rate_limited', 'unavailable', 'internal']),
    message: z.string(),
    details: z.array(FieldIssueSchema.extend({ column: z.string().optional() })).optional().describe('each bad field (or CSV line) by path'),
    requestId: z.string().optional(),
  }),
});

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const error = (description: string) => ({ description, content: json('Error') });

const rateLimitHeaders = {
  RateLimit: { description: 'IETF draft-8 rate-limit state for this creditor', schema: { type: 'string' } },
  'RateLimit-Policy': { description: 'IETF draft-8 rate-limit policy', schema: { type: 'string' } },
};
const guarded = {
  '401': error('Missing or invalid credentials (checked before the body is read)'),
  '429': { ...error('Rate limit for this creditor exceeded; retry after the time the RateLimit header gives'), headers: rateLimitHeaders },
};
const tooLarge = error('Request body over the size limit: refused by Content-Length before it is read (before credentials are checked), or while streaming');
const invalid = error('Invalid input; `details` lists each bad field by path');

const security = [{ apiKey: [] }, { signature: [] }];

/** The OpenAPI document, generated from the same zod schemas that validate requests. */
export function openApiDocument(options: { batchLimit: number; csvColumns: readonly string[]; jsonMaxBytes: number; csvMaxBytes: number; csvMaxRecordBytes: number }) {
  const example = exampleSubmission('6f1c2f0e-5d43-4a53-9a56-0a8f5e1d2c01', '2026-11-20T12:00:00-03:00');
  return {
    openapi: '3.0.3',
    info: {
      title: 'Régua ingestion API',
      version: '1.0.0',
      description:
        `Send overdue invoices. \`eventId\` is the idempotency key; \`occurredAt\` orders updates of one invoice (an older event never overwrites a newer one). A 202 means the invoice is stored durably and will be published. \`invoice.creditor.cnpj\` must be a creditor registered for your account; the creditor name stored and used in reminders is the registered one. JSON bodies up to ${options.jsonMaxBytes} bytes. ` +
        'Formats beyond JSON Schema: `cpf` and `cnpj` are Brazilian tax ids whose check digits follow the Receita Federal modulo-11 rule; `dueDate` may not be before `issueDate`.',
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        signature: {
          type: 'apiKey',
          in: 'header',
          name: 'x-regua-signature',
          description: 'v1=<hex HMAC-SHA256(secret, "<x-regua-timestamp>.<raw body>")>, with x-regua-tenant and x-regua-timestamp (unix seconds, 5-minute window)',
        },
      },
      schemas: {
        InvoiceSubmission: inputSchema(InvoiceSubmissionV1Schema),
        Invoice: outputSchema(InvoiceSchema),
        IngestResult: inputSchema(IngestResultSchema),
        BatchResult: inputSchema(BatchResultSchema),
        CsvReport: inputSchema(CsvReportSchema),
        InvoiceView: inputSchema(InvoiceViewSchema),
        Error: inputSchema(ErrorSchema),
      },
    },
    security,
    paths: {
      '/v1/invoices': {
        post: {
          operationId: 'submitInvoice',
          summary: 'Submit one invoice',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/InvoiceSubmission' }, example } } },
          responses: {
            '202': {
              description: 'Accepted: stored durably, published from the outbox',
              content: json('IngestResult'),
              links: { GetInvoice: { operationId: 'getInvoice', parameters: { externalId: '$request.body#/invoice/externalId' } } },
            },
            '400': invalid,
            ...guarded,
            '413': tooLarge,
            '422': error('`invoice.creditor.cnpj` is not registered for the authenticated tenant'),
          },
        },
      },
      '/v1/invoices:batch': {
        post: {
          operationId: 'submitInvoiceBatch',
          summary: `Submit 1 to ${options.batchLimit} invoices, answered per item`,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['invoices'], additionalProperties: false, properties: { invoices: { type: 'array', minItems: 1, maxItems: options.batchLimit, items: { $ref: '#/components/schemas/InvoiceSubmission' } } } },
                example: { invoices: [example] },
              },
            },
          },
          responses: {
            '202': { description: 'Each item accepted (with its IngestResult) or rejected (with its field errors; an unregistered creditor at `invoice.creditor.cnpj`)', content: json('BatchResult') },
            '400': error('Not a batch (`invoices` missing, empty, over the limit, or other fields); items are judged one by one in the 202'),
            ...guarded,
            '413': tooLarge,
          },
        },
      },
      '/v1/invoices:upload': {
        post: {
          operationId: 'uploadInvoicesCsv',
          summary: 'Upload a CSV file (streamed), answered with a per-line report',
          description: `Columns: ${options.csvColumns.join(', ')}. Lists (e-mails, phones) are separated by ";". At most ${options.csvMaxBytes} bytes per file and ${options.csvMaxRecordBytes} per line.`,
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: `${options.csvColumns.join(',')}\n` } } },
          responses: {
            '200': { description: 'Per-line report (line numbers are the file\'s own; the header is line 1)', content: json('CsvReport') },
            '400': error('Not `text/csv`, or the header does not match the layout (`details` names each column)'),
            ...guarded,
            '413': tooLarge,
            '422': error('A line is longer than the per-line limit; `details` names it. Valid lines before it were ingested'),
          },
        },
      },
      '/v1/invoices/{externalId}': {
        get: {
          operationId: 'getInvoice',
          summary: "An invoice's current state and ingestion history",
          parameters: [{ name: 'externalId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^\\u0000]*$' }, example: example.invoice.externalId }],
          responses: {
            '200': { description: 'State and history', content: json('InvoiceView') },
            ...guarded,
            '404': error('No such invoice for this creditor (another creditor\'s invoice answers the same)'),
          },
        },
      },
      ...publicRoutes,
    },
  };
}

const publicRoutes = {
  '/openapi.json': { get: { operationId: 'openApi', summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.0 document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  '/healthz': { get: { operationId: 'health', summary: 'Liveness', security: [], responses: { '200': { description: 'The process answers', content: { 'application/json': { schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } } } } } } },
  '/readyz': {
    get: {
      operationId: 'ready',
      summary: 'Readiness: Kafka and the database answer',
      security: [],
      responses: {
        '200': { description: 'Ready', content: { 'application/json': { schema: { type: 'object' } } } },
        '503': { description: 'Not ready; `checks` says what fails', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
};
