import { AGREEMENT_STEPS, agreementDueSteps, agreementSteps, anchorOf, COLLECTION_STEPS, dueSteps, generationDueSteps, routeStep, type AgreementInstallment, type CaseInvoice, type PlanCadence } from './plan.ts';

const step = (id: string, offsetDays: number, channels: PlanCadence['steps'][number]['channels'], fallback: PlanCadence['steps'][number]['fallback'] = []) => ({ id, offsetDays, channels, fallback, template: 't', conditions: {} });
const STANDARD: PlanCadence = { id: 'standard', escalateWhenExhausted: true, steps: [step('d-5', -5, ['email']), step('d-1', -1, ['whatsapp']), step('d1', 1, ['sms']), step('d3', 3, ['whatsapp'], ['sms']), step('d7', 7, ['email', 'whatsapp'])] };
const at = (iso: string) => new Date(iso);

describe('dueSteps: a cadence relative to the due date', () => {
  test('Given an invoice arriving three days before its due date, then D−5 is skipped as past, D−1 is planned for its day', () => {
    const due = dueSteps(STANDARD, '2026-11-20', at('2026-11-17T12:00:00Z'), at('2026-11-17T12:00:00Z'), new Set());
    expect(due.take).toBeUndefined();
    expect(due.skip).toEqual([{ step: 0, reason: "pre-due step: the invoice arrived after this step's day" }]);
    expect(due.next).toEqual({ step: 1, dueAt: at('2026-11-19T03:00:00Z') });
  });

  test('Given an invoice arriving at D+4, then the pre-due steps are skipped as overdue, D+1 is caught up by D+3, which goes out, and D+7 is next', () => {
    const due = dueSteps(STANDARD, '2026-11-20', at('2026-11-24T13:00:00Z'), at('2026-11-24T13:00:00Z'), new Set());
    expect(due.take).toBe(3);
    expect(due.skip.map((s) => s.step)).toEqual([0, 1, 2]);
    expect(due.skip[2]!.reason).toMatch(/caught up/);
    expect(due.next).toEqual({ step: 4, dueAt: at('2026-11-27T03:00:00Z') });
  });

  test('Given the same moment again with D+3 settled, then nothing is due and D+7 is next: a step is never taken twice', () => {
    const due = dueSteps(STANDARD, '2026-11-20', at('2026-11-24T13:00:00Z'), at('2026-11-24T13:00:00Z'), new Set([0, 1, 2, 3]));
    expect(due).toEqual({ skip: [], next: { step: 4, dueAt: at('2026-11-27T03:00:00Z') } });
  });
});

describe('anchorOf: the most overdue open invoice sets the case\'s cadence', () => {
  const invoice = (invoiceId: string, dueDate: string, status: CaseInvoice['status'] = 'open'): CaseInvoice => ({ invoiceId, amountCents: 100, dueDate, status, segment: 's', strategy: invoiceId, joinedAt: at('2026-11-01T00:00:00Z') });

  test('Given three invoices, one paid, then the open one due first anchors the case', () => {
    expect(anchorOf([invoice('b', '2026-10-05'), invoice('a', '2026-09-01', 'paid'), invoice('c', '2026-10-01')])?.invoiceId).toBe('c');
  });
});

describe('routeStep: channels and fallbacks', () => {
  const reach = { emails: ['m@example.com'], mobilePhones: ['+5511987654321'], landlines: [] };

  test('Given a WhatsApp step whose channel the debtor opted out of, then its fallback SMS stands in for it', () => {
    const { routes, missed } = routeStep({ channels: ['whatsapp'], fallback: ['sms'] }, reach, (c) => (c === 'whatsapp' ? 'opted out' : undefined));
    expect(routes).toEqual([{ channel: 'sms', address: '+5511987654321', fallbackFor: 'whatsapp' }]);
    expect(missed).toEqual([{ channel: 'whatsapp', reason: 'opted out' }]);
  });

  test('Given a debtor with only a landline, then a voice step calls it and an SMS step has no route', () => {
    const landline = { emails: [], mobilePhones: [], landlines: ['+551134567890'] };
    expect(routeStep({ channels: ['voice'], fallback: [] }, landline, () => undefined).routes).toEqual([{ channel: 'voice', address: '+551134567890' }]);
    expect(routeStep({ channels: ['sms'], fallback: [] }, landline, () => undefined).routes).toEqual([]);
  });
});

describe('agreement reminders', () => {
  const INSTALLMENTS: PlanCadence = { id: 'installments', escalateWhenExhausted: false, steps: [step('d-2', -2, ['whatsapp'], ['sms']), step('d-1', -1, ['email'])] };
  const installments: AgreementInstallment[] = [
    { number: 1, dueDate: '2026-12-10', amountCents: 55_663, paid: false },
    { number: 2, dueDate: '2027-01-10', amountCents: 55_663, paid: false },
  ];

  test('Given the second agreement of a case, then its reminders get step numbers of their own, two per installment, in time order', () => {
    const steps = agreementSteps(INSTALLMENTS, installments, 2);
    expect(steps.map((s) => s.index)).toEqual([2 * AGREEMENT_STEPS + 100, 2 * AGREEMENT_STEPS + 101, 2 * AGREEMENT_STEPS + 200, 2 * AGREEMENT_STEPS + 201]);
    expect(steps[0]!.dueAt).toEqual(at('2026-12-08T03:00:00Z'));
  });

  test('Given the day before the first installment, then its D−1 reminder is due and its D−2 one is caught up by it', () => {
    const steps = agreementSteps(INSTALLMENTS, installments, 1);
    const due = agreementDueSteps(steps, at('2026-12-09T13:00:00Z'), new Set());
    expect(due.take).toBe(AGREEMENT_STEPS + 101);
    expect(due.skip.map((s) => s.step)).toEqual([AGREEMENT_STEPS + 100]);
    expect(due.next?.step).toBe(AGREEMENT_STEPS + 200);
  });

  test('Given the first installment paid, then its reminders are skipped as paid, and the second installment\'s come next', () => {
    const steps = agreementSteps(INSTALLMENTS, [{ ...installments[0]!, paid: true }, installments[1]!], 1);
    const due = agreementDueSteps(steps, at('2026-12-09T13:00:00Z'), new Set());
    expect(due.take).toBeUndefined();
    expect(due.skip).toEqual([
      { step: AGREEMENT_STEPS + 100, reason: 'installment 1 paid' },
      { step: AGREEMENT_STEPS + 101, reason: 'installment 1 paid' },
    ]);
  });

  test('Given an installment past its due date and unpaid, then its reminders are skipped (breaking the agreement is not a reminder\'s job)', () => {
    const steps = agreementSteps(INSTALLMENTS, installments, 1);
    const due = agreementDueSteps(steps, at('2026-12-12T13:00:00Z'), new Set());
    expect(due.skip.map((s) => s.reason)).toEqual(["installment 1's due date has passed", "installment 1's due date has passed"]);
    expect(due.next?.step).toBe(AGREEMENT_STEPS + 200);
  });
});

describe('a moved case: a new generation of step numbers', () => {
  test('Given generation 2, then its steps are numbered from 2,000, and steps of earlier generations do not count as settled', () => {
    const due = generationDueSteps(STANDARD, '2026-11-20', at('2026-11-24T13:00:00Z'), at('2026-11-24T13:00:00Z'), new Set([3, 1003]), 2);
    expect(due.take).toBe(2 * COLLECTION_STEPS + 3);
    expect(due.skip.map((s) => s.step)).toEqual([2000, 2001, 2002]);
    expect(due.next?.step).toBe(2004);
  });
});
