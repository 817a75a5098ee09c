import { agingOf, rollRatesOf, type BucketFigures, type DueCohort, type RollRate } from './aging.ts';
import { costPerMessage, costPerRealRecovered, CHANNELS, type ChannelCosts } from './costs.ts';
import { DAILY_FIELDS, FUNNEL_FIELDS, type DailyField, type FunnelField, type StrategyField } from './counters.ts';
import { daysFrom } from './dates.ts';
import { clearlyBetter, wilsonInterval, type Proportion } from './wilson.ts';

/** The counter documents as stored (the dimensions plus the summed fields). */
export type DueDoc = DueCohort & { tenant: string; creditor: string; segment: string };
export type OpenDoc = { tenant: string; creditor: string; segment: string; dim: 'product' | 'stage'; value: string; count?: number; cents?: number };
export type DailyDoc = { tenant: string; creditor: string; segment: string; day: string } & Partial<Record<DailyField, number>>;
export type FunnelDoc = { tenant: string; creditor: string; segment: string; day: string; channel: string; template: string; step: number } & Partial<Record<FunnelField, number>>;
export type StrategyDoc = { tenant: string; creditor: string; segment: string; day: string; strategy: string; arm: string } & Partial<Record<StrategyField, number>>;

const n = (value: number | undefined) => value ?? 0;

function sumBy<T>(docs: readonly T[], key: (doc: T) => string, fields: (doc: T) => Record<string, number>): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const doc of docs) {
    const k = key(doc);
    const into = out.get(k) ?? {};
    for (const [field, value] of Object.entries(fields(doc))) into[field] = (into[field] ?? 0) + value;
    out.set(k, into);
  }
  return out;
}

export interface PortfolioView {
  today: string;
  from: string;
  to: string;
  totals: { openCount: number; openCents: number };
  aging: BucketFigures[];
  rollRates: RollRate[];
  bySegment: Array<{ segment: string; count: number; cents: number }>;
  byProduct: Array<{ product: string; count: number; cents: number }>;
  byStage: Array<{ stage: string; count: number; cents: number }>;
  daily: Array<{ day: string } & Record<DailyField, number>>;
  /** Recovered (reconciled payments) on the days in range ÷ placed in collection on those days. */
  recovery: { placedCents: number; recoveredCents: number; rate: number | null };
  agreements: { made: number; kept: number; broken: number };
  /** The legal tracks in the range: cases taken to court (claims), closed by an agreement in court, bureau registrations. */
  legal: { judicialOpened: number; judicialClaimCents: number; judicialClosed: number; judicialAgreedCents: number; bureauRegistered: number; bureauWithdrawn: number };
}

export function portfolioView(input: { due: readonly DueDoc[]; open: readonly OpenDoc[]; daily: readonly DailyDoc[]; today: string; from: string; to: string }): PortfolioView {
  const cohorts = [...sumBy(input.due, (d) => d.dueDate, (d) => ({ openCount: n(d.openCount), openCents: n(d.openCents), placedCount: n(d.placedCount), placedCents: n(d.placedCents) }))].map(([dueDate, f]) => ({ dueDate, ...f }) as DueCohort);
  const aging = agingOf(cohorts, input.today);
  const bySegment = [...sumBy(input.due, (d) => d.segment, (d) => ({ count: n(d.openCount), cents: n(d.openCents) }))].map(([segment, f]) => ({ segment, count: f.count!, cents: f.cents! })).filter((s) => s.count !== 0 || s.cents !== 0);
  const byDim = (dim: OpenDoc['dim']) =>
    [...sumBy(input.open.filter((o) => o.dim === dim), (o) => o.value, (o) => ({ count: n(o.count), cents: n(o.cents) }))]
      .map(([value, f]) => ({ value, count: f.count!, cents: f.cents! }))
      .filter((v) => v.count !== 0)
      .sort((a, b) => b.cents - a.cents);
  const perDay = sumBy(input.daily, (d) => d.day, (d) => Object.fromEntries(DAILY_FIELDS.map((f) => [f, n(d[f])])));
  const daily = daysFrom(input.from, input.to).map((day) => ({ day, ...(Object.fromEntries(DAILY_FIELDS.map((f) => [f, perDay.get(day)?.[f] ?? 0])) as Record<DailyField, number>) }));
  const total = (field: DailyField) => daily.reduce((sum, d) => sum + d[field], 0);
  const placedCents = total('placedCents');
  const recoveredCents = total('recoveredCents');
  return {
    today: input.today,
    from: input.from,
    to: input.to,
    totals: { openCount: aging.reduce((s, b) => s + b.openCount, 0), openCents: aging.reduce((s, b) => s + b.openCents, 0) },
    aging,
    rollRates: rollRatesOf(aging),
    bySegment: bySegment.sort((a, b) => b.cents - a.cents),
    byProduct: byDim('product').map(({ value, ...f }) => ({ product: value, ...f })),
    byStage: byDim('stage').map(({ value, ...f }) => ({ stage: value, ...f })),
    daily,
    recovery: { placedCents, recoveredCents, rate: placedCents > 0 ? recoveredCents / placedCents : null },
    agreements: { made: total('agreementsMade'), kept: total('agreementsKept'), broken: total('agreementsBroken') },
    legal: {
      judicialOpened: total('judicialOpened'),
      judicialClaimCents: total('judicialClaimCents'),
      judicialClosed: total('judicialClosed'),
      judicialAgreedCents: total('judicialAgreedCents'),
      bureauRegistered: total('bureauRegistered'),
      bureauWithdrawn: total('bureauWithdrawn'),
    },
  };
}

export interface FunnelRow {
  group: string;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  paid: number;
  paidCents: number;
  deliveredRate: number | null;
  readRate: number | null;
  paidRate: number | null;
  costCents: number;
  /** Centavos spent per R$ 1,00 recovered (payments credited to the group's messages, last touch). */
  costPerReal: number | null;
}

export interface ChannelsView {
  from: string;
  to: string;
  byChannel: FunnelRow[];
  byTemplate: FunnelRow[];
  byStep: FunnelRow[];
  costs: Record<string, number>;
}

export function channelsView(input: { funnel: readonly FunnelDoc[]; tenant: string; costs: ChannelCosts; from: string; to: string }): ChannelsView {
  const costOf = (doc: FunnelDoc) => n(doc.sent) * costPerMessage(input.costs, input.tenant, doc.channel);
  const rows = (key: (d: FunnelDoc) => string): FunnelRow[] =>
    [...sumBy(input.funnel, key, (d) => ({ ...Object.fromEntries(FUNNEL_FIELDS.map((f) => [f, n(d[f])])), costCents: costOf(d) }))]
      .map(([group, f]) => {
        const sent = f.sent ?? 0;
        const rate = (x: number) => (sent > 0 ? x / sent : null);
        return {
          group,
          sent,
          delivered: f.delivered ?? 0,
          read: f.read ?? 0,
          failed: f.failed ?? 0,
          paid: f.paid ?? 0,
          paidCents: f.paidCents ?? 0,
          deliveredRate: rate(f.delivered ?? 0),
          readRate: rate(f.read ?? 0),
          paidRate: rate(f.paid ?? 0),
          costCents: f.costCents ?? 0,
          costPerReal: costPerRealRecovered(f.costCents ?? 0, f.paidCents ?? 0),
        };
      })
      .sort((a, b) => b.sent - a.sent || a.group.localeCompare(b.group));
  return {
    from: input.from,
    to: input.to,
    byChannel: rows((d) => d.channel),
    byTemplate: rows((d) => d.template),
    byStep: rows((d) => `${d.step}`).sort((a, b) => Number(a.group) - Number(b.group)),
    costs: Object.fromEntries(CHANNELS.map((c) => [c, costPerMessage(input.costs, input.tenant, c)])),
  };
}

export interface StrategyRow {
  segment: string;
  strategy: string;
  arm: string;
  cases: number;
  casesPaid: number;
  /** Cases settled ÷ cases in the cohort, with its 95% Wilson interval. */
  recoveryRate: Proportion;
  placedCents: number;
  recoveredCents: number;
  amountRate: number | null;
  messages: number;
  costCents: number;
  costPerReal: number | null;
  /** For a challenger: its interval lies wholly above (better) or below (worse) the champion's of its segment and strategy. */
  versusChampion: 'better' | 'worse' | 'inconclusive' | null;
}

export function strategiesView(input: { docs: readonly StrategyDoc[]; tenant: string; costs: ChannelCosts; from: string; to: string }): { from: string; to: string; rows: StrategyRow[] } {
  const grouped = sumBy(input.docs, (d) => [d.segment, d.strategy, d.arm].join('\u0000'), (d) => {
    const fields: Record<string, number> = {};
    for (const [k, v] of Object.entries(d)) if (typeof v === 'number') fields[k] = v;
    fields.costCents = CHANNELS.reduce((sum, c) => sum + n(d[`sent_${c}` as StrategyField]) * costPerMessage(input.costs, input.tenant, c), 0);
    fields.messages = CHANNELS.reduce((sum, c) => sum + n(d[`sent_${c}` as StrategyField]), 0);
    return fields;
  });
  const rows: StrategyRow[] = [...grouped].map(([key, f]) => {
    const [segment, strategy, arm] = key.split('\u0000') as [string, string, string];
    const cases = f.cases ?? 0;
    const casesPaid = Math.min(f.casesPaid ?? 0, cases);
    const placedCents = f.placedCents ?? 0;
    const recoveredCents = f.recoveredCents ?? 0;
    return { segment, strategy, arm, cases, casesPaid, recoveryRate: wilsonInterval(casesPaid, cases), placedCents, recoveredCents, amountRate: placedCents > 0 ? recoveredCents / placedCents : null, messages: f.messages ?? 0, costCents: f.costCents ?? 0, costPerReal: costPerRealRecovered(f.costCents ?? 0, recoveredCents), versusChampion: null };
  });
  for (const row of rows) {
    if (row.arm === 'champion') continue;
    const champion = rows.find((r) => r.arm === 'champion' && r.segment === row.segment && r.strategy === row.strategy);
    if (!champion) continue;
    row.versusChampion = clearlyBetter(row.recoveryRate, champion.recoveryRate) ? 'better' : clearlyBetter(champion.recoveryRate, row.recoveryRate) ? 'worse' : 'inconclusive';
  }
  rows.sort((a, b) => a.segment.localeCompare(b.segment) || a.strategy.localeCompare(b.strategy) || (a.arm === 'champion' ? -1 : b.arm === 'champion' ? 1 : a.arm.localeCompare(b.arm)));
  return { from: input.from, to: input.to, rows };
}
