import { z } from 'zod';
import { PUBLIC_ROUTES_OPENAPI } from '@regua/http';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
const dateTime = () => z.string().meta({ format: 'date-time' });

const CaseSchema = z.object({
  _id: z.string().describe('the invoice id: <tenant>:<externalId>'),
  tenant: z.string(),
  debtorId: z.string(),
  correlationId: z.string().optional(),
  status: z.enum(['open', 'closed']),
  segment: z.string().optional().describe('scoring segment that chose the cadence'),
  openedAt: dateTime().optional(),
  closedAt: dateTime().optional(),
  closeReason: z.string().optional(),
  timeline: z.array(z.object({ at: dateTime(), what: z.string() })),
  nextStep: z.number().int().min(0).describe('steps done so far, so the index of the next one'),
  nextDueAt: dateTime().nullable().describe('when the next step is due; null once the cadence is over or the case closed'),
});

const DeliverySchema = z.object({
  _id: z.string().describe('<caseId>:<step>'),
  tenant: z.string(),
  caseId: z.string(),
  step: z.number().int().min(0),
  outcome: z.enum(['sending', 'sent', 'unreachable']),
  channel: z.string(),
  template: z.string(),
  text: z.string(),
  sentAt: dateTime(),
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
      schemas: { CaseResponse: schema(CaseResponseSchema), Error: schema(ErrorSchema) },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/cases/{caseId}': {
        get: {
          operationId: 'getCase',
          summary: 'A collection case with its timeline and deliveries',
          parameters: [{ name: 'caseId', in: 'path', required: true, description: 'the invoice id, <tenant>:<externalId>', schema: { type: 'string', minLength: 1 }, example: 'demo-bank:INV-1' }],
          responses: {
            '200': { description: 'The case', content: json('CaseResponse') },
            '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
            '404': { description: "No such case for this creditor (another creditor's case answers the same)", content: json('Error') },
          },
        },
      },
      ...PUBLIC_ROUTES_OPENAPI,
    },
  };
}
