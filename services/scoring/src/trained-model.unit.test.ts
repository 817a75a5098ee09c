import { buildFeatures, EMPTY_HISTORY } from './domain/features.ts';
import { calibrated } from './domain/model-port.ts';
import { storedArtifact, toModelFeatures, trainedModelFactory } from './trained-model.ts';
import { ModelFeaturesSchema } from './model/index.ts';

const TODAY = new Date('2026-11-25T15:00:00Z');
const facts = { invoiceId: 'b:I', debtorId: 'D', amountCents: 50_000, dueDate: '2026-11-05', productType: 'telecom', uf: 'PE', timeZone: 'America/Recife', contacts: { mobilePhones: 1, emails: 0, landlines: 0, whatsapp: 1 } } as const;
const features = buildFeatures(facts, EMPTY_HISTORY, TODAY);

describe('the trained model behind the model port', () => {
  test("Given scoring's features, then they map to the model's inputs, which its spec accepts", () => {
    const inputs = toModelFeatures(features);
    expect(inputs).toEqual({
      daysPastDue: 20,
      amountCents: 50_000,
      hasValidMobile: true,
      hasValidEmail: false,
      whatsappCapable: true,
      priorPaidInvoices: 0,
      agreementsBroken: 0,
      agreementsKept: 0,
      brokenAgreements: 0,
      messagesSent: 0,
      messagesDelivered: 0,
      messagesRead: 0,
      readRate: 0,
      daysSinceLastRead: 180,
      messagesEngaged90d: 0,
      productType: 'telecom',
      uf: 'PE',
    });
    expect(ModelFeaturesSchema.parse(inputs)).toEqual(inputs);
  });

  test('Given reads, then version 1\'s 90-day engagement counts them only while the last read is within 90 days', () => {
    const engagement = { sent: 5, delivered: 4, read: 3, failed: 1, lastReadAt: '2026-10-01T12:00:00Z', channelsRead: ['whatsapp' as const] };
    const recent = toModelFeatures(buildFeatures(facts, { ...EMPTY_HISTORY, engagement }, TODAY));
    const stale = toModelFeatures(buildFeatures(facts, { ...EMPTY_HISTORY, engagement: { ...engagement, lastReadAt: '2026-07-01T12:00:00Z' } }, TODAY));
    expect(recent).toMatchObject({ messagesSent: 5, messagesDelivered: 4, messagesRead: 3, readRate: 0.75, daysSinceLastRead: 55, messagesEngaged90d: 3 });
    expect(stale).toMatchObject({ daysSinceLastRead: 147, messagesEngaged90d: 0 });
  });

  test.each(['pd-2026.11.26-1', 'pd-2026.11.26-2'])('Given an artifact of an earlier spec (%s), then it still predicts through the port, so a rollback to it works', async (version) => {
    const previous = trainedModelFactory.fromStored(await storedArtifact(version));
    expect(previous.version).toBe(version);
    expect(previous.predict(features).score).toBeGreaterThan(0);
  });

  test('Given agreements in the history, then they map to spec 3\'s counts and to the broken count earlier specs read under its old name', async () => {
    const history = { ...EMPTY_HISTORY, agreements: { made: 4, installmentsPaid: 7, broken: 1, kept: 2, lastBrokenAt: '2026-11-20T12:00:00Z' } };
    const withAgreements = buildFeatures(facts, history, TODAY);
    expect(toModelFeatures(withAgreements)).toMatchObject({ agreementsBroken: 1, agreementsKept: 2, brokenAgreements: 1 });
    const previous = trainedModelFactory.fromStored(await storedArtifact('pd-2026.11.26-2'));
    expect(previous.predict(withAgreements).probability).toBeLessThan(previous.predict(features).probability);
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
