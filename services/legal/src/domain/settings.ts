import { z } from 'zod';

/** The bureaus' practice, and the floor the law's order needs: registration never comes sooner after the notice. */
export const MINIMUM_WAIT_DAYS = 10;

/** A creditor's legal rules, data not code. The order notice → wait → register is not configurable; its length is. */
export const LegalSettingsSchema = z
  .object({
    bureau: z
      .object({
        waitDays: z
          .number()
          .int()
          .min(MINIMUM_WAIT_DAYS, `the waiting period after the notice is at least ${MINIMUM_WAIT_DAYS} days`)
          .max(90)
          .default(MINIMUM_WAIT_DAYS)
          .describe('days between the notice and the registration'),
        autoRequestOnCadenceExhausted: z.boolean().default(false).describe('request registration when the cadence engine escalates a case whose cadence ran out'),
      })
      .strict()
      .default({ waitDays: MINIMUM_WAIT_DAYS, autoRequestOnCadenceExhausted: false }),
    judicial: z
      .object({
        amicableContact: z.enum(['stop', 'continue']).default('stop').describe('whether amicable contact stops while a case is in court'),
      })
      .strict()
      .default({ amicableContact: 'stop' }),
  })
  .strict();

export type LegalSettings = z.output<typeof LegalSettingsSchema>;

export const DEFAULT_LEGAL_SETTINGS: LegalSettings = LegalSettingsSchema.parse({});
