import type { Channel } from './channel.ts';

/**
 * The cadence engine's pure core: which step of a case's cadence is due, which are skipped and why, and how a
 * step reaches the debtor. Cadence steps are placed relative to the due date of the case's anchor invoice.
 */

export interface PlanStep {
  id: string;
  /** Days relative to the anchor invoice's due date; negative = before it falls due. */
  offsetDays: number;
  channels: Channel[];
  fallback: Channel[];
  template: string;
  conditions: { minAmountCents?: number | undefined; maxAmountCents?: number | undefined; onlyIfPreviousUnread?: boolean | undefined };
}

export interface PlanCadence {
  id: string;
  steps: PlanStep[];
  escalateWhenExhausted: boolean;
}

export interface CaseInvoice {
  invoiceId: string;
  amountCents: number;
  dueDate: string;
  status: 'open' | 'paid' | 'cancelled' | 'renegotiated';
  segment: string;
  strategy: string;
  joinedAt: Date;
  revision?: number | undefined;
}

const DAY_MS = 86_400_000;

/**
 * The invoice a case's cadence follows: its most overdue open invoice (earliest due date, then the first to join).
 * Its strategy is the case's when the invoices' segments differ: the oldest debt sets the tone of the conversation.
 */
export function anchorOf(invoices: readonly CaseInvoice[]): CaseInvoice | undefined {
  return invoices
    .filter((i) => i.status === 'open')
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || new Date(a.joinedAt).getTime() - new Date(b.joinedAt).getTime() || a.invoiceId.localeCompare(b.invoiceId))[0];
}

export function openAmountCents(invoices: readonly CaseInvoice[]): number {
  return invoices.filter((i) => i.status === 'open').reduce((sum, i) => sum + i.amountCents, 0);
}

/**
 * A step's day begins at 00:00 in Brasília (UTC−3; Brazil keeps no daylight saving since 2019); contact windows
 * then move the send into the debtor's legal hours.
 */
export function stepDueAt(anchorDueDate: string, step: Pick<PlanStep, 'offsetDays'>): Date {
  return new Date(new Date(`${anchorDueDate}T00:00:00-03:00`).getTime() + step.offsetDays * DAY_MS);
}

export function daysPastDue(dueDate: string, now: Date): number {
  return Math.floor((now.getTime() - new Date(`${dueDate}T00:00:00-03:00`).getTime()) / DAY_MS);
}

export interface StepSkip {
  step: number;
  reason: string;
}

export interface DueSteps {
  /** The step to carry out now, if any. */
  take?: number;
  /** Steps that will never be carried out, with the reason (recorded: nothing is skipped silently). */
  skip: StepSkip[];
  /** The first step still ahead, and when it falls due. */
  next?: { step: number; dueAt: Date };
}

/**
 * Which steps are due at `now` for a case opened at `openedAt`, given the steps already done or skipped. A pre-due
 * step whose day came before the case opened (the invoice arrived late or already overdue), or once the due date
 * has passed, is skipped. Of the steps due together (a dispatcher that was down, an invoice arriving at D+10) only
 * the latest is carried out, so the debtor gets one current message rather than a flood of stale ones; the others
 * are skipped with the reason.
 */
export function dueSteps(cadence: PlanCadence, anchorDueDate: string, openedAt: Date, now: Date, settled: ReadonlySet<number>): DueSteps {
  const skip: StepSkip[] = [];
  const due: number[] = [];
  const dueDateStart = stepDueAt(anchorDueDate, { offsetDays: 0 });
  let next: DueSteps['next'];
  cadence.steps.forEach((step, index) => {
    if (settled.has(index)) return;
    const at = stepDueAt(anchorDueDate, step);
    if (step.offsetDays < 0 && at.getTime() < startOfDay(openedAt).getTime()) {
      const reason = openedAt.getTime() >= dueDateStart.getTime() ? 'pre-due step: the invoice arrived already overdue' : "pre-due step: the invoice arrived after this step's day";
      return void skip.push({ step: index, reason });
    }
    if (step.offsetDays < 0 && now.getTime() >= dueDateStart.getTime()) return void skip.push({ step: index, reason: 'pre-due step: the due date has passed' });
    if (at.getTime() <= now.getTime()) return void due.push(index);
    if (!next) next = { step: index, dueAt: at };
  });
  const take = due.at(-1);
  for (const index of due.slice(0, -1)) skip.push({ step: index, reason: `caught up: step ${cadence.steps[take!]!.id} is due too, and only the latest of the steps due together is sent` });
  return { ...(take === undefined ? {} : { take }), skip, ...(next ? { next } : {}) };
}

function startOfDay(instant: Date): Date {
  const local = new Date(instant.getTime() - 3 * 3_600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) + 3 * 3_600_000);
}

/** Why a step's conditions keep it from going out, or undefined when they hold. */
export function conditionsFail(step: PlanStep, openCents: number, previousRead: boolean): string | undefined {
  const { minAmountCents, maxAmountCents, onlyIfPreviousUnread } = step.conditions;
  if (minAmountCents !== undefined && openCents < minAmountCents) return `condition: open amount below ${minAmountCents} cents`;
  if (maxAmountCents !== undefined && openCents > maxAmountCents) return `condition: open amount above ${maxAmountCents} cents`;
  if (onlyIfPreviousUnread && previousRead) return 'condition: the previous message was read';
  return undefined;
}

export interface Reach {
  emails: readonly string[];
  mobilePhones: readonly string[];
  landlines: readonly string[];
}

export interface Route {
  channel: Channel;
  address: string;
  /** The step's channel this one stands in for. */
  fallbackFor?: Channel;
}

/** The debtor's best address on a channel (contacts are ranked best first by enrichment). */
export function addressOn(channel: Channel, reach: Reach): string | undefined {
  switch (channel) {
    case 'email':
      return reach.emails[0];
    case 'sms':
    case 'whatsapp':
      return reach.mobilePhones[0];
    case 'voice':
      return reach.mobilePhones[0] ?? reach.landlines[0];
  }
}

/**
 * How a step reaches the debtor: each of its channels that can (an address, not opted out, not blocked by a rule),
 * and for each that cannot, the first fallback channel that can and is not used yet. `blocked` says why a channel
 * may not be used (opt-out, self-regulation), or undefined.
 */
export function routeStep(step: Pick<PlanStep, 'channels' | 'fallback'>, reach: Reach, blocked: (channel: Channel) => string | undefined): { routes: Route[]; missed: Array<{ channel: Channel; reason: string }> } {
  const used = new Set<Channel>();
  const routes: Route[] = [];
  const missed: Array<{ channel: Channel; reason: string }> = [];
  const usable = (channel: Channel): { address: string } | { reason: string } => {
    const why = blocked(channel);
    if (why) return { reason: why };
    const address = addressOn(channel, reach);
    return address ? { address } : { reason: `no ${channel} address` };
  };
  for (const channel of step.channels) {
    const own = usable(channel);
    if ('address' in own) {
      routes.push({ channel, address: own.address });
      used.add(channel);
      continue;
    }
    missed.push({ channel, reason: own.reason });
    for (const fallback of step.fallback) {
      if (used.has(fallback) || step.channels.includes(fallback)) continue;
      const alternative = usable(fallback);
      if ('address' in alternative) {
        routes.push({ channel: fallback, address: alternative.address, fallbackFor: channel });
        used.add(fallback);
        break;
      }
    }
  }
  return { routes, missed };
}

/** The next channel to try when a route's provider failed: the step's fallbacks not used yet, in order. */
export function nextFallback(step: Pick<PlanStep, 'channels' | 'fallback'>, failed: Channel, used: ReadonlySet<Channel>, reach: Reach, blocked: (channel: Channel) => string | undefined): Route | undefined {
  for (const channel of step.fallback) {
    if (channel === failed || used.has(channel) || step.channels.includes(channel) || blocked(channel)) continue;
    const address = addressOn(channel, reach);
    if (address) return { channel, address, fallbackFor: failed };
  }
  return undefined;
}

/**
 * The first instant at or after `from` that every check allows (each route's contact window, the frequency caps):
 * each check gives the earliest instant it allows from a candidate, and the candidate moves until all agree.
 */
export function firstAllowed(from: Date, checks: ReadonlyArray<(at: Date) => Date>): Date {
  let at = from;
  for (let round = 0; round < 20; round++) {
    const moved = checks.reduce((candidate, check) => {
      const allowed = check(candidate);
      return allowed.getTime() > candidate.getTime() ? allowed : candidate;
    }, at);
    if (moved.getTime() === at.getTime()) return at;
    at = moved;
  }
  throw new Error('no instant satisfies every contact rule within 20 rounds');
}

export interface AgreementInstallment {
  number: number;
  dueDate: string;
  amountCents: number;
  paid: boolean;
  pixCopyPaste?: string | undefined;
  boletoDigitableLine?: string | undefined;
}

/**
 * An agreement's reminders as steps: each installment gets the installments cadence's steps, relative to its own
 * due date. Their step numbers are `AGREEMENT_STEPS × generation + 100 × installment + step` (the case's n-th
 * agreement), so that a contact of one agreement never shares its id (the provider's idempotency key) with a
 * contact of the cadence or of an earlier agreement.
 */
export const AGREEMENT_STEPS = 100_000;

export interface VirtualStep {
  index: number;
  spec: PlanStep;
  dueAt: Date;
  installment: AgreementInstallment;
}

export function agreementSteps(cadence: PlanCadence, installments: readonly AgreementInstallment[], generation: number): VirtualStep[] {
  return installments
    .flatMap((installment) => cadence.steps.map((spec, i) => ({ index: AGREEMENT_STEPS * generation + 100 * installment.number + i, spec, dueAt: stepDueAt(installment.dueDate, spec), installment })))
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.index - b.index);
}

/**
 * Which installment reminders are due: a reminder of a paid installment, or of one whose due date has passed (a
 * missed installment is the agreement's business: it breaks after its grace period), is skipped; of the reminders
 * due together only the latest goes out.
 */
export function agreementDueSteps(steps: readonly VirtualStep[], now: Date, settled: ReadonlySet<number>): { take?: number; skip: StepSkip[]; next?: { step: number; dueAt: Date } } {
  const skip: StepSkip[] = [];
  const due: number[] = [];
  let next: { step: number; dueAt: Date } | undefined;
  for (const step of steps) {
    if (settled.has(step.index)) continue;
    const installmentDue = stepDueAt(step.installment.dueDate, { offsetDays: 1 });
    if (step.installment.paid) skip.push({ step: step.index, reason: `installment ${step.installment.number} paid` });
    else if (now.getTime() >= installmentDue.getTime()) skip.push({ step: step.index, reason: `installment ${step.installment.number}'s due date has passed` });
    else if (step.dueAt.getTime() <= now.getTime()) due.push(step.index);
    else if (!next) next = { step: step.index, dueAt: step.dueAt };
  }
  const take = due.at(-1);
  for (const index of due.slice(0, -1)) skip.push({ step: index, reason: 'caught up: a later reminder is due too, and only the latest of the reminders due together is sent' });
  return { ...(take === undefined ? {} : { take }), skip, ...(next ? { next } : {}) };
}

/**
 * A case moved to another cadence (or version) starts a new generation of steps: its step numbers are
 * `COLLECTION_STEPS × generation + index`, so its contacts (whose ids carry the step number, and are the providers'
 * idempotency keys) and step records never collide with the earlier cadence's. Generation 0 is the cadence the case
 * opened on; agreements' numbers (AGREEMENT_STEPS and up) lie above every collection generation.
 */
export const COLLECTION_STEPS = 1_000;

/** `dueSteps` for the case's current generation: its settled steps read, and the answer given, in case step numbers. */
export function generationDueSteps(cadence: PlanCadence, anchorDueDate: string, since: Date, now: Date, settled: ReadonlySet<number>, generation: number): DueSteps {
  const base = COLLECTION_STEPS * generation;
  const local = new Set([...settled].filter((s) => s >= base && s < base + COLLECTION_STEPS).map((s) => s - base));
  const due = dueSteps(cadence, anchorDueDate, since, now, local);
  return {
    ...(due.take === undefined ? {} : { take: due.take + base }),
    skip: due.skip.map((s) => ({ ...s, step: s.step + base })),
    ...(due.next ? { next: { step: due.next.step + base, dueAt: due.next.dueAt } } : {}),
  };
}
