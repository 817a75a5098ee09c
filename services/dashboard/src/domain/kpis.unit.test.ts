import { channelsView, portfolioView, strategiesView } from './kpis.ts';

describe('KPI views from counters', () => {
  test('portfolio: aging from due-date cohorts, segments, daily flows and the recovery rate of the range', () => {
    const view = portfolioView({
      due: [
        { tenant: 't', creditor: 'c', segment: 'low_risk', dueDate: '2026-11-20', openCount: 1, openCents: 100, placedCount: 2, placedCents: 300 },
        { tenant: 't', creditor: 'c', segment: 'high_risk', dueDate: '2026-11-20', openCount: 2, openCents: 500, placedCount: 2, placedCents: 500 },
        { tenant: 't', creditor: 'c', segment: 'high_risk', dueDate: '2026-08-01', openCount: 1, openCents: 50, placedCount: 1, placedCents: 50 },
      ],
      open: [
        { tenant: 't', creditor: 'c', segment: 'low_risk', dim: 'product', value: 'telecom', count: 1, cents: 100 },
        { tenant: 't', creditor: 'c', segment: 'high_risk', dim: 'product', value: 'telecom', count: 3, cents: 550 },
        { tenant: 't', creditor: 'c', segment: 'low_risk', dim: 'stage', value: 'paid', count: 0, cents: 0 },
      ],
      daily: [
        { tenant: 't', creditor: 'c', segment: 'low_risk', day: '2026-11-30', placedCents: 300, recoveredCents: 200, agreementsMade: 1 },
        { tenant: 't', creditor: 'c', segment: 'high_risk', day: '2026-12-01', placedCents: 550 },
        { tenant: 't', creditor: 'c', segment: 'high_risk', day: '2026-10-01', placedCents: 999 },
      ],
      today: '2026-12-01',
      from: '2026-11-30',
      to: '2026-12-01',
    });
    expect(view.totals).toEqual({ openCount: 4, openCents: 650 });
    expect(view.aging.find((b) => b.bucket === '1-30')).toMatchObject({ openCount: 3, openCents: 600 });
    expect(view.aging.find((b) => b.bucket === '91-180')).toMatchObject({ openCount: 1, openCents: 50 });
    expect(view.bySegment).toEqual([{ segment: 'high_risk', count: 3, cents: 550 }, { segment: 'low_risk', count: 1, cents: 100 }]);
    expect(view.byProduct).toEqual([{ product: 'telecom', count: 4, cents: 650 }]);
    expect(view.byStage).toEqual([]);
    expect(view.daily.map((d) => d.day)).toEqual(['2026-11-30', '2026-12-01']);
    expect(view.recovery).toEqual({ placedCents: 850, recoveredCents: 200, rate: 200 / 850 });
    expect(view.agreements).toEqual({ made: 1, kept: 0, broken: 0 });
  });

  test('channels: the funnel per channel with its cost per real recovered', () => {
    const view = channelsView({
      funnel: [
        { tenant: 't', creditor: 'c', segment: 's', day: 'd', channel: 'sms', template: 'a', step: 0, sent: 10, delivered: 8, read: 4, paid: 2, paidCents: 10_000 },
        { tenant: 't', creditor: 'c', segment: 's', day: 'd', channel: 'email', template: 'a', step: 1, sent: 4, delivered: 4 },
      ],
      tenant: 't',
      costs: { '*': { sms: 10, email: 1 } },
      from: 'd',
      to: 'd',
    });
    expect(view.byChannel[0]).toMatchObject({ group: 'sms', sent: 10, delivered: 8, read: 4, paid: 2, deliveredRate: 0.8, readRate: 0.4, paidRate: 0.2, costCents: 100, costPerReal: 1 });
    expect(view.byTemplate).toEqual([expect.objectContaining({ group: 'a', sent: 14, costCents: 104 })]);
    expect(view.byStep.map((r) => r.group)).toEqual(['0', '1']);
  });

  test('strategies: recovery rate with its interval per arm, and a challenger compared with its champion', () => {
    const { rows } = strategiesView({
      docs: [
        { tenant: 't', creditor: 'c', segment: 's', day: 'd', strategy: 'std', arm: 'champion', cases: 1000, casesPaid: 300, placedCents: 100, recoveredCents: 30, sent_sms: 10 },
        { tenant: 't', creditor: 'c', segment: 's', day: 'd', strategy: 'std', arm: 'soft', cases: 1000, casesPaid: 400 },
        { tenant: 't', creditor: 'c', segment: 's', day: 'd', strategy: 'std', arm: 'holdout', cases: 10, casesPaid: 3 },
      ],
      tenant: 't',
      costs: { '*': { sms: 5 } },
      from: 'd',
      to: 'd',
    });
    expect(rows.map((r) => r.arm)).toEqual(['champion', 'holdout', 'soft']);
    expect(rows[0]).toMatchObject({ cases: 1000, casesPaid: 300, costCents: 50, messages: 10, amountRate: 0.3, versusChampion: null });
    expect(rows[0]!.recoveryRate.rate).toBe(0.3);
    expect(rows[2]!.versusChampion).toBe('better');
    expect(rows[1]!.versusChampion).toBe('inconclusive');
  });
});
