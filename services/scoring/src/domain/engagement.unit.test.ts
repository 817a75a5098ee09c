import { engagementFeatures, NO_ENGAGEMENT, READ_RECENCY_CAP_DAYS, summariseOutcomes } from './engagement.ts';
import { buildFeatures, EMPTY_HISTORY, upcastFeatures } from './features.ts';

const TODAY = new Date('2026-11-25T15:00:00Z');

describe('engagementFeatures', () => {
  test('Given no message ever sent, then every count and the read rate are 0 and the recency is the sentinel', () => {
    expect(engagementFeatures(NO_ENGAGEMENT, TODAY)).toEqual({ messagesSent: 0, messagesDelivered: 0, messagesRead: 0, readRate: 0, daysSinceLastRead: READ_RECENCY_CAP_DAYS });
  });

  test('Given reads whose delivery receipts never came, then the read ones count as delivered and the rate stays at most 1', () => {
    const features = engagementFeatures({ ...NO_ENGAGEMENT, sent: 3, delivered: 1, read: 2, lastReadAt: '2026-11-25T09:00:00Z', channelsRead: ['email'] }, TODAY);
    expect(features).toMatchObject({ messagesDelivered: 2, messagesRead: 2, readRate: 1, daysSinceLastRead: 0 });
  });

  test('Given a last read after today (a clock ahead), then it counts as today, never negative', () => {
    expect(engagementFeatures({ ...NO_ENGAGEMENT, delivered: 1, read: 1, lastReadAt: '2026-11-26T10:00:00Z' }, TODAY).daysSinceLastRead).toBe(0);
  });
});

describe('summariseOutcomes', () => {
  test('Given the same contact twice and reads out of order, then each contact once, the latest instant normalised, the channels once', () => {
    const summary = summariseOutcomes([
      { contactId: 'case-1:2:whatsapp', channel: 'whatsapp', at: '2026-11-24T10:00:00.5Z' },
      { contactId: 'case-1:2:whatsapp', channel: 'whatsapp', at: '2026-11-24T10:00:00.5Z' },
      { contactId: 'case-1:1:email', channel: 'email', at: '2026-11-24T10:00:00Z' },
    ]);
    expect(summary).toEqual({ contactIds: ['case-1:2:whatsapp', 'case-1:1:email'], latestAt: '2026-11-24T10:00:00.500Z', channels: ['whatsapp', 'email'] });
  });

  test('Given outcomes without an instant (sent), then there is no latest instant', () => {
    expect(summariseOutcomes([{ contactId: 'c:0:sms', channel: 'sms' }]).latestAt).toBeNull();
  });
});

test('upcastFeatures: features stored before engagement was recorded read as a debtor without engagement', () => {
  const { messagesSent: _s, messagesDelivered: _d, messagesRead: _r, readRate: _rr, daysSinceLastRead: _l, ...before } = buildFeatures(
    { invoiceId: 'b:I', debtorId: 'D', amountCents: 10_000, dueDate: '2026-11-05', productType: 'utility', uf: 'SP', timeZone: null, contacts: { mobilePhones: 1, emails: 0, landlines: 0 } },
    EMPTY_HISTORY,
    TODAY,
  );
  expect(upcastFeatures(before)).toEqual({ ...before, messagesSent: 0, messagesDelivered: 0, messagesRead: 0, readRate: 0, daysSinceLastRead: READ_RECENCY_CAP_DAYS });
});
