import { z } from 'zod';
import { CnpjSchema, CpfSchema, DataSubjectRequestV1Schema, exampleSubmission, InvoiceSchema, InvoiceSubmissionV1Schema } from '@regua/contracts';
import { PUBLIC_ROUTES_OPENAPI } from '@regua/http';
import { DATA_SUBJECT_MAX_BODY_BYTES } from './handlers/data-subjects.ts';

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

const EXPORT_REASON = 'The debtor asked for a copy of their data (LGPD art. 18, II)';
const ERASURE_REASON = 'The debtor asked for their data to be erased (LGPD art. 18, VI)';

/**
 * The data-subject request as zod checks it, with `taxId` spelled out: zod sees a string (at most 32 characters) that
 * it turns into a CPF or a CNPJ by its digits, which JSON Schema cannot say; clients see either, formatted or not.
 */
function dataSubjectRequestSchema() {
  const schema = inputSchema(DataSubjectRequestV1Schema);
  const { taxId, reason } = schema.properties ?? {};
  if (typeof taxId !== 'object' || typeof reason !== 'object') throw new Error('DataSubjectRequestV1Schema no longer has taxId and reason: update openapi.ts');
  return {
    ...schema,
    properties: {
      ...schema.properties,
      taxId: {
        ...taxId,
        description: "The person's CPF (11 digits) or CNPJ (14), bare or formatted: the number of digits says which; the check digits must be valid",
        anyOf: [inputSchema(CpfSchema), inputSchema(CnpjSchema)],
      },
      reason: { ...reason, description: 'Why the creditor asks (kept in the audit log); at least 3 characters once leading and trailing spaces are removed' },
    },
  };
}

const requestIdField = () => z.string().describe('the request id (a UUID): read its status at /v1/data-subjects/requests/{requestId}');

const DataSubjectExportSchema = z.object({
  requestId: requestIdField(),
  invoices: z
    .array(
      z.object({
        invoiceId: z.string().describe('Régua id: <tenant>:<externalId>'),
        invoice: z.record(z.string(), z.unknown()).describe('the invoice as last accepted, normalized (see the Invoice schema)'),
        lastOccurredAt: dateTime(),
        receivedFirstAt: dateTime(),
        history: z.array(z.object({ eventId: z.string(), door: DoorSchema, outcome: OutcomeSchema.exclude(['duplicate']), occurredAt: dateTime(), receivedAt: dateTime() })),
      }),
    )
    .describe("the authenticated creditor's invoices whose debtor has this tax id (none: an empty list); erased ones no longer carry it"),
});

const DataSubjectErasureSchema = z.object({
  requestId: requestIdField(),
  invoices: z.number().int().min(0).describe('invoices anonymised here before this answer (0: the creditor had none with this tax id)'),
});

const dataSubjectRequestStatus = {
  requestId: z.string(),
  reason: z.string(),
  requestedAt: dateTime(),
  invoices: z.number().int().min(0).describe('invoices the request found (exported or anonymised)'),
  ingestion: z
    .object({ status: z.enum(['received', 'done']), completedAt: dateTime().optional().describe('once done') })
    .describe("where the request stands in ingestion (an erasure `received` for long was interrupted: ask again to finish it)"),
};
const DataSubjectRequestStatusSchema = z.discriminatedUnion('kind', [
  z.object({ ...dataSubjectRequestStatus, kind: z.literal('export') }),
  z.object({ ...dataSubjectRequestStatus, kind: z.literal('erasure'), eventsPublished: z.number().int().min(0).describe('DataSubjectErasureRequested events that tell the other services (0: no invoices)') }),
]);

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

const dataSubjectTooLarge = error(`Request body over ${DATA_SUBJECT_MAX_BODY_BYTES} bytes: refused by Content-Length before it is read (before credentials are checked), or while streaming`);
const dataSubjectBody = (example: { taxId: string; reason: string }) => ({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/DataSubjectRequest' }, example } } });
const requestStatusLink = { GetDataSubjectRequest: { operationId: 'getDataSubjectRequest', parameters: { requestId: '$response.body#/requestId' } } };

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
        DataSubjectRequest: dataSubjectRequestSchema(),
        DataSubjectExport: inputSchema(DataSubjectExportSchema),
        DataSubjectErasure: inputSchema(DataSubjectErasureSchema),
        DataSubjectRequestStatus: inputSchema(DataSubjectRequestStatusSchema),
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
              links: {
                GetInvoice: { operationId: 'getInvoice', parameters: { externalId: '$request.body#/invoice/externalId' } },
                ExportDebtorData: { operationId: 'exportDataSubject', requestBody: { taxId: '$request.body#/invoice/debtor/taxId/number', reason: EXPORT_REASON } },
                EraseDebtorData: { operationId: 'eraseDataSubject', requestBody: { taxId: '$request.body#/invoice/debtor/taxId/number', reason: ERASURE_REASON } },
              },
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
      '/v1/data-subjects:export': {
        post: {
          operationId: 'exportDataSubject',
          summary: "Export what ingestion holds about a person (LGPD art. 18): the creditor's own invoices only",
          description: `Recorded (with its reason) in the audit log before the answer. Bodies up to ${DATA_SUBJECT_MAX_BODY_BYTES} bytes.`,
          requestBody: dataSubjectBody({ taxId: '529.982.247-25', reason: EXPORT_REASON }),
          responses: {
            '200': { description: "The person's invoices of this creditor, with their ingestion history", content: json('DataSubjectExport'), links: requestStatusLink },
            '400': invalid,
            ...guarded,
            '413': dataSubjectTooLarge,
          },
        },
      },
      '/v1/data-subjects:erase': {
        post: {
          operationId: 'eraseDataSubject',
          summary: "Erase a person's data (LGPD art. 18): the creditor's own invoices only",
          description:
            `Ingestion's invoices are anonymised (name, tax id and contacts replaced or removed; ids, amounts and dates kept) before the answer; the other services are told by a DataSubjectErasureRequested event and follow. Recorded (with its reason) in the audit log. Asking again is safe. Bodies up to ${DATA_SUBJECT_MAX_BODY_BYTES} bytes.`,
          requestBody: dataSubjectBody({ taxId: '529.982.247-25', reason: ERASURE_REASON }),
          responses: {
            '202': { description: 'Accepted: anonymised here, the other services told', content: json('DataSubjectErasure'), links: requestStatusLink },
            '400': invalid,
            ...guarded,
            '413': dataSubjectTooLarge,
          },
        },
      },
      '/v1/data-subjects/requests/{requestId}': {
        get: {
          operationId: 'getDataSubjectRequest',
          summary: 'A data-subject request of this creditor and where it stands in ingestion',
          parameters: [{ name: 'requestId', in: 'path', required: true, schema: { type: 'string', minLength: 1 }, example: '0b9a4c52-7c1e-4d0f-9e43-5b1f3a2d6e10' }],
          responses: {
            '200': { description: 'The request', content: json('DataSubjectRequestStatus') },
            ...guarded,
            '404': error("No such request for this creditor (another creditor's request answers the same)"),
          },
        },
      },
      ...PUBLIC_ROUTES_OPENAPI,
    },
  };
}
