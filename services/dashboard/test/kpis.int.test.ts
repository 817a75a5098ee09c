// The dashboard's figures against what a known portfolio's events imply: the events go through the real broker into
// the read model (its own database), and every KPI the API answers is compared with the figures the test computes
// from the same facts (test/fixture.ts), for the whole tenant, one creditor and one segment.
import { uniqueName } from '@regua/testing';
import type { ChannelsView, PortfolioView, StrategyRow } from '../src/domain/kpis.ts';
import { wilsonInterval } from '../src/domain/wilson.ts';
import { CREDITORS, eventsOf, expectedFigures, portfolio } from './fixture.ts';
import { startTestDashboard, type DashboardHarness, type TestUser } from './support.ts';

const NOW = new Date('2026-12-01T20:00:00Z'); // 17:00 in São Paulo
const TODAY = '2026-12-01';
const FROM = '2026-11-15';

describe('KPIs from a known set of events', () => {
  const tenant = uniqueName('bank');
  const other = uniqueName('other');
  const manager: TestUser = { id: 'gerente', password: 'gerente-demo-1', roles: ['manager'], scopes: [{ tenant, creditors: '*' }] };
  const specs = portfolio(tenant, 36, 20261201);
  const otherSpecs = portfolio(other, 4, 7);
  let h: DashboardHarness;
  let token: string;
  const range = `from=${FROM}&to=${TODAY}`;

  beforeAll(async () => {
    h = await startTestDashboard({ clock: { now: () => NOW }, users: [manager] });
    token = await h.token(manager);
    const phases = eventsOf(tenant, specs);
    const otherPhases = eventsOf(other, otherSpecs);
    let applied = 0;
    for (const [i, phase] of phases.entries()) {
      const all = [...phase, ...otherPhases[i]!];
      await h.publish(all);
      // Redelivery: a handful of events a second time, which the inbox must drop.
      await h.publish(all.slice(0, 5));
      applied += all.length;
      await h.applied(applied);
    }
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function portfolioOf(query: string): Promise<PortfolioView> {
    const response = await h.get<PortfolioView>(`/v1/kpis/portfolio?${query}`, token);
    expect(response.status).toBe(200);
    return response.body;
  }

  test.each([
    ['the whole tenant', {}],
    ['one creditor', { creditor: CREDITORS[1]! }],
    ['one segment', { segment: 'high_risk' }],
  ])('portfolio of %s: aging, segments, stages, recovery and agreements match the events', async (_name, filter: { creditor?: string; segment?: string }) => {
    const params = new URLSearchParams({ tenant, from: FROM, to: TODAY, ...filter });
    const view = await portfolioOf(params.toString());
    const expected = expectedFigures(specs, { today: TODAY, from: FROM, to: TODAY, ...filter });

    for (const bucket of view.aging) {
      expect({ bucket: bucket.bucket, count: bucket.openCount, cents: bucket.openCents }).toEqual({ bucket: bucket.bucket, ...(expected.aging[bucket.bucket] ?? { count: 0, cents: 0 }) });
    }
    const openCount = Object.values(expected.aging).reduce((s, b) => s + b.count, 0);
    expect(openCount).toBeGreaterThan(0);
    expect(view.totals).toEqual({ openCount, openCents: Object.values(expected.aging).reduce((s, b) => s + b.cents, 0) });
    expect(Object.fromEntries(view.bySegment.map((s) => [s.segment, { count: s.count, cents: s.cents }]))).toEqual(expected.bySegment);
    expect(Object.fromEntries(view.byStage.map((s) => [s.stage, s.count]))).toEqual(expected.byStage);
    expect(view.recovery.placedCents).toBe(expected.placedCents);
    expect(view.recovery.recoveredCents).toBe(expected.recoveredCents);
    expect(view.recovery.rate).toBeCloseTo(expected.recoveredCents / expected.placedCents, 10);
    expect(view.agreements).toEqual(expected.agreements);
    expect(view.legal).toEqual(expected.legal);
    expect(view.daily.reduce((s, d) => s + d.placedCents, 0)).toBe(expected.placedCents);
  });

  test('a narrower range changes the flows (placements, payments) but not the open portfolio', async () => {
    const view = await portfolioOf(`tenant=${tenant}&from=${TODAY}&to=${TODAY}`);
    const expected = expectedFigures(specs, { today: TODAY, from: TODAY, to: TODAY });
    expect(view.recovery).toMatchObject({ placedCents: expected.placedCents, recoveredCents: expected.recoveredCents });
    expect(view.totals.openCount).toBe(Object.values(expected.aging).reduce((s, b) => s + b.count, 0));
  });

  test('the channel funnel counts sent, delivered, read and paid (last touch) per channel', async () => {
    const response = await h.get<ChannelsView>(`/v1/kpis/channels?tenant=${tenant}&${range}`, token);
    expect(response.status).toBe(200);
    const expected = expectedFigures(specs, { today: TODAY, from: FROM, to: TODAY });
    expect(Object.fromEntries(response.body.byChannel.map((r) => [r.group, { sent: r.sent, delivered: r.delivered, read: r.read, paid: r.paid, paidCents: r.paidCents }]))).toEqual(expected.funnel);
    for (const row of response.body.byChannel) expect(row.costCents).toBe(row.sent * response.body.costs[row.group]!);
  });

  test('strategies: cases, cases paid and recovered per segment and arm, with their Wilson intervals', async () => {
    const response = await h.get<{ rows: StrategyRow[] }>(`/v1/kpis/strategies?tenant=${tenant}&${range}`, token);
    expect(response.status).toBe(200);
    const expected = expectedFigures(specs, { today: TODAY, from: FROM, to: TODAY });
    const got = Object.fromEntries(response.body.rows.map((r) => [`${r.segment}/${r.arm}`, { cases: r.cases, casesPaid: r.casesPaid, recoveredCents: r.recoveredCents }]));
    expect(got).toEqual(expected.strategies);
    for (const row of response.body.rows) expect(row.recoveryRate).toEqual(wilsonInterval(row.casesPaid, row.cases));
  });

  test('CSV export holds the same figures as the JSON', async () => {
    const view = await portfolioOf(`tenant=${tenant}&${range}`);
    const csv = await h.get(`/v1/kpis/portfolio?tenant=${tenant}&${range}&format=csv&table=aging`, token);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const [header, ...lines] = csv.text.trim().split('\r\n');
    const columns = header!.split(',');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
    expect(rows.map((r) => [r.bucket, Number(r.openCount), Number(r.openCents)])).toEqual(view.aging.map((b) => [b.bucket, b.openCount, b.openCents]));
  });

  test('the work queue lists the escalated cases still open, by expected recovery (probability × open amount)', async () => {
    const response = await h.get<{ entries: Array<{ _id: string; priorityCents: number }> }>(`/v1/queue?tenant=${tenant}`, token);
    expect(response.status).toBe(200);
    const expected = specs
      .filter((s) => s.escalated)
      .map((s) => {
        const open = s.invoices.reduce((sum, inv, k) => sum + inv.amountCents - s.payments.filter((p) => p.invoice === k).reduce((a, p) => a + p.amountCents, 0), 0);
        return { _id: s.caseId, priorityCents: Math.round(open * s.probability) };
      })
      .sort((a, b) => b.priorityCents - a.priorityCents);
    expect(expected.length).toBeGreaterThan(0);
    expect(response.body.entries.map((e) => ({ _id: e._id, priorityCents: e.priorityCents }))).toEqual(expected);
  });

  test("another tenant's events never show in this tenant's figures, and its tenant is refused", async () => {
    const view = await portfolioOf(`tenant=${tenant}&${range}`);
    const ours = expectedFigures(specs, { today: TODAY, from: FROM, to: TODAY });
    expect(view.recovery.placedCents).toBe(ours.placedCents);
    expect((await h.get(`/v1/kpis/portfolio?tenant=${other}`, token)).status).toBe(403);
  });
});
