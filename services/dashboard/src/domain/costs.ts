import { z } from 'zod';

export const CHANNELS = ['email', 'sms', 'whatsapp', 'voice'] as const;
export type Channel = (typeof CHANNELS)[number];

const PerChannelSchema = z.object({ email: z.number().int().min(0), sms: z.number().int().min(0), whatsapp: z.number().int().min(0), voice: z.number().int().min(0) }).partial().strict();

/** Cost of one message per channel in integer centavos, per tenant; `*` is every tenant's default. */
export const ChannelCostsSchema = z.record(z.string().min(1), PerChannelSchema);
export type ChannelCosts = z.infer<typeof ChannelCostsSchema>;

/** Typical Brazilian list prices, rounded up: an e-mail, an SMS, a WhatsApp utility message, a short robocall. */
export const DEFAULT_CHANNEL_COSTS: ChannelCosts = { '*': { email: 1, sms: 8, whatsapp: 6, voice: 25 } };

export function costPerMessage(costs: ChannelCosts, tenant: string, channel: string): number {
  const own = costs[tenant]?.[channel as Channel];
  if (own !== undefined) return own;
  return costs['*']?.[channel as Channel] ?? DEFAULT_CHANNEL_COSTS['*']![channel as Channel] ?? 0;
}

/** Cost per real recovered: centavos spent for each R$ 1,00 recovered; null when nothing was recovered. */
export function costPerRealRecovered(costCents: number, recoveredCents: number): number | null {
  if (recoveredCents <= 0) return null;
  return Math.round((costCents / (recoveredCents / 100)) * 100) / 100;
}
