import { buildFeatures, EMPTY_HISTORY, type InvoiceFacts } from './features.ts';
import { calibrated, rulesModel } from './model-port.ts';
import { scoreDebtor } from './score.ts';

const TODAY = new Date('2026-11-15T15:00:00Z');
const facts: InvoiceFacts = { invoiceId: 'b:I', debtorId: 'D', amountCents: 123_456, dueDate: '2026-11-05', productType: 'credit_card', uf: 'SP', timeZone: 'America/Sao_Paulo', contacts: { mobilePhones: 1, emails: 1, landlines: 0 } };

describe('the rules model (the fallback behind the model port)', () => {
  test('Given a first invoice, then it scores as the rules score did, with its strongest reasons in words', () => {
    const prediction = rulesModel.predict(buildFeatures(facts, EMPTY_HISTORY, TODAY));
    const before = scoreDebtor({ invoiceId: 'b:I', debtorId: 'D', debtorName: 'x', amountCents: 123_456, dueDate: '2026-11-05', status: 'open', productType: 'credit_card', creditorName: 'c', contacts: { emails: ['e'], mobilePhones: ['m'], landlines: [] }, uf: 'SP', timeZone: 'America/Sao_Paulo' }, TODAY);
    expect(prediction.score).toBe(before.score);
    expect(prediction.probability).toBeCloseTo(before.score / 1000);
    expect(prediction.reasons.map((r) => r.feature)).toEqual(['amount', 'reachable', 'delay']);
    expect(prediction.reasons[0]!.text).toMatch(/^Valor em aberto de R\$\s1\.234,56 reduz a chance de pagamento$/);
    expect(prediction.reasons[2]!.text).toBe('10 dias em atraso reduz a chance de pagamento');
  });

  test('Given past payments, then the score rises and the reason says so', () => {
    const history = { ...EMPTY_HISTORY, invoiceIds: ['b:OLD'], closedInvoiceIds: ['b:OLD'], payments: [{ paymentId: 'P', invoiceId: 'b:OLD', amountCents: 1000, paidAt: '2026-11-01T00:00:00Z', settled: true }] };
    const first = rulesModel.predict(buildFeatures(facts, EMPTY_HISTORY, TODAY));
    const again = rulesModel.predict(buildFeatures(facts, history, TODAY));
    expect(again.score - first.score).toBe(30);
    expect(again.reasons.map((r) => r.text)).toContain('Já fez 1 pagamento(s) a este credor');
  });

  test('Given a broken agreement, then the score falls and the reason says so in the singular', () => {
    const history = { ...EMPTY_HISTORY, agreements: { ...EMPTY_HISTORY.agreements, made: 1, broken: 1 } };
    const broken = rulesModel.predict(buildFeatures(facts, history, TODAY));
    expect(broken.score).toBe(rulesModel.predict(buildFeatures(facts, EMPTY_HISTORY, TODAY)).score - 60);
    expect(broken.reasons).toContainEqual({ feature: 'agreementsBroken', effect: -60, text: 'Quebrou 1 acordo anterior' });
  });

  test('Given other open invoices, then the score falls', () => {
    const history = { ...EMPTY_HISTORY, invoiceIds: ['b:X', 'b:Y'] };
    expect(rulesModel.predict(buildFeatures(facts, history, TODAY)).score).toBe(rulesModel.predict(buildFeatures(facts, EMPTY_HISTORY, TODAY)).score - 40);
  });
});

describe('calibrated', () => {
  test('Given the identity calibration, then predictions are unchanged; a negative intercept lowers them, reasons kept', () => {
    const features = buildFeatures(facts, EMPTY_HISTORY, TODAY);
    const base = rulesModel.predict(features);
    expect(calibrated(rulesModel, { slope: 1, intercept: 0 }, 'v').predict(features).score).toBe(base.score);
    const lowered = calibrated(rulesModel, { slope: 1, intercept: -1 }, 'v2');
    expect(lowered.version).toBe('v2');
    expect(lowered.predict(features).score).toBeLessThan(base.score);
    expect(lowered.predict(features).reasons).toEqual(base.reasons);
  });
});
