import { z } from 'zod';
import { InvoiceSubmissionV1Schema } from '@regua/contracts';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });

const IngestResultSchema = z.object({
  eventId: z.string(),
  invoiceId: z.string().describe('Régua id: <tenant>:<externalId>'),
  outcome: z.enum(['registered', 'updated', 'unchanged', 'stale', 'duplicate']),
});

const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('each bad field (or CSV line) by path'),
    requestId: z.string().optional(),
  }),
});

const security = [{ apiKey: [] }, { signature: [] }];
const errors = {
  '400': { description: 'Invalid input; `details` lists each bad field by path', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '401': { description: 'Missing or invalid credentials', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '413': { description: 'Request body over the size limit (refused by Content-Length before it is read, or while streaming)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '429': { description: 'Rate limit for this creditor exceeded', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};
const unregisteredCreditor = {
  '422': { description: '`invoice.creditor.cnpj` is not registered for the authenticated tenant', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};

/** The OpenAPI document, generated from the same zod schemas that validate requests. */
export function openApiDocument(options: { batchLimit: number; csvColumns: readonly string[]; jsonMaxBytes: number; csvMaxBytes: number; csvMaxRecordBytes: number }) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Régua ingestion API',
      version: '1.0.0',
      description:
        `Send overdue invoices. \`eventId\` is the idempotency key; \`occurredAt\` orders updates of one invoice (an older event never overwrites a newer one). A 202 means the invoice is stored durably and will be published. \`invoice.creditor.cnpj\` must be a creditor registered for your account; the creditor name stored and used in reminders is the registered one. JSON bodies up to ${options.jsonMaxBytes} bytes.`,
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
        InvoiceSubmission: schema(InvoiceSubmissionV1Schema),
        IngestResult: schema(IngestResultSchema),
        Error: schema(ErrorSchema),
      },
    },
    security,
    paths: {
      '/v1/invoices': {
        post: {
          summary: 'Submit one invoice',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/InvoiceSubmission' } } } },
          responses: { '202': { description: 'Accepted', content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResult' } } } }, ...errors, ...unregisteredCreditor },
        },
      },
      '/v1/invoices:batch': {
        post: {
          summary: `Submit up to ${options.batchLimit} invoices, answered per item`,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', required: ['invoices'], additionalProperties: false, properties: { invoices: { type: 'array', maxItems: options.batchLimit, items: { $ref: '#/components/schemas/InvoiceSubmission' } } } } } },
          },
          responses: { '202': { description: 'Each item accepted (with its IngestResult) or rejected (with field errors; an unregistered creditor at `invoice.creditor.cnpj`)' }, ...errors },
        },
      },
      '/v1/invoices:upload': {
        post: {
          summary: 'Upload a CSV file (streamed), answered with a per-line report',
          description: `Columns: ${options.csvColumns.join(', ')}. Lists (e-mails, phones) are separated by ";". At most ${options.csvMaxBytes} bytes per file and ${options.csvMaxRecordBytes} per line.`,
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '200': { description: 'Per-line report' },
            ...errors,
            '422': { description: 'A line is longer than the per-line limit; `details` names it. Valid lines before it were ingested', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          },
        },
      },
      '/v1/invoices/{externalId}': {
        get: {
          summary: "An invoice's current state and ingestion history",
          parameters: [{ name: 'externalId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'State and history' }, '404': { description: 'No such invoice for this creditor' } },
        },
      },
    },
  };
}
