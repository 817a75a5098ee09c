import { addDays, businessDaysAfter, fiveYearLimit, localDate, startOfLocalDay } from './calendar.ts';
import { MINIMUM_WAIT_DAYS } from './settings.ts';

/**
 * Credit-bureau registration of a case's debt as a state machine, pure: time comes in, nothing is read. The law's
 * order is the only path through it —
 *
 *   notice-requested ─(bureau sent the notice, proof returned)─▶ waiting ─(period over, debt unchanged)─▶ registered
 *         │                                                        │                                        │
 *         └──────────── cancelled (paid, agreement, dispute, …) ◀──┘               withdrawing ◀─ payment, agreement,
 *                                                                                       │        dispute, five years
 *                                                                                       ▼
 *                                                                                   withdrawn
 */

export interface BureauDebt {
  invoiceId: string;
  amountCents: number;
  dueDate: string;
}

/** What the service knows of a case's debts, from other services' events. */
export interface CaseFacts {
  debts: Array<BureauDebt & { status: 'open' | 'paid' | 'cancelled' | 'renegotiated' }>;
  disputed: boolean;
  inAgreement: boolean;
  settledInCourt: boolean;
  /** The written notice needs a postal address. */
  hasAddress: boolean;
}

export type Ineligible = 'no-open-debt' | 'disputed' | 'in-agreement' | 'settled-in-court' | 'five-years' | 'no-address';

export interface Registrable {
  debts: BureauDebt[];
  amountCents: number;
  oldestDueDate: string;
  /** When the oldest debt reaches five years: the registration must be gone by then. */
  expiresOn: string;
}

export type Eligibility = ({ ok: true } & Registrable) | { ok: false; reason: Ineligible; detail: string };

/**
 * The debts that may be registered on `today`: open, not contested, not renegotiated, and less than five years past
 * due (counted from the day after the due date). A debt that reached five years is left out; if none is left, nothing
 * is registered.
 */
export function eligibility(facts: CaseFacts, today: string): Eligibility {
  if (facts.settledInCourt) return { ok: false, reason: 'settled-in-court', detail: 'the case was settled in court' };
  if (facts.disputed) return { ok: false, reason: 'disputed', detail: 'the debtor contests the debt: nothing is registered until the dispute is decided' };
  if (facts.inAgreement) return { ok: false, reason: 'in-agreement', detail: 'the debt is in an active agreement' };
  const open = facts.debts.filter((d) => d.status === 'open');
  if (open.length === 0) return { ok: false, reason: 'no-open-debt', detail: 'no open debt in the case' };
  const timely = open.filter((d) => today < fiveYearLimit(d.dueDate)).sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId));
  if (timely.length === 0) return { ok: false, reason: 'five-years', detail: 'every open debt is five years or more past due (CDC art. 43 §1): it may not be registered' };
  if (!facts.hasAddress) return { ok: false, reason: 'no-address', detail: "the debtor's postal address is unknown: the written notice cannot be sent" };
  const debts = timely.map(({ invoiceId, amountCents, dueDate }) => ({ invoiceId, amountCents, dueDate }));
  const oldestDueDate = debts[0]!.dueDate;
  return { ok: true, debts, amountCents: debts.reduce((sum, d) => sum + d.amountCents, 0), oldestDueDate, expiresOn: fiveYearLimit(oldestDueDate) };
}

export type WithdrawalReason = 'paid' | 'agreement' | 'dispute' | 'court-agreement' | 'five-years' | 'cancelled';

export interface BureauFileState {
  status: 'notice-requested' | 'waiting' | 'registered' | 'withdrawing' | 'withdrawn' | 'cancelled';
  debts: BureauDebt[];
  amountCents: number;
  oldestDueDate: string;
  expiresOn: string;
  notice?: { protocol: string; proofKind: 'letter' | 'email' | 'sms'; proofReference: string; sentAt: Date; registerNotBefore: Date };
  registration?: { protocol: string; registeredAt: Date };
  withdrawal?: { reason: WithdrawalReason; triggeredAt: Date; deadline: string; attempts: number; lastError?: string; escalatedAt?: Date; withdrawnAt?: Date };
  cancelled?: { reason: string; at: Date };
}

/** Still at work: a new request for the case waits until this one is over. */
export function isActive(state: Pick<BureauFileState, 'status'>): boolean {
  return state.status !== 'withdrawn' && state.status !== 'cancelled';
}

/**
 * The end of the waiting period: the start of the day after `waitDays` full days from the notice's day (in
 * Brasília), so a notice sent on day D at any hour allows registration from day D + waitDays + 1. Never shorter than
 * the legal floor, whatever the setting says.
 */
export function registerNotBefore(sentAt: Date, waitDays: number): Date {
  return startOfLocalDay(addDays(localDate(sentAt), Math.max(waitDays, MINIMUM_WAIT_DAYS) + 1));
}

/** The notice went out: the file waits for its period. */
export function noticeSent(state: BureauFileState, notice: { protocol: string; proofKind: 'letter' | 'email' | 'sms'; proofReference: string; sentAt: Date }, waitDays: number): BureauFileState {
  if (state.status !== 'notice-requested') return state;
  return { ...state, status: 'waiting', notice: { ...notice, registerNotBefore: registerNotBefore(notice.sentAt, waitDays) } };
}

export type RegistrationDecision = { kind: 'wait'; until: Date } | { kind: 'register' } | { kind: 'cancel'; reason: string };

const sameDebts = (a: readonly BureauDebt[], b: readonly BureauDebt[]) =>
  a.length === b.length && a.every((debt, i) => debt.invoiceId === b[i]!.invoiceId && debt.amountCents === b[i]!.amountCents && debt.dueDate === b[i]!.dueDate);

/**
 * Whether a waiting file may be registered now: only after the period, only if the debt may still be registered, and
 * only with exactly the debts, amounts and due dates the notice stated (a notice for another amount is no notice of
 * this one: the file is cancelled and a new request starts over with a new notice).
 */
export function decideRegistration(state: BureauFileState, facts: CaseFacts, now: Date): RegistrationDecision {
  if (state.status !== 'waiting' || !state.notice) return { kind: 'cancel', reason: `not waiting for registration (${state.status})` };
  if (now.getTime() < state.notice.registerNotBefore.getTime()) return { kind: 'wait', until: state.notice.registerNotBefore };
  const current = eligibility(facts, localDate(now));
  if (!current.ok) return { kind: 'cancel', reason: current.detail };
  if (!sameDebts(current.debts, state.debts)) return { kind: 'cancel', reason: 'the debt changed since the notice (amounts, due dates or invoices): a new notice is needed' };
  return { kind: 'register' };
}

export function registered(state: BureauFileState, registration: { protocol: string; registeredAt: Date }): BureauFileState {
  if (state.status !== 'waiting') return state;
  return { ...state, status: 'registered', registration };
}

/** The last day a withdrawal for `reason`, triggered at `at`, may happen. */
export function withdrawalDeadline(reason: WithdrawalReason, at: Date, expiresOn: string): string {
  // Five years: gone on the day the debt reaches it. Anything else: five business days (Súmula 548).
  const deadline = reason === 'five-years' ? expiresOn : businessDaysAfter(localDate(at), 5);
  return deadline < expiresOn ? deadline : expiresOn;
}

export type TriggerOutcome = { kind: 'unchanged' } | { kind: 'cancelled'; state: BureauFileState } | { kind: 'withdraw'; state: BureauFileState };

/**
 * Something that ends the registration's grounds happened: before registration the file is cancelled (nothing is
 * registered); once registered, it is to be withdrawn by the deadline. A second trigger keeps the first's deadline,
 * the earlier obligation.
 */
export function trigger(state: BureauFileState, reason: WithdrawalReason, at: Date, detail: string): TriggerOutcome {
  switch (state.status) {
    case 'notice-requested':
    case 'waiting':
      return { kind: 'cancelled', state: { ...state, status: 'cancelled', cancelled: { reason: `${reason}: ${detail}`, at } } };
    case 'registered':
      return { kind: 'withdraw', state: { ...state, status: 'withdrawing', withdrawal: { reason, triggeredAt: at, deadline: withdrawalDeadline(reason, at, state.expiresOn), attempts: 0 } } };
    default:
      return { kind: 'unchanged' };
  }
}

export function withdrawn(state: BureauFileState, at: Date): BureauFileState {
  if (state.status !== 'withdrawing' || !state.withdrawal) return state;
  return { ...state, status: 'withdrawn', withdrawal: { ...state.withdrawal, attempts: state.withdrawal.attempts + 1, withdrawnAt: at } };
}

export type FailureOutcome = { state: BureauFileState; retryAt: Date; escalate: boolean };

/**
 * A withdrawal attempt failed: try again after a delay that doubles (capped at an hour), and escalate to the work
 * queue once, when the attempts reach `maxAttempts`; it keeps being retried after that, since the duty remains.
 */
export function withdrawalFailed(state: BureauFileState, error: string, now: Date, policy: { maxAttempts: number; baseDelayMs: number }): FailureOutcome {
  const previous = state.withdrawal!;
  const attempts = previous.attempts + 1;
  const escalate = attempts >= policy.maxAttempts && !previous.escalatedAt;
  const delay = Math.min(policy.baseDelayMs * 2 ** (attempts - 1), 3_600_000);
  return {
    state: { ...state, withdrawal: { ...previous, attempts, lastError: error, ...(escalate ? { escalatedAt: now } : {}) } },
    retryAt: new Date(now.getTime() + delay),
    escalate,
  };
}
