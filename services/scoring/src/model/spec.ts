import { z } from 'zod';
import { ProductTypeSchema } from '@regua/contracts';

/**
 * The feature spec (services/scoring/model/feature-spec.json): which raw inputs the model reads and how each becomes
 * columns. Training (regua_model/spec.py) and `encode` follow the same rules; every artifact embeds its own copy.
 */
const NumberFeatureSchema = z.object({
  input: z.string(),
  kind: z.literal('number'),
  transform: z.enum(['log1p', 'identity']),
  clip: z.tuple([z.number(), z.number()]),
  scale: z.number().optional(),
  fact: z.string(),
  /** The fact when the value is exactly 1 (singular), if it reads differently. */
  factOne: z.string().optional(),
  /** The fact for particular values (after clipping), by value: `{ "0": "nenhuma mensagem enviada" }`. */
  factAt: z.record(z.string(), z.string()).optional(),
  /** How `{value}` reads: days and counts as integers, `brl` as reais, `ratio` as a percentage. */
  format: z.enum(['days', 'brl', 'count', 'ratio']),
});

const BooleanFeatureSchema = z.object({
  input: z.string(),
  kind: z.literal('boolean'),
  fact: z.object({ true: z.string(), false: z.string() }),
});

const CategoryFeatureSchema = z.object({
  input: z.string(),
  kind: z.literal('category'),
  categories: z.array(z.string()).min(1),
  /** When present, the input is a member (a UF) and the column is its group (the macro-region). */
  groups: z.record(z.string(), z.array(z.string())).optional(),
  labels: z.record(z.string(), z.string()),
  fact: z.string(),
  missing: z.string().optional(),
});

export const FeatureDefSchema = z.discriminatedUnion('kind', [NumberFeatureSchema, BooleanFeatureSchema, CategoryFeatureSchema]);
export type FeatureDef = z.infer<typeof FeatureDefSchema>;

export const FeatureSpecSchema = z.object({
  specVersion: z.number().int(),
  label: z.string(),
  description: z.string().optional(),
  features: z.array(FeatureDefSchema).min(1),
});
export type FeatureSpec = z.infer<typeof FeatureSpecSchema>;

/**
 * What the scoring service computes for one open invoice: the inputs of spec version 3, the two counts its readRate
 * reason quotes, and the inputs only earlier versions read (version 1's engagement, versions 1 and 2's broken
 * agreements), so the models trained with them still predict (and can be rolled back to).
 */
export const ModelFeaturesSchema = z.object({
  /** Negative before the due date; clipped to 0. */
  daysPastDue: z.number().int(),
  amountCents: z.number().int().nonnegative(),
  hasValidMobile: z.boolean(),
  hasValidEmail: z.boolean(),
  whatsappCapable: z.boolean(),
  priorPaidInvoices: z.number().int().nonnegative(),
  /** Agreements the debtor broke (spec version 3). */
  agreementsBroken: z.number().int().nonnegative(),
  /** Agreements the debtor kept to the end (spec version 3). */
  agreementsKept: z.number().int().nonnegative(),
  /** Spec versions 1 and 2's name for `agreementsBroken`. */
  brokenAgreements: z.number().int().nonnegative().optional(),
  /** Messages sent to the debtor by this creditor, every channel. */
  messagesSent: z.number().int().nonnegative(),
  /** Messages delivered (at least those read): quoted by the readRate reason, not a model column. */
  messagesDelivered: z.number().int().nonnegative(),
  /** Messages read: quoted by the readRate reason, not a model column. */
  messagesRead: z.number().int().nonnegative(),
  /** messagesRead / messagesDelivered; 0 when nothing was delivered. */
  readRate: z.number().min(0).max(1),
  /** Days since the last read message, at most 180; 180 also when none was read. */
  daysSinceLastRead: z.number().int().min(0).max(180),
  /** Spec version 1's input: messages read or clicked in the last 90 days. */
  messagesEngaged90d: z.number().int().nonnegative().optional(),
  productType: ProductTypeSchema,
  /** The debtor's state; missing or unknown leaves the region columns at zero. */
  uf: z.string().length(2).nullish(),
});
export type ModelFeatures = z.infer<typeof ModelFeaturesSchema>;
