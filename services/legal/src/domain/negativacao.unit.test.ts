import { decideRegistration, eligibility, isActive, noticeSent, registered, registerNotBefore, trigger, withdrawalDeadline, withdrawalFailed, withdrawn, type BureauFileState, type CaseFacts } from './negativacao.ts';
import { LegalSettingsSchema } from './settings.ts';

const facts = (overrides: Partial<CaseFacts> = {}): CaseFacts => ({
  debts: [
    { invoiceId: 'bank:INV-2', amountCents: 20_000, dueDate: '2026-02-10', status: 'open' },
    { invoiceId: 'bank:INV-1', amountCents: 15_990, dueDate: '2026-01-05', status: 'open' },
  ],
  disputed: false,
  inAgreement: false,
  settledInCourt: false,
  hasAddress: true,
  ...overrides,
});

const requested = (): BureauFileState => {
  const e = eligibility(facts(), '2026-03-02');
  if (!e.ok) throw new Error('expected eligible');
  return { status: 'notice-requested', debts: e.debts, amountCents: e.amountCents, oldestDueDate: e.oldestDueDate, expiresOn: e.expiresOn };
};

const SENT_AT = new Date('2026-03-02T15:00:00-03:00');
const notice = { protocol: 'N-1', proofKind: 'letter' as const, proofReference: 'AR123456789BR', sentAt: SENT_AT };

describe('negativação: eligibility', () => {
  test('open debts, oldest first, with their sum and the five-year limit of the oldest', () => {
    expect(eligibility(facts(), '2026-03-02')).toEqual({
      ok: true,
      debts: [
        { invoiceId: 'bank:INV-1', amountCents: 15_990, dueDate: '2026-01-05' },
        { invoiceId: 'bank:INV-2', amountCents: 20_000, dueDate: '2026-02-10' },
      ],
      amountCents: 35_990,
      oldestDueDate: '2026-01-05',
      expiresOn: '2031-01-06',
    });
  });

  test.each([
    [{ disputed: true }, 'disputed'],
    [{ inAgreement: true }, 'in-agreement'],
    [{ settledInCourt: true }, 'settled-in-court'],
    [{ hasAddress: false }, 'no-address'],
    [{ debts: [{ invoiceId: 'x', amountCents: 1, dueDate: '2026-01-01', status: 'paid' as const }] }, 'no-open-debt'],
  ])('%j is not registrable: %s', (overrides, reason) => {
    expect(eligibility(facts(overrides), '2026-03-02')).toMatchObject({ ok: false, reason });
  });

  test('a debt five years past due (from the day after its due date) is never registered', () => {
    const old = facts({ debts: [{ invoiceId: 'old', amountCents: 9_900, dueDate: '2021-03-01', status: 'open' }] });
    expect(eligibility(old, '2026-03-01')).toMatchObject({ ok: true, expiresOn: '2026-03-02' }); // the last day before
    expect(eligibility(old, '2026-03-02')).toMatchObject({ ok: false, reason: 'five-years' });
  });

  test('in a case with an old and a recent debt, only the recent one is registrable', () => {
    const mixed = facts({ debts: [{ invoiceId: 'old', amountCents: 9_900, dueDate: '2019-01-10', status: 'open' }, { invoiceId: 'new', amountCents: 5_000, dueDate: '2026-01-10', status: 'open' }] });
    expect(eligibility(mixed, '2026-03-02')).toMatchObject({ ok: true, debts: [{ invoiceId: 'new' }], amountCents: 5_000 });
  });
});

describe('negativação: notice, wait, register', () => {
  test('the waiting period ends at the start of the day after the period, in Brasília, never below 10 days', () => {
    expect(registerNotBefore(SENT_AT, 10).toISOString()).toBe('2026-03-13T03:00:00.000Z');
    expect(registerNotBefore(SENT_AT, 15).toISOString()).toBe('2026-03-18T03:00:00.000Z');
    expect(registerNotBefore(SENT_AT, 3).toISOString()).toBe('2026-03-13T03:00:00.000Z');
  });

  test('a tenant setting below 10 days is refused, with the field path', () => {
    const parsed = LegalSettingsSchema.safeParse({ bureau: { waitDays: 5 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(['bureau.waitDays']);
    expect(LegalSettingsSchema.parse({})).toEqual({ bureau: { waitDays: 10, autoRequestOnCadenceExhausted: false }, judicial: { amicableContact: 'stop' } });
  });

  test('no registration before the notice: a file still requesting it cannot be registered', () => {
    expect(decideRegistration(requested(), facts(), new Date('2026-04-01T12:00:00Z'))).toMatchObject({ kind: 'cancel' });
  });

  test('after the notice the file waits, and registration waits for the end of the period', () => {
    const waiting = noticeSent(requested(), notice, 10);
    expect(waiting).toMatchObject({ status: 'waiting', notice: { protocol: 'N-1', proofReference: 'AR123456789BR' } });
    expect(decideRegistration(waiting, facts(), new Date('2026-03-13T02:59:59Z'))).toEqual({ kind: 'wait', until: new Date('2026-03-13T03:00:00Z') });
    expect(decideRegistration(waiting, facts(), new Date('2026-03-13T03:00:00Z'))).toEqual({ kind: 'register' });
    const done = registered(waiting, { protocol: 'R-1', registeredAt: new Date('2026-03-13T03:00:00Z') });
    expect(done).toMatchObject({ status: 'registered', registration: { protocol: 'R-1' }, debts: waiting.debts, amountCents: 35_990 });
  });

  test('a debt that changed since the notice is not registered on that notice', () => {
    const waiting = noticeSent(requested(), notice, 10);
    const changed = facts({ debts: [{ invoiceId: 'bank:INV-1', amountCents: 10_000, dueDate: '2026-01-05', status: 'open' }, { invoiceId: 'bank:INV-2', amountCents: 20_000, dueDate: '2026-02-10', status: 'open' }] });
    expect(decideRegistration(waiting, changed, new Date('2026-03-20T12:00:00Z'))).toMatchObject({ kind: 'cancel', reason: expect.stringContaining('a new notice is needed') });
  });

  test.each([
    [{ disputed: true }, 'contests'],
    [{ inAgreement: true }, 'agreement'],
    [{ debts: [] }, 'no open debt'],
  ])('at the end of the period, %j cancels the registration', (overrides, words) => {
    const waiting = noticeSent(requested(), notice, 10);
    expect(decideRegistration(waiting, facts(overrides), new Date('2026-03-20T12:00:00Z'))).toMatchObject({ kind: 'cancel', reason: expect.stringContaining(words) });
  });
});

describe('negativação: withdrawal', () => {
  const active = () => registered(noticeSent(requested(), notice, 10), { protocol: 'R-1', registeredAt: new Date('2026-03-13T03:00:00Z') });

  test('payment before registration cancels the file: nothing is registered', () => {
    const outcome = trigger(noticeSent(requested(), notice, 10), 'paid', new Date('2026-03-05T12:00:00Z'), 'payment reconciled');
    expect(outcome).toMatchObject({ kind: 'cancelled', state: { status: 'cancelled', cancelled: { reason: 'paid: payment reconciled' } } });
    expect(isActive(outcome.kind === 'cancelled' ? outcome.state : active())).toBe(false);
  });

  test('payment after registration: withdrawn within five business days of the payment', () => {
    const outcome = trigger(active(), 'paid', new Date('2026-03-20T15:00:00-03:00'), 'payment reconciled'); // a Friday
    expect(outcome).toMatchObject({ kind: 'withdraw', state: { status: 'withdrawing', withdrawal: { reason: 'paid', deadline: '2026-03-27', attempts: 0 } } });
    const done = withdrawn(outcome.kind === 'withdraw' ? outcome.state : active(), new Date('2026-03-20T18:10:00Z'));
    expect(done).toMatchObject({ status: 'withdrawn', withdrawal: { attempts: 1, withdrawnAt: new Date('2026-03-20T18:10:00Z') } });
  });

  test('a second trigger while withdrawing keeps the first deadline', () => {
    const first = trigger(active(), 'dispute', new Date('2026-03-20T12:00:00Z'), 'contested');
    expect(first.kind).toBe('withdraw');
    expect(trigger((first as { state: BureauFileState }).state, 'paid', new Date('2026-03-25T12:00:00Z'), 'paid')).toEqual({ kind: 'unchanged' });
  });

  test('five years: the deadline is the day the debt reaches it', () => {
    expect(withdrawalDeadline('five-years', new Date('2031-01-06T03:00:00Z'), '2031-01-06')).toBe('2031-01-06');
    // Five business days that would run past the limit stop at it.
    expect(withdrawalDeadline('paid', new Date('2031-01-05T12:00:00Z'), '2031-01-06')).toBe('2031-01-06');
  });

  test('a failed withdrawal retries with a growing delay and escalates once at the maximum attempts', () => {
    let state = (trigger(active(), 'paid', new Date('2026-03-20T12:00:00Z'), 'paid') as { state: BureauFileState }).state;
    const now = new Date('2026-03-20T12:00:00Z');
    const policy = { maxAttempts: 3, baseDelayMs: 60_000 };
    const seen: Array<{ retryInMs: number; escalate: boolean }> = [];
    for (let i = 0; i < 4; i++) {
      const outcome = withdrawalFailed(state, 'HTTP 503', now, policy);
      seen.push({ retryInMs: outcome.retryAt.getTime() - now.getTime(), escalate: outcome.escalate });
      state = outcome.state;
    }
    expect(seen).toEqual([
      { retryInMs: 60_000, escalate: false },
      { retryInMs: 120_000, escalate: false },
      { retryInMs: 240_000, escalate: true },
      { retryInMs: 480_000, escalate: false },
    ]);
    expect(state.withdrawal).toMatchObject({ attempts: 4, lastError: 'HTTP 503', escalatedAt: now });
  });
});
