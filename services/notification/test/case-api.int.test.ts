// The case API answers only with a tenant's key, and only for that tenant's cases.
import { loadConfig } from '@regua/config';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { NotificationEnvSchema, startNotification, type NotificationService } from '../src/service.ts';
import { testCase } from './support.ts';

const NOW = new Date('2026-11-24T13:00:00Z');

describe('GET /v1/cases/:caseId', () => {
  const { kafkaBrokers, mongoUrl } = testEndpoints();
  const [bankA, bankB] = [uniqueName('bank_a'), uniqueName('bank_b')];
  const [keyA, keyB] = [`key-a-${uniqueName('k')}`, `key-b-${uniqueName('k')}`];
  let service: NotificationService;
  const url = (caseId: string) => `http://127.0.0.1:${service.port}/v1/cases/${encodeURIComponent(caseId)}`;

  beforeAll(async () => {
    const env = loadConfig(NotificationEnvSchema, {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      MONGO_URL: mongoUrl,
      MONGO_DB: uniqueName('case_api'),
      KAFKA_NAMESPACE: `${uniqueName('case_api')}.`,
      KAFKA_TOPIC_PARTITIONS: '1',
      HTTP_PORT: '0',
      NOTIFICATION_DISPATCH_CRON: 'off',
      NOTIFICATION_API_KEYS: `${bankA}:${keyA},${bankB}:${keyB}`,
    });
    service = await startNotification(env, { logger: createLogger({ service: 'test', level: 'silent' }), clock: { now: () => NOW } });
    await service.cases.openAll([testCase({ _id: 'case-1', tenant: bankA, invoices: [{ invoiceId: `${bankA}:INV-1`, amountCents: 123456, dueDate: '2026-11-20', status: 'open', segment: 'medium_risk', strategy: 'standard', joinedAt: NOW }] }, NOW)]);
    await service.cases.linkInvoices([{ invoiceId: `${bankA}:INV-1`, caseId: 'case-1', tenant: bankA }]);
  });

  afterAll(async () => {
    await service?.context.db.dropDatabase();
    await service?.stop();
  });

  test('without a key, or with a wrong one, it answers 401 and shows nothing', async () => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key-of-anyone' }]) {
      const response = await fetch(url(`${bankA}:INV-1`), { headers });
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).not.toContain('INV-1');
    }
  });

  test("the case's own tenant reads it", async () => {
    const response = await fetch(url(`${bankA}:INV-1`), { headers: { 'x-api-key': keyA } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { case: { _id: string } }).case._id).toBe('case-1');
    // Found by the case id too.
    const byCaseId = await fetch(url('case-1'), { headers: { 'x-api-key': keyA } });
    expect(((await byCaseId.json()) as { case: { _id: string } }).case._id).toBe('case-1');
  });

  test('the plan says when each contact goes out, on which channels, and why: missed steps caught up once, later ones in contact hours', async () => {
    const response = await fetch(`${url(`${bankA}:INV-1`)}/plan`, { headers: { 'x-api-key': keyA } });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as { contacts: Array<{ stepId: string; status: string; at: string | null; localTime: string | null; why: string }> };
    const byStep = new Map(plan.contacts.map((c) => [c.stepId, c]));
    // Opened on Tuesday the 24th for an invoice due Friday the 20th: the pre-due steps and D+1 will be skipped, D+3 is due now.
    expect(byStep.get('d-5-email')).toMatchObject({ status: 'will-be-skipped', why: expect.stringContaining('overdue') });
    expect(byStep.get('d1-sms')).toMatchObject({ status: 'will-be-skipped', why: expect.stringContaining('caught up') });
    expect(byStep.get('d3-whatsapp')).toMatchObject({ status: 'due-now', at: NOW.toISOString() });
    // D+7 falls on Friday the 27th at 00:00 in Brasília: moved to 09:00, the strictest window (no state law covers e-mail in SP).
    expect(byStep.get('d7-email-whatsapp')).toMatchObject({ status: 'planned', at: '2026-11-27T12:00:00.000Z', localTime: expect.stringContaining('2026-11-27T09:00:00'), why: expect.stringContaining('contact window') });
  });

  test('a dispute pauses the case: the plan shows nothing planned and why; resuming plans the contacts again', async () => {
    const headers = { 'x-api-key': keyA, 'content-type': 'application/json' };
    const paused = await fetch(`${url(`${bankA}:INV-1`)}/pause`, { method: 'POST', headers, body: JSON.stringify({ reason: 'dispute', note: 'o devedor contesta o valor' }) });
    expect(paused.status).toBe(200);
    const plan = (await (await fetch(`${url('case-1')}/plan`, { headers })).json()) as { contacts: Array<{ status: string; why: string }> };
    expect(plan.contacts.filter((c) => c.status !== 'not-planned')).toEqual([]);
    expect(plan.contacts[0]!.why).toContain('dispute: o devedor contesta o valor');
    expect((await fetch(`${url('case-1')}/pause`, { method: 'POST', headers, body: JSON.stringify({ reason: 'because' }) })).status).toBe(400);

    const resumed = await fetch(`${url('case-1')}/resume`, { method: 'POST', headers, body: '{}' });
    expect(resumed.status).toBe(200);
    const again = (await (await fetch(`${url('case-1')}/plan`, { headers })).json()) as { contacts: Array<{ status: string }> };
    expect(again.contacts.some((c) => c.status === 'due-now')).toBe(true);
    const timeline = ((await (await fetch(url('case-1'), { headers })).json()) as { case: { timeline: Array<{ what: string }> } }).case.timeline.map((t) => t.what);
    expect(timeline).toEqual(expect.arrayContaining(['collection paused (dispute: o devedor contesta o valor)', 'collection resumed']));
  });

  test('an operator moves the case to another strategy: the plan follows the new cadence, with step numbers of their own, and the timeline says so', async () => {
    const headers = { 'x-api-key': keyA, 'content-type': 'application/json' };
    const moved = await fetch(`${url('case-1')}/move`, { method: 'POST', headers, body: JSON.stringify({ strategy: 'intensive', note: 'cliente pediu contato mais frequente' }) });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ strategy: 'intensive', cadenceId: 'intensive', cadenceVersion: 0 });
    const plan = (await (await fetch(`${url('case-1')}/plan`, { headers })).json()) as { cadenceId: string; contacts: Array<{ step: number; stepId: string; status: string }> };
    expect(plan.cadenceId).toBe('intensive');
    expect(plan.contacts.map((c) => c.step)).toEqual(plan.contacts.map((_, i) => 1000 + i));
    // Moved on Tuesday the 24th for an invoice due Friday the 20th: on the intensive cadence, D+3 (SMS) is due now.
    expect(plan.contacts.find((c) => c.status === 'due-now')?.stepId).toBe('d3-sms');
    const timeline = ((await (await fetch(url('case-1'), { headers })).json()) as { case: { timeline: Array<{ what: string }> } }).case.timeline.map((t) => t.what);
    expect(timeline.at(-1)).toBe('moved from standard v0 to intensive v0 (strategy intensive, arm champion): cliente pediu contato mais frequente');
  });

  test('an opt-out by API is recorded per debtor and channel, and consent given again clears it', async () => {
    const headers = { 'x-api-key': keyA, 'content-type': 'application/json' };
    expect((await fetch(`http://127.0.0.1:${service.port}/v1/debtors/CUST-9/opt-outs/whatsapp`, { method: 'PUT', headers, body: JSON.stringify({ source: 'ligação para a central' }) })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${service.port}/v1/debtors/CUST-9/opt-outs/pombo`, { method: 'PUT', headers, body: '{}' })).status).toBe(400);
    const stored = await service.context.db.collection('debtor_contacts').findOne({ _id: `${bankA}:CUST-9` } as never);
    expect(stored?.optOuts?.whatsapp).toMatchObject({ source: 'ligação para a central' });
    expect((await fetch(`http://127.0.0.1:${service.port}/v1/debtors/CUST-9/opt-outs/whatsapp`, { method: 'DELETE', headers })).status).toBe(200);
    const after = await service.context.db.collection('debtor_contacts').findOne({ _id: `${bankA}:CUST-9` } as never);
    expect(after?.optOuts?.whatsapp).toBeUndefined();
    expect(after?.consents.map((c: { granted: boolean }) => c.granted)).toEqual([false, true]);
  });

  test("another tenant's key gets 404, the same answer as a case that does not exist", async () => {
    const other = await fetch(url(`${bankA}:INV-1`), { headers: { 'x-api-key': keyB } });
    const missing = await fetch(url(`${bankB}:NO-SUCH-CASE`), { headers: { 'x-api-key': keyB } });
    expect([other.status, missing.status]).toEqual([404, 404]);
  });
});
