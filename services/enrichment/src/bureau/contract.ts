import { z } from 'zod';

/**
 * The data bureau's HTTP contract, as enrichment speaks it (any provider behind an adapter of this shape; the local
 * stand-in, packages/bureau-standin, serves exactly this):
 *
 *   POST {ENRICHMENT_BUREAU_URL}/v1/people:lookup
 *   Authorization: Bearer {ENRICHMENT_BUREAU_TOKEN}
 *   Content-Type: application/json
 *   { "cpf": "52998224725" }                       (11 digits; in the body, so it stays out of URLs and access logs)
 *
 *   200 { "found": true, "phones": [...], "emails": [...], "addresses": [...] }   the person, each value with its own
 *       confidence (0–1) and the date the bureau last saw it in use
 *   200 { "found": false }                         the bureau does not know the person (a billed answer: cached)
 *   400 / 401 / 403 / 404                          the request or the credentials are wrong: not retried
 *   429 + Retry-After (seconds or an HTTP date)    retried after that long, if within the backoff's cap
 *   5xx, a reset connection, a timeout             retried with exponential backoff
 */
export const LOOKUP_PATH = '/v1/people:lookup';

const seen = z.iso.date().or(z.iso.datetime({ offset: true })).optional();

export const BureauPhoneSchema = z.object({ number: z.string().min(1), type: z.enum(['mobile', 'landline']).optional(), confidence: z.number().min(0).max(1), lastSeenAt: seen });
export const BureauEmailSchema = z.object({ address: z.string().min(1), confidence: z.number().min(0).max(1), lastSeenAt: seen });
export const BureauAddressSchema = z.object({
  street: z.string().optional(),
  number: z.string().optional(),
  district: z.string().optional(),
  city: z.string().optional(),
  uf: z.string().length(2).optional(),
  cep: z.string().optional(),
  confidence: z.number().min(0).max(1),
  lastSeenAt: seen,
});

export const BureauAnswerSchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    phones: z.array(BureauPhoneSchema).default([]),
    emails: z.array(BureauEmailSchema).default([]),
    addresses: z.array(BureauAddressSchema).default([]),
  }),
]);

export type BureauAnswer = z.output<typeof BureauAnswerSchema>;
