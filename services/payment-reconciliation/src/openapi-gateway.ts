import { z } from 'zod';
import { GatewayWebhookSchema } from './domain/gateway-webhook.ts';
import { GATEWAY_WEBHOOK_MAX_BYTES } from './handlers/http/gateway-webhook.ts';

const schema = (zodSchema: z.ZodType) => z.toJSONSchema(zodSchema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

const GatewayWebhookResponseSchema = z.object({
  received: z.number().int(),
  results: z.array(
    z.object({
      id: z.string().describe("the gateway's event id"),
      type: z.enum(['payment.succeeded', 'payment.refunded']),
      outcome: z
        .enum(['agreement', 'reconciled', 'parked', 'unmatched', 'refund-recorded'])
        .describe("reconciled: matched to an invoice (by reference, or by the payer's document, amount and due date); parked: its referenced invoice has not arrived yet; unmatched: in the operators' queue (see reason); refund-recorded: the refund is in the operators' queue, nothing un-settled"),
      invoiceId: z.string().optional(),
      agreementId: z.string().optional(),
      installment: z.number().int().optional(),
      reason: z.string().optional().describe("why it went to the operators' queue: ambiguous / none (document match), late payment of a settled debt, refund"),
      repeated: z.boolean().describe('this event id was received before: it counts once'),
    }),
  ),
});

const EXAMPLE = {
  events: [
    { id: 'evt_1N2b3C', type: 'payment.succeeded', amountCents: 15990, currency: 'BRL', paidAt: '2026-11-24T13:00:00.000Z', method: 'card', reference: { invoiceExternalId: 'INV-2026-0001' } },
    { id: 'evt_1N2b3D', type: 'payment.succeeded', amountCents: 8000, currency: 'BRL', paidAt: '2026-11-24T13:05:00.000Z', method: 'card', payer: { document: '529.982.247-25' } },
  ],
};

/** The card/gateway webhook's schemas and path, merged into the service's OpenAPI document. */
export const GATEWAY_OPENAPI_SCHEMAS = { GatewayWebhook: schema(GatewayWebhookSchema), GatewayWebhookResponse: schema(GatewayWebhookResponseSchema) };

export const GATEWAY_OPENAPI_PATHS = {
  '/v1/webhooks/gateway/{tenant}': {
    post: {
      operationId: 'postGatewayWebhook',
      summary: 'A card or other payment gateway\'s events (Régua\'s generic format)',
      description:
        "Signed like the Pix webhook: X-Regua-Signature: sha256=<hex HMAC-SHA256 of the raw body under the tenant's gateway secret (PAYMENT_GATEWAY_WEBHOOK_SECRETS)>. payment.succeeded becomes a payment with id gateway:<event id> (counts once), matched on reference.invoiceExternalId or reference.txid, else on the payer's CPF/CNPJ (kept only as a hash): the one open invoice of that debtor whose outstanding amount equals amountCents and whose due date is within PAYMENT_MATCH_WINDOW_DAYS of paidAt; several or none go to the operators' queue with the reason. payment.refunded goes to the operators' queue and never un-settles an invoice by itself. 200 once every event is recorded; on a 5xx the gateway retries, which repeats nothing.",
      security: [],
      parameters: [
        { name: 'tenant', in: 'path', required: true, schema: { type: 'string', pattern: '^[\\w.-]{1,64}$' }, example: 'demo-bank' },
        { name: 'X-Regua-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^sha256=[0-9a-fA-F]{64}$' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayWebhook' }, example: EXAMPLE } } },
      responses: {
        '200': { description: 'Every event recorded: what each became', content: json('GatewayWebhookResponse') },
        '400': { description: "Signed, but not a valid call: `details` gives each problem's path (events[0].currency)", content: json('Error') },
        '401': { description: 'Missing or invalid signature, a body that is not application/json, or a tenant without a gateway secret', content: json('Error') },
        '413': { description: `Over ${GATEWAY_WEBHOOK_MAX_BYTES} bytes`, content: json('Error') },
      },
    },
  },
};
