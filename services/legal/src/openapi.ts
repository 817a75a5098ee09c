import { z } from 'zod';
import { PUBLIC_ROUTES_OPENAPI } from '@regua/http';
import { MovementSchema, OpenJudicialCaseSchema } from './domain/judicial.ts';
import { LegalSettingsSchema } from './domain/settings.ts';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const anyObject = { 'application/json': { schema: { type: 'object' } } };
const caseId = { name: 'caseId', in: 'path', required: true, schema: { type: 'string' }, description: "notification's case id (one debtor and creditor)" };
const errors = {
  '400': { description: 'Invalid input: one entry per bad field (`path`, `message`)', content: json('Error') },
  '401': { description: 'Missing or invalid x-api-key', content: json('Error') },
  '404': { description: 'No such case for this creditor', content: json('Error') },
};

/** The legal service's OpenAPI 3 document, from the same zod schemas that validate requests. */
export function openApiDocument() {
  return {
    openapi: '3.0.3',
    info: { title: 'Régua legal: credit-bureau registration and judicial tracking', version: '1' },
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: {
        OpenJudicialCase: schema(OpenJudicialCaseSchema),
        Movement: schema(MovementSchema),
        LegalSettings: schema(LegalSettingsSchema),
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } } },
      },
    },
    paths: {
      ...PUBLIC_ROUTES_OPENAPI,
      '/v1/cases/{caseId}/bureau-registration': {
        post: {
          operationId: 'requestBureauRegistration',
          summary: 'Request registration of the case\'s debt: the bureau notifies the debtor first, registration follows after the waiting period',
          parameters: [caseId],
          responses: { '202': { description: 'Requested: the notice goes out on the next tick', content: anyObject }, ...errors, '409': { description: 'Already under way, or not registrable now (disputed, in an agreement, five years past due, no address); `details.reason` says which', content: json('Error') }, '503': { description: 'No bureau configured', content: json('Error') } },
        },
      },
      '/v1/cases/{caseId}/judicial': {
        post: {
          operationId: 'openJudicialCase',
          summary: 'Move the case to a judicial track (CNJ process number with valid check digits)',
          parameters: [caseId],
          requestBody: { required: true, content: json('OpenJudicialCase') },
          responses: { '201': { description: 'Opened', content: anyObject }, '200': { description: 'Already open under this number', content: anyObject }, ...errors, '409': { description: 'In court under another number, or the number belongs to another case', content: json('Error') } },
        },
      },
      '/v1/cases/{caseId}/judicial/movements': {
        post: {
          operationId: 'recordJudicialMovement',
          summary: 'Record a movement; an agreement in court closes the case like a payment',
          parameters: [caseId],
          requestBody: { required: true, content: json('Movement') },
          responses: { '201': { description: 'Recorded', content: anyObject }, '200': { description: 'Recorded before (same movement id)', content: anyObject }, ...errors, '409': { description: 'The judicial case is closed or archived', content: json('Error') } },
        },
      },
      '/v1/judicial/movements:import': {
        post: {
          operationId: 'importJudicialMovements',
          summary: 'A law firm\'s movements file (CSV: process_number, kind, date; movement_id, hearing_at, sentence, amount_cents, description)',
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: { '200': { description: 'Per-line report: recorded, duplicates, errors with line, column and path', content: anyObject }, '400': errors['400'], '401': errors['401'], '413': { description: 'Larger than LEGAL_CSV_MAX_BYTES', content: json('Error') } },
        },
      },
      '/v1/cases/{caseId}/legal': {
        get: { operationId: 'legalTimeline', summary: 'The case\'s bureau registration and judicial track, with their timeline', parameters: [caseId], responses: { '200': { description: 'The case\'s legal tracks', content: anyObject }, ...errors } },
      },
      '/v1/legal/settings': {
        get: { operationId: 'getLegalSettings', summary: "The creditor's legal rules (defaults until set)", responses: { '200': { description: 'Settings', content: anyObject }, '401': errors['401'] } },
        put: { operationId: 'putLegalSettings', summary: "Replace the creditor's legal rules (waiting period ≥ 10 days)", requestBody: { required: true, content: json('LegalSettings') }, responses: { '200': { description: 'Saved', content: anyObject }, '400': errors['400'], '401': errors['401'] } },
      },
    },
  };
}
