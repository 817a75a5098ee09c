import { buildFeatures, contactabilityOf, EMPTY_HISTORY, openInvoiceIds, type DebtorHistory, type InvoiceFacts } from './features.ts';

const TODAY = new Date('2026-11-25T15:00:00Z');

const facts = (overrides: Partial<InvoiceFacts> = {}): InvoiceFacts => ({
  invoiceId: 'bank:INV-2',
  debtorId: 'CUST-1',
  amountCents: 100_000,
  dueDate: '2026-11-05',
  productType: 'telecom',
  uf: 'SP',
  timeZone: 'America/Sao_Paulo',
  contacts: { mobilePhones: 1, emails: 1, landlines: 0 },
  ...overrides,
});

const history = (overrides: Partial<DebtorHistory> = {}): DebtorHistory => ({ ...EMPTY_HISTORY, ...overrides });

describe('buildFeatures', () => {
  test('Given a first invoice, then prior behaviour is all zero and days past due count in the debtor\'s calendar', () => {
    expect(buildFeatures(facts(), EMPTY_HISTORY, TODAY)).toEqual({
      daysPastDue: 20,
      amountCents: 100_000,
      productType: 'telecom',
      uf: 'SP',
      contactability: 'mobile',
      contactPoints: 2,
      hasEmail: true,
      whatsappCapable: true,
      previousInvoices: 0,
      otherOpenInvoices: 0,
      paymentsCount: 0,
      paidCents: 0,
      daysSinceLastPayment: null,
      settledInvoices: 0,
      agreementsBroken: 0,
      agreementsKept: 0,
      messagesSent: 0,
      messagesDelivered: 0,
      messagesRead: 0,
      readRate: 0,
      daysSinceLastRead: 180,
    });
  });

  test("Given messages the debtor read, then the features carry how many were sent, the share of delivered ones read and the days since the last read", () => {
    const h = history({ engagement: { sent: 5, delivered: 4, read: 3, failed: 1, lastReadAt: '2026-11-22T18:30:00Z', channelsRead: ['whatsapp', 'email'] } });
    expect(buildFeatures(facts(), h, TODAY)).toMatchObject({ messagesSent: 5, messagesDelivered: 4, messagesRead: 3, readRate: 0.75, daysSinceLastRead: 2 });
  });

  test('Given messages delivered and none read, then the read rate is 0 and the recency is the never-read sentinel', () => {
    const h = history({ engagement: { ...EMPTY_HISTORY.engagement, sent: 6, delivered: 6 } });
    expect(buildFeatures(facts(), h, TODAY)).toMatchObject({ messagesSent: 6, messagesDelivered: 6, messagesRead: 0, readRate: 0, daysSinceLastRead: 180 });
  });

  test('Given a last read long ago, then the days since it are capped at 180, as for a debtor who never read', () => {
    const h = history({ engagement: { sent: 3, delivered: 3, read: 1, failed: 0, lastReadAt: '2025-01-10T12:00:00Z', channelsRead: ['sms'] } });
    expect(buildFeatures(facts(), h, TODAY)).toMatchObject({ readRate: 1 / 3, daysSinceLastRead: 180 });
  });

  test('Given a history with payments and other invoices, then prior behaviour is counted from it, the invoice itself left out', () => {
    const h = history({
      invoiceIds: ['bank:INV-1', 'bank:INV-2', 'bank:INV-3'],
      closedInvoiceIds: ['bank:INV-1'],
      payments: [
        { paymentId: 'P1', invoiceId: 'bank:INV-1', amountCents: 5_000, paidAt: '2026-11-10T12:00:00Z', settled: true },
        { paymentId: 'P2', invoiceId: 'bank:INV-2', amountCents: 30_000, paidAt: '2026-11-20T12:00:00Z', settled: false },
      ],
    });
    expect(buildFeatures(facts(), h, TODAY)).toMatchObject({
      amountCents: 70_000, // what is still owed on this invoice
      previousInvoices: 2,
      otherOpenInvoices: 1,
      paymentsCount: 2,
      paidCents: 35_000,
      daysSinceLastPayment: 5,
      settledInvoices: 1,
    });
  });

  test('Given an unknown time zone, then days are counted on Brasília\'s calendar', () => {
    expect(buildFeatures(facts({ timeZone: null }), EMPTY_HISTORY, new Date('2026-11-06T01:00:00Z')).daysPastDue).toBe(0);
  });

  test('Given a due date in the future, then days past due are 0, never negative', () => {
    expect(buildFeatures(facts({ dueDate: '2026-12-31' }), EMPTY_HISTORY, TODAY).daysPastDue).toBe(0);
  });
});

describe('contactabilityOf', () => {
  test.each([
    [{ mobilePhones: 1, emails: 0, landlines: 1 }, 'mobile'],
    [{ mobilePhones: 0, emails: 2, landlines: 1 }, 'email'],
    [{ mobilePhones: 0, emails: 0, landlines: 1 }, 'landline'],
    [{ mobilePhones: 0, emails: 0, landlines: 0 }, 'none'],
  ] as const)('Given %p, then %s', (contacts, expected) => {
    expect(contactabilityOf(contacts)).toBe(expected);
  });
});

test('openInvoiceIds: the scored invoices not closed', () => {
  expect(openInvoiceIds(history({ invoiceIds: ['a', 'b', 'c'], closedInvoiceIds: ['b'] }))).toEqual(['a', 'c']);
});
