import type { z } from 'zod';
import type { ChannelSchema } from '@regua/contracts';

export type Channel = z.infer<typeof ChannelSchema>;

/** What notification reports of one message: sent, delivered to the debtor, read by them, or failed. */
export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * How a debtor responded to the creditor's messages, from notification's events: messages (contacts, one per step
 * and channel) counted once per status however often their event comes, the last read, and the channels read on.
 */
export interface Engagement {
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  /** ISO instant of the latest read. */
  lastReadAt: string | null;
  channelsRead: Channel[];
}

export const NO_ENGAGEMENT: Engagement = { sent: 0, delivered: 0, read: 0, failed: 0, lastReadAt: null, channelsRead: [] };

/** Recency of reading is told up to this many days; beyond it, and for a debtor who never read, it reads this. */
export const READ_RECENCY_CAP_DAYS = 180;

export interface EngagementFeatures {
  /** Messages sent to the debtor, every channel and case of this creditor. */
  messagesSent: number;
  /** Messages delivered, at least those read (a read message was delivered, receipt or not). */
  messagesDelivered: number;
  messagesRead: number;
  /** messagesRead / messagesDelivered, from 0 to 1; 0 when nothing was delivered. */
  readRate: number;
  /**
   * Whole days since the debtor last read a message, at most `READ_RECENCY_CAP_DAYS`; the cap is also the sentinel
   * for a debtor who never read one ("no read in the last 180 days" holds for both).
   */
  daysSinceLastRead: number;
}

const DAY_MS = 86_400_000;

/** The engagement features on `today`. Pure. */
export function engagementFeatures(engagement: Engagement, today: Date): EngagementFeatures {
  const delivered = Math.max(engagement.delivered, engagement.read);
  const lastRead = engagement.lastReadAt === null ? Number.NaN : Date.parse(engagement.lastReadAt);
  return {
    messagesSent: engagement.sent,
    messagesDelivered: delivered,
    messagesRead: engagement.read,
    readRate: delivered === 0 ? 0 : engagement.read / delivered,
    daysSinceLastRead: Number.isNaN(lastRead) ? READ_RECENCY_CAP_DAYS : Math.min(READ_RECENCY_CAP_DAYS, Math.max(0, Math.floor((today.getTime() - lastRead) / DAY_MS))),
  };
}

export interface ContactOutcome {
  contactId: string;
  channel: Channel;
  /** When it happened, for reads (`lastReadAt`). */
  at?: string;
}

/**
 * One run of events of one status for one debtor, as its history takes it: each contact once (the first event of
 * it), the latest instant (normalised, so ISO strings compare as instants) and the channels.
 */
export function summariseOutcomes(outcomes: readonly ContactOutcome[]): { contactIds: string[]; latestAt: string | null; channels: Channel[] } {
  const contactIds = [...new Set(outcomes.map((o) => o.contactId))];
  const instants = outcomes.flatMap((o) => (o.at === undefined ? [] : [Date.parse(o.at)])).filter((t) => !Number.isNaN(t));
  return {
    contactIds,
    latestAt: instants.length === 0 ? null : new Date(Math.max(...instants)).toISOString(),
    channels: [...new Set(outcomes.map((o) => o.channel))],
  };
}
