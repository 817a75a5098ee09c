import type { z } from 'zod';
import type { ChannelSchema, SegmentSchema } from '@regua/contracts';

export type Channel = z.infer<typeof ChannelSchema>;
export type Segment = z.infer<typeof SegmentSchema>;

export interface CadenceStep {
  /** Days after the case opened. */
  afterDays: number;
  channel: Channel;
  template: TemplateName;
}

export type TemplateName = 'lembrete-amigavel' | 'segundo-aviso' | 'proposta-acordo' | 'ultimo-aviso';

/**
 * The régua per segment. Likely payers get a light touch; riskier ones get earlier, richer offers.
 * A tenant-specific cadence will replace these defaults.
 */
const CADENCES: Record<Segment, CadenceStep[]> = {
  low_risk: [
    { afterDays: 0, channel: 'email', template: 'lembrete-amigavel' },
    { afterDays: 5, channel: 'sms', template: 'segundo-aviso' },
    { afterDays: 12, channel: 'whatsapp', template: 'proposta-acordo' },
  ],
  medium_risk: [
    { afterDays: 0, channel: 'sms', template: 'lembrete-amigavel' },
    { afterDays: 3, channel: 'whatsapp', template: 'segundo-aviso' },
    { afterDays: 7, channel: 'email', template: 'proposta-acordo' },
    { afterDays: 15, channel: 'sms', template: 'ultimo-aviso' },
  ],
  high_risk: [
    { afterDays: 0, channel: 'whatsapp', template: 'lembrete-amigavel' },
    { afterDays: 2, channel: 'sms', template: 'proposta-acordo' },
    { afterDays: 5, channel: 'email', template: 'proposta-acordo' },
    { afterDays: 10, channel: 'whatsapp', template: 'ultimo-aviso' },
  ],
};

export function cadenceFor(segment: Segment): CadenceStep[] {
  return CADENCES[segment];
}

export function stepDueAt(openedAt: Date, step: CadenceStep): Date {
  return new Date(openedAt.getTime() + step.afterDays * 86_400_000);
}

export interface Reachability {
  emails: string[];
  mobilePhones: string[];
}

/** The step's channel if the debtor can be reached on it, else the next best one, else none. */
export function chooseChannel(preferred: Channel, contacts: Reachability): { channel: Channel; address: string } | undefined {
  const phone = contacts.mobilePhones[0];
  const email = contacts.emails[0];
  const order: Channel[] = [preferred, ...(['whatsapp', 'sms', 'email'] as const).filter((c) => c !== preferred)];
  for (const channel of order) {
    if ((channel === 'sms' || channel === 'whatsapp') && phone) return { channel, address: phone };
    if (channel === 'email' && email) return { channel, address: email };
  }
  return undefined;
}
