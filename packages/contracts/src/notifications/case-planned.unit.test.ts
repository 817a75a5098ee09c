import { isLaterPlan } from './notification-events.v1.ts';

describe('a case plan, first or later', () => {
  test('Given a plan whose open invoices all just joined, then it is a first plan; given one listing an invoice that joined before, a later one', () => {
    expect(isLaterPlan({ joinedInvoiceIds: ['bank:A', 'bank:B'], openInvoiceIds: ['bank:A', 'bank:B'] })).toBe(false);
    // The invoices that joined are not open (paid or cancelled before the plan): still nothing that joined before.
    expect(isLaterPlan({ joinedInvoiceIds: ['bank:A'], openInvoiceIds: [] })).toBe(false);
    expect(isLaterPlan({ joinedInvoiceIds: ['bank:C'], openInvoiceIds: ['bank:A', 'bank:C'] })).toBe(true);
  });
});
