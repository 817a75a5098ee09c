import { z } from 'zod';
import { SANDBOX_CHANNELS, type SandboxChannel } from './providers.ts';
import type { Random } from './random.ts';

/** Shares of a channel's requests that meet a fault. */
export interface FaultSettings {
  /** Answered with the provider's 5xx. */
  serverError: number;
  /** Never answered (the connection is held until the client gives up). */
  timeout: number;
  /**
   * Of the faulty requests: those the provider took all the same (it sends the message and its receipts, then fails
   * to answer), which is what makes a 5xx or a timeout an unknown outcome for the client.
   */
  takenOnFault: number;
}

export const NO_FAULTS: FaultSettings = { serverError: 0, timeout: 0, takenOnFault: 0.5 };

export type FaultDecision = { kind: 'none' } | { kind: 'server-error' | 'timeout'; taken: boolean };

export function decideFault(settings: FaultSettings, random: Random): FaultDecision {
  const draw = random();
  const kind = draw < settings.serverError ? 'server-error' : draw < settings.serverError + settings.timeout ? 'timeout' : undefined;
  return kind ? { kind, taken: random() < settings.takenOnFault } : { kind: 'none' };
}

const share = z.number().min(0).max(1);

/** `POST /_sandbox/faults`: a channel's (or every channel's) settings from now on; what is left out is kept. */
export const FaultsUpdateSchema = z
  .object({ channel: z.enum([...SANDBOX_CHANNELS, 'all']).default('all'), serverError: share.optional(), timeout: share.optional(), takenOnFault: share.optional() })
  .strict();

export type FaultsUpdate = z.input<typeof FaultsUpdateSchema>;

export function applyFaults(current: Record<SandboxChannel, FaultSettings>, update: z.output<typeof FaultsUpdateSchema>): Record<SandboxChannel, FaultSettings> {
  const { channel, ...changes } = update;
  const next = { ...current };
  for (const name of channel === 'all' ? SANDBOX_CHANNELS : [channel]) next[name] = { ...current[name], ...definedOnly(changes) };
  return next;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
