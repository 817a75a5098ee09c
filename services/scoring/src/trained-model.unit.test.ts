import { buildFeatures, EMPTY_HISTORY } from './domain/features.ts';
import { calibrated } from './domain/model-port.ts';
import { storedArtifact, toModelFeatures, trainedModelFactory } from './trained-model.ts';
import { ModelFeaturesSchema } from './model/index.ts';

const TODAY = new Date('2026-11-25T15:00:00Z');
const features = buildFeatures({ invoiceId: 'b:I', debtorId: 'D', amountCents: 50_000, dueDate: '2026-11-05', productType: 'telecom', uf: 'PE', timeZone: 'America/Recife', contacts: { mobilePhones: 1, emails: 0, landlines: 0, whatsapp: 1 } }, EMPTY_HISTORY, TODAY);

describe('the trained model behind the model port', () => {
  test("Given scoring's features, then they map to the model's inputs, which its spec accepts", () => {
    const inputs = toModelFeatures(features);
    expect(inputs).toEqual({ daysPastDue: 20, amountCents: 50_000, hasValidMobile: true, hasValidEmail: false, whatsappCapable: true, priorPaidInvoices: 0, brokenAgreements: 0, messagesEngaged90d: 0, productType: 'telecom', uf: 'PE' });
    expect(ModelFeaturesSchema.parse(inputs)).toEqual(inputs);
  });

  test('Given the committed artifact, then it predicts through the port, with reasons, and can be recalibrated', async () => {
    const stored = await storedArtifact('current');
    const model = trainedModelFactory.fromStored(stored);
    const prediction = model.predict(features);
    expect(model.version).toBe(stored.version);
    expect(prediction.score).toBe(Math.round(prediction.probability * 1000));
    expect(prediction.reasons.length).toBeGreaterThan(0);
    expect(calibrated(model, { slope: 1, intercept: -1 }, 'v').predict(features).score).toBeLessThan(prediction.score);
  });
});
