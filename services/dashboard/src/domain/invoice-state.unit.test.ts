import { expectedRecoveryCents, snapshotDelta, snapshotOf, stageOf, type InvoiceFacts } from './invoice-state.ts';

const facts = (over: Partial<InvoiceFacts> = {}): InvoiceFacts => ({
  tenant: 't',
  creditor: '11222333000181',
  registered: true,
  amountCents: 10_000,
  outstandingCents: 10_000,
  dueDate: '2026-11-01',
  placedDay: '2026-11-20',
  product: 'telecom',
  status: 'open',
  segment: null,
  caseId: null,
  flags: { escalated: false, paused: false, agreement: false, disputed: false },
  ...over,
});

const byId = (incs: ReturnType<typeof snapshotDelta>) => Object.fromEntries(incs.map((i) => [`${i.collection}/${i.id}`, i.inc]));

describe('invoice snapshots and their counter deltas', () => {
  test('a registration places the invoice and opens it in its due-date cohort, product and stage', () => {
    const delta = byId(snapshotDelta('t', null, snapshotOf(facts())));
    expect(delta).toEqual({
      'counters_due/t|11222333000181|unscored|2026-11-01': { placedCount: 1, placedCents: 10_000, openCount: 1, openCents: 10_000 },
      'counters_daily/t|11222333000181|unscored|2026-11-20': { placedCount: 1, placedCents: 10_000 },
      'counters_open/t|11222333000181|unscored|product|telecom': { count: 1, cents: 10_000 },
      'counters_open/t|11222333000181|unscored|stage|registered': { count: 1, cents: 10_000 },
    });
  });

  test('scoring moves the invoice from unscored to its segment, and nothing else', () => {
    const before = snapshotOf(facts());
    const after = snapshotOf(facts({ segment: 'low_risk' }));
    const delta = byId(snapshotDelta('t', before, after));
    expect(delta['counters_due/t|11222333000181|unscored|2026-11-01']).toEqual({ placedCount: -1, placedCents: -10_000, openCount: -1, openCents: -10_000 });
    expect(delta['counters_due/t|11222333000181|low_risk|2026-11-01']).toEqual({ placedCount: 1, placedCents: 10_000, openCount: 1, openCents: 10_000 });
    expect(delta['counters_daily/t|11222333000181|low_risk|2026-11-20']).toEqual({ placedCount: 1, placedCents: 10_000 });
  });

  test('a partial payment lowers the open amount but keeps what was placed; the last one closes it', () => {
    const s0 = snapshotOf(facts());
    const s1 = snapshotOf(facts({ outstandingCents: 4_000 }));
    expect(byId(snapshotDelta('t', s0, s1))['counters_due/t|11222333000181|unscored|2026-11-01']).toEqual({ openCents: -6_000 });
    const s2 = snapshotOf(facts({ outstandingCents: 0, status: 'paid' }));
    const closing = byId(snapshotDelta('t', s1, s2));
    expect(closing['counters_due/t|11222333000181|unscored|2026-11-01']).toEqual({ openCount: -1, openCents: -4_000 });
    expect(closing['counters_open/t|11222333000181|unscored|stage|registered']).toEqual({ count: -1, cents: -4_000 });
  });

  test('the same snapshot twice changes nothing', () => {
    expect(snapshotDelta('t', snapshotOf(facts()), snapshotOf(facts()))).toEqual([]);
  });

  test('an invoice not registered yet counts nowhere', () => {
    expect(snapshotOf(facts({ registered: false }))).toBeNull();
  });

  test('stages follow the case: a dispute outranks an agreement, which outranks a pause and an escalation', () => {
    expect(stageOf(facts({ caseId: 'c' }))).toBe('collecting');
    expect(stageOf(facts({ caseId: 'c', flags: { escalated: true, paused: true, agreement: false, disputed: false } }))).toBe('paused');
    expect(stageOf(facts({ flags: { escalated: true, paused: true, agreement: true, disputed: true } }))).toBe('disputed');
    expect(stageOf(facts({ status: 'paid', flags: { escalated: true, paused: false, agreement: false, disputed: false } }))).toBe('paid');
  });

  test('expected recovery weighs each open amount by its probability, the score where there is none', () => {
    expect(
      expectedRecoveryCents([
        { outstandingCents: 10_000, open: true, probability: 0.3, score: 900 },
        { outstandingCents: 5_000, open: true, probability: null, score: 200 },
        { outstandingCents: 99_999, open: false, probability: 1, score: 1000 },
      ]),
    ).toBe(4_000);
  });
});
