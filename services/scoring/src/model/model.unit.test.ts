import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, ValidationError } from '@regua/errors';
import { ARTIFACTS_DIR, loadModel } from './load.ts';
import { modelFromJson, modelToJson, predict, type Model } from './model.ts';
import { specHash } from './encode.ts';
import { scoringModel } from './adapter.ts';
import type { ModelFeatures } from './spec.ts';

const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8'));

let model: Model;
beforeAll(async () => {
  model = await loadModel('current');
});

const logit = (p: number) => Math.log(p / (1 - p));

const late: ModelFeatures = {
  daysPastDue: 365,
  amountCents: 850_000,
  hasValidMobile: false,
  hasValidEmail: true,
  whatsappCapable: false,
  priorPaidInvoices: 0,
  agreementsBroken: 2,
  agreementsKept: 0,
  messagesSent: 6,
  messagesDelivered: 5,
  messagesRead: 0,
  readRate: 0,
  daysSinceLastRead: 180,
  productType: 'loan',
  uf: 'PA',
};

describe('predict', () => {
  test('Given the fixtures scikit-learn scored when the model was trained, then the TypeScript probabilities match within 1e-6', async () => {
    const { cases } = (await readJson(join(ARTIFACTS_DIR, model.version, 'fixtures.json'))) as { cases: Array<{ features: ModelFeatures; probability: number }> };
    expect(cases.length).toBeGreaterThanOrEqual(16);
    for (const c of cases) {
      expect(Math.abs(predict(model, c.features).probability - c.probability)).toBeLessThan(1e-6);
    }
  });

  test('Given any features, then the calibrated intercept plus every input effect is the logit, so the reasons explain the whole score', () => {
    const p = predict(model, late, { topReasons: 100 });
    const { intercept, calibration } = model.artifact;
    const sum = p.reasons.reduce((s, r) => s + r.effect, calibration.slope * intercept + calibration.intercept);
    expect(p.reasons).toHaveLength(model.spec.features.length);
    expect(sum).toBeCloseTo(logit(p.probability), 9);
  });

  test('Given a year-late loan with broken agreements, then the score is low and the top reasons say why in Portuguese, strongest first', () => {
    const p = predict(model, late);
    expect(p.score).toBe(Math.round(1000 * p.probability));
    expect(p.score).toBeLessThan(150);
    expect(p.modelVersion).toBe(model.version);
    expect(p.reasons).toHaveLength(3);
    const sizes = p.reasons.map((r) => Math.abs(r.effect));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(p.reasons[0]).toEqual({ feature: 'daysPastDue', effect: expect.any(Number), text: '365 dias de atraso: reduz a chance de pagamento' });
    expect(p.reasons.map((r) => r.feature)).toContain('agreementsBroken');
  });

  test('Given a recent, reachable debtor who paid before, then the score is high and the reasons are positive', () => {
    const p = predict(model, { ...late, daysPastDue: 3, amountCents: 15_000, hasValidMobile: true, whatsappCapable: true, priorPaidInvoices: 6, agreementsBroken: 0, agreementsKept: 1, messagesSent: 4, messagesDelivered: 4, messagesRead: 4, readRate: 1, daysSinceLastRead: 2, productType: 'utility', uf: 'SP' });
    expect(p.score).toBeGreaterThan(850);
    expect(p.reasons.every((r) => r.effect > 0 && r.text.includes('aumenta'))).toBe(true);
  });

  test('Given no address, then the region reason says it is unknown rather than guessing one', () => {
    const p = predict(model, { ...late, uf: null }, { topReasons: 100 });
    expect(p.reasons.find((r) => r.feature === 'uf')?.text).toMatch(/^Região desconhecida: /);
  });

  test('Given the amount, then the reason shows it in reais', () => {
    const p = predict(model, late, { topReasons: 100 });
    expect(p.reasons.find((r) => r.feature === 'amountCents')?.text).toBe('Valor em aberto de R$\u00a08.500,00: reduz a chance de pagamento');
  });

  test('Given a count of one, then the reason reads in the singular', () => {
    const p = predict(model, { ...late, agreementsBroken: 1, agreementsKept: 1 }, { topReasons: 100 });
    expect(p.reasons.find((r) => r.feature === 'agreementsBroken')?.text).toBe('Quebrou 1 acordo anterior: reduz a chance de pagamento');
    expect(p.reasons.find((r) => r.feature === 'agreementsKept')?.text).toBe('Cumpriu 1 acordo: aumenta a chance de pagamento');
  });

  test('Given agreements kept and broken, then each kept one raises the score, each broken one lowers it, and the reasons say so in Portuguese', () => {
    const none = predict(model, { ...late, agreementsBroken: 0, agreementsKept: 0 }, { topReasons: 100 });
    const kept = predict(model, { ...late, agreementsBroken: 0, agreementsKept: 2 }, { topReasons: 100 });
    const broken = predict(model, { ...late, agreementsBroken: 1, agreementsKept: 0 }, { topReasons: 100 });
    const text = (p: typeof none, feature: string) => p.reasons.find((r) => r.feature === feature)?.text;
    expect(kept.probability).toBeGreaterThan(none.probability);
    expect(broken.probability).toBeLessThan(none.probability);
    expect(text(kept, 'agreementsKept')).toBe('Cumpriu 2 acordos: aumenta a chance de pagamento');
    expect(text(broken, 'agreementsBroken')).toBe('Quebrou 1 acordo anterior: reduz a chance de pagamento');
    expect(text(predict(model, { ...late, agreementsBroken: 3 }, { topReasons: 100 }), 'agreementsBroken')).toBe('Quebrou 3 acordos anteriores: reduz a chance de pagamento');
    // With none of either: relative to the average debtor, no broken agreement helps and no kept one does not.
    expect(text(none, 'agreementsBroken')).toBe('Nenhum acordo anterior quebrado: aumenta a chance de pagamento');
    expect(text(none, 'agreementsKept')).toBe('Nenhum acordo cumprido: reduz a chance de pagamento');
  });

  test('Given a debtor who reads the messages, then the score is higher and the reasons quote what was read and when', () => {
    const reader = predict(model, { ...late, messagesRead: 3, messagesDelivered: 4, readRate: 0.75, daysSinceLastRead: 3 }, { topReasons: 100 });
    const text = (feature: string) => reader.reasons.find((r) => r.feature === feature)?.text;
    expect(reader.score).toBeGreaterThan(predict(model, late).score);
    expect(text('readRate')).toBe('Leu 3 de 4 mensagens entregues: aumenta a chance de pagamento');
    expect(text('daysSinceLastRead')).toBe('Última mensagem lida há 3 dias: aumenta a chance de pagamento');
    expect(text('messagesSent')).toBe('6 mensagens enviadas: reduz a chance de pagamento');
  });

  test('Given a debtor never messaged, then the engagement reasons say nothing was sent or read, not "0 of 0"', () => {
    const p = predict(model, { ...late, messagesSent: 0, messagesDelivered: 0, messagesRead: 0, readRate: 0, daysSinceLastRead: 180 }, { topReasons: 100 });
    const text = (feature: string) => p.reasons.find((r) => r.feature === feature)?.text;
    expect(text('messagesSent')).toMatch(/^Nenhuma mensagem enviada: /);
    expect(text('readRate')).toMatch(/^Nenhuma mensagem entregue foi lida: reduz/);
    expect(text('daysSinceLastRead')).toMatch(/^Nenhuma mensagem lida nos últimos 180 dias: reduz/);
  });

  test('Given a non-finite number, then it is a validation error, not a NaN score', () => {
    expect(() => predict(model, { ...late, daysPastDue: Number.NaN })).toThrow(ValidationError);
  });
});

describe('modelToJson / modelFromJson', () => {
  test('Given a model stored as JSON (as in Mongo) and loaded back, then it predicts the same', () => {
    const back = modelFromJson(JSON.parse(JSON.stringify(modelToJson(model))));
    expect(back.version).toBe(model.version);
    expect(predict(back, late)).toEqual(predict(model, late));
  });

  test('Given an artifact whose spec was edited after training, then it is rejected', () => {
    const json = modelToJson(model) as { spec: { features: Array<{ clip?: number[] }> } };
    json.spec.features[0]!.clip = [0, 30];
    expect(() => modelFromJson(json)).toThrow(/does not match its hash/);
  });

  test('Given an artifact with a coefficient missing, then it is rejected', () => {
    const json = modelToJson(model);
    json.coefficients.pop();
    expect(() => modelFromJson(json)).toThrow(ValidationError);
  });

  test('Given an artifact with a calibration, then it moves the logit by it and the reasons still add up to the logit', () => {
    const json = { ...modelToJson(model), version: 'pd-2026.12.01-1', calibration: { slope: 0.8, intercept: -0.5 } };
    const cal = modelFromJson(json);
    const p = predict(cal, late, { topReasons: 100 });
    expect(logit(p.probability)).toBeCloseTo(0.8 * logit(predict(model, late).probability) - 0.5, 9);
    expect(p.reasons.reduce((s, r) => s + r.effect, 0.8 * model.artifact.intercept - 0.5)).toBeCloseTo(logit(p.probability), 9);
  });
});

describe('scoringModel', () => {
  test("Given the service's own feature type and a mapping, then it predicts as the model does under the model's version", () => {
    const adapted = scoringModel(model, (f: { days: number }) => ({ ...late, daysPastDue: f.days }));
    expect(adapted.version).toBe(model.version);
    expect(adapted.predict({ days: 10 })).toEqual(predict(model, { ...late, daysPastDue: 10 }));
  });
});

describe('loadModel', () => {
  test('Given a version id or the path of its model.json, then both load the same model', async () => {
    const byPath = await loadModel(join(ARTIFACTS_DIR, model.version, 'model.json'));
    expect((await loadModel(model.version)).artifact).toEqual(model.artifact);
    expect(byPath.artifact).toEqual(model.artifact);
  });

  test('Given a version that was never trained, then it is not found', async () => {
    await expect(loadModel('pd-1999.01.01-1')).rejects.toThrow(NotFoundError);
  });

  test('Given the feature spec in services/scoring/model, then the current model was trained with exactly it (retrain after changing it)', async () => {
    const spec = await readJson(join(ARTIFACTS_DIR, '..', 'feature-spec.json'));
    expect(specHash(spec)).toBe(model.artifact.specHash);
  });
});
