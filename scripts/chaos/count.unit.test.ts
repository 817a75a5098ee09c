import { caseOfReference, recoverySeconds, tally, type ScenarioRecords } from './count.ts';

const records = (over: Partial<ScenarioRecords>): ScenarioRecords => ({
  accepted: new Set(['t:A', 't:B']),
  registered: ['t:A', 't:B'],
  reminders: [
    { invoiceId: 't:A', step: 0, at: 1000 },
    { invoiceId: 't:B', step: 0, at: 2000 },
  ],
  providerReferences: ['case-A:0:sms', 'case-B:0:sms'],
  invoicesOfCase: new Map([
    ['case-A', ['t:A']],
    ['case-B', ['t:B']],
    ['case-OTHER', ['t:OTHER']],
  ]),
  reconciliations: [],
  payments: new Map(),
  ...over,
});

describe('counting a scenario from its records', () => {
  test('Given every accepted invoice reminded once and sent once, then nothing is lost or duplicated', () => {
    expect(tally(records({}))).toMatchObject({ accepted: 2, published: 2, processed: 2, sideEffects: 2, lost: 0, duplicated: 0 });
  });

  test('Given an accepted invoice with no first reminder, then it is lost, even if a later step or a registration was seen', () => {
    const counted = tally(records({ reminders: [{ invoiceId: 't:A', step: 0, at: 1 }, { invoiceId: 't:B', step: 1, at: 2 }] }));
    expect(counted).toMatchObject({ processed: 1, lost: 1, lostIds: ['t:B'] });
  });

  test('Given a reminder event delivered twice, then it is one processed invoice: only provider requests count as duplicates', () => {
    const counted = tally(records({ reminders: [{ invoiceId: 't:A', step: 0, at: 1 }, { invoiceId: 't:A', step: 0, at: 2 }, { invoiceId: 't:B', step: 0, at: 3 }] }));
    expect(counted).toMatchObject({ processed: 2, duplicated: 0 });
  });

  test('Given the provider received one reference three times, then two duplicates, and other scenarios\' references are ignored', () => {
    const counted = tally(records({ providerReferences: ['case-A:0:sms', 'case-A:0:sms', 'case-A:0:sms', 'case-B:0:sms', 'case-A:0:email', 'case-OTHER:0:sms', 'case-OTHER:0:sms'] }));
    expect(counted).toMatchObject({ sideEffects: 5, duplicated: 2, duplicatedReferences: [{ reference: 'case-A:0:sms', requests: 3 }] });
  });

  test('Given a payment reconciled under two event ids, or its paid total counted twice, then each is one duplicate', () => {
    const payments = new Map([
      ['P1', 500],
      ['P2', 500],
      ['P3', 500],
    ]);
    const counted = tally(
      records({
        payments,
        reconciliations: [
          { paymentId: 'P1', eventId: 'e1', paidTotalCents: 500 },
          { paymentId: 'P1', eventId: 'e1', paidTotalCents: 500 },
          { paymentId: 'P2', eventId: 'e2', paidTotalCents: 500 },
          { paymentId: 'P2', eventId: 'e2b', paidTotalCents: 500 },
          { paymentId: 'P3', eventId: 'e3', paidTotalCents: 1000 },
        ],
      }),
    );
    expect(counted.duplicated).toBe(2);
    expect(counted.duplicatedPayments.map((d) => d.paymentId)).toEqual(['P2', 'P3']);
  });

  test('Given a contact reference, then its case id is everything before the first colon', () => {
    expect(caseOfReference('case-Xb3_9:4:whatsapp')).toBe('case-Xb3_9');
  });
});

describe('recovery time', () => {
  const acceptedAt = new Map([
    ['t:A', 100],
    ['t:B', 900],
    ['t:C', 5000],
  ]);

  test('Given the invoices accepted until the fault ended all reminded, then recovery runs to the last of their first reminders', () => {
    const reminders = [
      { invoiceId: 't:A', step: 0, at: 1500 },
      { invoiceId: 't:B', step: 0, at: 3500 },
    ];
    expect(recoverySeconds(acceptedAt, reminders, 1000)).toBe(2.5);
  });

  test('Given all reminded before the fault ended, then recovery is 0', () => {
    expect(recoverySeconds(acceptedAt, [{ invoiceId: 't:A', step: 0, at: 200 }], 500)).toBe(0);
  });

  test('Given one of them never reminded, then there was no recovery', () => {
    expect(recoverySeconds(acceptedAt, [{ invoiceId: 't:A', step: 0, at: 1500 }], 1000)).toBeUndefined();
  });
});
