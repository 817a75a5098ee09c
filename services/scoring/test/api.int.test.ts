// The rules API (a creditor's key, its own rules only) and the model's recalibration and rollback.
import { uniqueName } from '@regua/testing';
import { buildFeatures, EMPTY_HISTORY } from '../src/domain/features.ts';
import { rulesModel } from '../src/domain/model-port.ts';
import { createLabelStore, labelMonthOf, type LabelDoc } from '../src/store/labels.ts';
import type { ScoringService } from '../src/service.ts';
import { startTestScoring } from './support.ts';

const NOW = new Date('2026-11-25T13:00:00Z');
const DAY = 86_400_000;

describe('scoring APIs', () => {
  const [bankA, bankB] = [uniqueName('bank_a'), uniqueName('bank_b')];
  const [keyA, keyB, adminKey] = [`key-a-${uniqueName('k')}`, `key-b-${uniqueName('k')}`, `admin-${uniqueName('k')}`];
  let service: ScoringService;

  beforeAll(async () => {
    ({ service } = await startTestScoring({ now: () => NOW }, { SCORING_API_KEYS: `${bankA}:${keyA},${bankB}:${keyB}`, SCORING_ADMIN_KEYS: `ops:${adminKey}`, SCORING_RECALIBRATION_MIN_LABELS: '100' }));
  });

  afterAll(async () => {
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  const call = (method: string, path: string, key: string | undefined, body?: unknown) =>
    fetch(`http://127.0.0.1:${service.port}${path}`, { method, headers: { ...(key ? { 'x-api-key': key } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  const validRules = (strategy: string) => ({ rules: [{ name: 'unreachable', when: { contactability: ['none'] }, segment: 'high_risk', strategy }], fallback: { segment: 'medium_risk', strategy: 'standard' } });

  describe('/v1/scoring-rules', () => {
    test('without a key, with a wrong one, or with an operator key, it answers 401', async () => {
      for (const key of [undefined, 'not-a-key-of-anyone', adminKey]) {
        expect((await call('GET', '/v1/scoring-rules', key)).status).toBe(401);
        expect((await call('PUT', '/v1/scoring-rules', key, validRules('letter'))).status).toBe(401);
      }
    });

    test('a tenant without rules reads the default set, version 0', async () => {
      const response = await call('GET', '/v1/scoring-rules', keyA);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ tenant: bankA, version: 0, isDefault: true, rules: { fallback: { segment: 'high_risk' } } });
    });

    test('invalid rules answer 400 with the path of every bad field, and change nothing', async () => {
      const response = await call('PUT', '/v1/scoring-rules', keyA, { rules: [{ name: 'x', when: { band: ['Z'], daysPastDue: { min: 9, max: 1 } }, segment: 'vip', strategy: 'Not Valid' }], fallback: { segment: 'low_risk' } });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; details: Array<{ path: string }> } };
      expect(body.error.code).toBe('validation');
      expect(body.error.details.map((d) => d.path).sort()).toEqual(['fallback.strategy', 'rules[0].segment', 'rules[0].strategy', 'rules[0].when.daysPastDue'].sort());
      expect((await call('PUT', '/v1/scoring-rules', keyA, '{not json')).status).toBe(400);
      expect(((await (await call('GET', '/v1/scoring-rules', keyA)).json()) as { version: number }).version).toBe(0);
    });

    test('replacing keeps the versions before; another tenant never sees them', async () => {
      const first = await call('PUT', '/v1/scoring-rules', keyA, validRules('letter'));
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ version: 1, isDefault: false, rules: { rules: [{ strategy: 'letter' }], bands: [{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'D' }] } });
      const second = (await (await call('PUT', '/v1/scoring-rules', keyA, validRules('bureau'))).json()) as { version: number; previousVersions: Array<{ version: number }> };
      expect(second).toMatchObject({ version: 2, previousVersions: [{ version: 1 }] });
      expect(await (await call('GET', '/v1/scoring-rules/versions/1', keyA)).json()).toMatchObject({ version: 1, rules: { rules: [{ strategy: 'letter' }] } });
      expect(await (await call('GET', '/v1/scoring-rules', keyA)).json()).toMatchObject({ version: 2, rules: { rules: [{ strategy: 'bureau' }] } });
      expect(await (await call('GET', '/v1/scoring-rules', keyB)).json()).toMatchObject({ tenant: bankB, version: 0, isDefault: true });
      expect((await call('GET', '/v1/scoring-rules/versions/1', keyB)).status).toBe(404);
    });
  });

  describe('recalibration and rollback', () => {
    /** Labels whose outcomes say the rules score is too optimistic: debtors pay far less often than it predicts. */
    async function seedLabels(count: number) {
      const month = labelMonthOf(new Date(NOW.getTime() - 40 * DAY));
      const labels: LabelDoc[] = Array.from({ length: count }, (_, i) => {
        const features = buildFeatures({ invoiceId: `l:${i}`, debtorId: `D${i}`, amountCents: 5_000 + (i % 50) * 20_000, dueDate: '2026-09-01', productType: i % 2 ? 'telecom' : 'loan', uf: 'SP', timeZone: 'America/Sao_Paulo', contacts: { mobilePhones: i % 3 ? 1 : 0, emails: 1, landlines: 0 } }, EMPTY_HISTORY, new Date('2026-10-10T12:00:00Z'));
        const scoredAt = new Date(NOW.getTime() - 40 * DAY);
        // Every fourth debtor paid, the likelier ones more often.
        const paid = i % 4 === 0 || (features.contactability === 'mobile' && i % 7 === 0);
        return { _id: `l:${i}`, tenant: bankA, features, modelVersion: rulesModel.version, probability: rulesModel.predict(features).probability, scoredAt, ...(paid ? { paidAt: new Date(scoredAt.getTime() + 5 * DAY) } : {}) };
      });
      await createLabelStore(service.context.db).insertAll(month, labels);
    }

    test('the model API answers only operator keys', async () => {
      expect((await call('GET', '/v1/model', keyA)).status).toBe(401);
      expect((await call('PUT', '/v1/model/active', keyA, { version: 'rules-2026.11' })).status).toBe(401);
      expect(await (await call('GET', '/v1/model', adminKey)).json()).toMatchObject({ version: 'rules-2026.11', previous: null });
    });

    test('with too few labels nothing changes; with enough, a new version is stored and active, the previous kept, and a rollback returns to it', async () => {
      // Given too few labels
      await seedLabels(50);
      expect(await service.recalibration.runOnce()).toMatchObject({ outcome: 'skipped' });

      // When there are enough
      await seedLabels(400);
      const outcome = await service.recalibration.runOnce();

      // Then a new version, derived from the rules model, is stored and active, and it predicts lower
      expect(outcome).toMatchObject({ outcome: 'created' });
      const version = (outcome as { version: string }).version;
      expect(version).toMatch(/^rules-2026\.11\+cal\.20261125130000$/);
      const model = (await (await call('GET', '/v1/model', adminKey)).json()) as { version: string; previous: string; model: { parent: string; calibration: { intercept: number }; training: { labels: number; logLossAfter: number; logLossBefore: number } } };
      expect(model).toMatchObject({ version, previous: 'rules-2026.11', model: { parent: 'rules-2026.11', training: { labels: 400 } } });
      expect(model.model.training.logLossAfter).toBeLessThan(model.model.training.logLossBefore);
      const features = buildFeatures({ invoiceId: 'x', debtorId: 'x', amountCents: 10_000, dueDate: '2026-11-20', productType: 'telecom', uf: 'SP', timeZone: 'America/Sao_Paulo', contacts: { mobilePhones: 1, emails: 1, landlines: 0 } }, EMPTY_HISTORY, NOW);
      const active = await service.models.active();
      expect(active.version).toBe(version);
      expect(active.predict(features).score).toBeLessThan(rulesModel.predict(features).score);

      // When an operator rolls back to the previous version
      expect((await call('PUT', '/v1/model/active', adminKey, { version: 'no-such-version' })).status).toBe(404);
      expect((await call('PUT', '/v1/model/active', adminKey, { versions: 'x' })).status).toBe(400);
      const rollback = await call('PUT', '/v1/model/active', adminKey, { version: 'rules-2026.11' });

      // Then the rules model scores again, and the recalibrated version is still there to return to
      expect(rollback.status).toBe(200);
      expect(await rollback.json()).toMatchObject({ version: 'rules-2026.11', previous: version });
      expect((await service.models.active()).version).toBe('rules-2026.11');
      expect((await call('GET', `/v1/model/versions/${encodeURIComponent(version)}`, adminKey)).status).toBe(200);
    });
  });
});
