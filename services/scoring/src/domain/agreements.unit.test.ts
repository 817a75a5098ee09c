import { agreementFeatures, NO_AGREEMENTS, summariseAgreements } from './agreements.ts';
import { buildFeatures, EMPTY_HISTORY, upcastFeatures, type InvoiceFacts } from './features.ts';

const TODAY = new Date('2026-11-25T15:00:00Z');
const facts: InvoiceFacts = { invoiceId: 'b:I', debtorId: 'D', amountCents: 10_000, dueDate: '2026-11-05', productType: 'utility', uf: 'SP', timeZone: null, contacts: { mobilePhones: 1, emails: 0, landlines: 0 } };

describe('agreement features', () => {
  test('Given agreements made, kept and broken in the history, then the features count the broken and the kept ones', () => {
    const agreements = { made: 4, installmentsPaid: 9, broken: 1, kept: 2, lastBrokenAt: '2026-11-20T12:00:00.000Z' };
    expect(buildFeatures(facts, { ...EMPTY_HISTORY, agreements }, TODAY)).toMatchObject({ agreementsBroken: 1, agreementsKept: 2 });
  });

  test('Given a debtor without agreements, then both counts are 0', () => {
    expect(agreementFeatures(NO_AGREEMENTS)).toEqual({ agreementsBroken: 0, agreementsKept: 0 });
  });
});

describe('summariseAgreements', () => {
  test('Given one run with the same agreement twice (a redelivery), then it is one key, and the latest instant is normalised', () => {
    const run = [
      { key: 'ag-1', at: '2026-11-20T09:00:00-03:00' },
      { key: 'ag-2', at: '2026-11-20T11:00:00Z' },
      { key: 'ag-1', at: '2026-11-20T09:00:00-03:00' },
    ];
    expect(summariseAgreements(run)).toEqual({ keys: ['ag-1', 'ag-2'], latestAt: '2026-11-20T12:00:00.000Z' });
  });

  test('Given facts without an instant (created, settled), then there is no latest instant', () => {
    expect(summariseAgreements([{ key: 'ag-1' }]).latestAt).toBeNull();
  });
});

test('upcastFeatures: a label stored before agreements were recorded (a brokenAgreements count) reads in the agreement counts', () => {
  const { agreementsBroken: _b, agreementsKept: _k, ...rest } = buildFeatures(facts, EMPTY_HISTORY, TODAY);
  const before = { ...rest, brokenAgreements: 0 };
  const upcast = upcastFeatures(before);
  expect(upcast).toEqual({ ...rest, agreementsBroken: 0, agreementsKept: 0 });
  expect(upcast).not.toHaveProperty('brokenAgreements');
});
