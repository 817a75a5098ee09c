// An operator's action in the dashboard's work queue round-trips as events: the dashboard publishes it on Kafka, and
// notification, which owns the cadence, pauses (or resumes) the case; the dashboard's own timeline shows it too.
import { loadConfig } from '@regua/config';
import { CaseDisputedV1, CaseEscalatedV1, CaseOperatorActionV1, InvoiceRegisteredV1, type EventOf } from '@regua/contracts';
import { NotificationEnvSchema, startNotification, type NotificationService } from '@regua/notification';
import { createLogger } from '@regua/telemetry';
import { recordTopics, serviceTestEnv, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { cpf, event, startTestDashboard, type DashboardHarness, type TestUser } from '../services/dashboard/test/support.ts';

const NOW = new Date('2026-11-24T13:00:00Z');

describe('work-queue actions round-trip through Kafka to notification', () => {
  const namespace = `${uniqueName('ops')}.`;
  const tenant = uniqueName('bank');
  const apiKey = `key-${uniqueName('k')}`;
  const operator: TestUser = { id: 'operadora', password: 'operadora-demo-1', roles: ['operator'], scopes: [{ tenant, creditors: '*' }] };
  const auditor: TestUser = { id: 'auditora', password: 'auditora-demo-1', roles: ['auditor'], scopes: [{ tenant, creditors: '*' }] };
  const caseId = 'case-ops-1';
  const invoiceId = `${tenant}:INV-OPS-1`;
  let dashboard: DashboardHarness;
  let notification: NotificationService;
  let recorder: Awaited<ReturnType<typeof recordTopics>>;

  const notificationCase = async () => {
    const response = await fetch(`http://127.0.0.1:${notification.port}/v1/cases/${caseId}`, { headers: { 'x-api-key': apiKey } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { case: { paused: { reason: string } | null; timeline: Array<{ what: string }> } }).case;
  };

  beforeAll(async () => {
    notification = await startNotification(loadConfig(NotificationEnvSchema, { ...serviceTestEnv(namespace, { NOTIFICATION_DISPATCH_CRON: 'off', NOTIFICATION_API_KEYS: `${tenant}:${apiKey}` }), MONGO_DB: `${namespace.replace(/\W/g, '_')}notification` }), {
      clock: { now: () => NOW },
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    dashboard = await startTestDashboard({ clock: { now: () => NOW }, users: [operator, auditor], namespace });
    recorder = await recordTopics(testEndpoints().kafkaBrokers, [`${namespace}${CaseOperatorActionV1.topic}`, `${namespace}${CaseDisputedV1.topic}`]);
    // A case notification is collecting, and the dashboard has seen it registered and escalated to the work queue.
    await notification.cases.openAll([
      {
        _id: caseId,
        tenant,
        debtorId: 'CUST-OPS-1',
        creditor: { name: 'Banco Exemplo S.A.', cnpj: '11222333000181' },
        status: 'open',
        openedAt: NOW,
        version: 0,
        strategy: 'standard',
        arm: 'champion',
        cadenceId: 'standard',
        cadenceVersion: 0,
        invoices: [{ invoiceId, amountCents: 123_456, dueDate: '2026-11-20', status: 'open', segment: 'medium_risk', strategy: 'standard', joinedAt: NOW }],
        profile: { debtorName: 'Maria da Silva', uf: 'SP', timeZone: 'America/Sao_Paulo', contacts: { emails: ['maria.silva@example.com'], mobilePhones: ['+5511987654321'], landlines: [] } },
        settledSteps: [],
        paused: null,
        timeline: [{ at: NOW, what: 'case opened' }],
      },
    ]);
    await notification.cases.linkInvoices([{ invoiceId, caseId, tenant }]);
    await dashboard.publish([
      {
        topic: InvoiceRegisteredV1.topic,
        debtorId: 'CUST-OPS-1',
        envelope: event(InvoiceRegisteredV1, tenant, '2026-11-21T12:00:00Z', {
          invoiceId,
          revision: 1,
          invoice: { externalId: 'INV-OPS-1', creditor: { name: 'Banco Exemplo S.A.', cnpj: '11222333000181' }, amountCents: 123_456, currency: 'BRL', issueDate: '2026-10-20', dueDate: '2026-11-20', status: 'open', productType: 'telecom', debtor: { externalId: 'CUST-OPS-1', name: 'Maria da Silva', taxId: { type: 'cpf', number: cpf(529_982_247) }, emails: ['maria.silva@example.com'], phones: ['(11) 98765-4321'] } },
        }) as EventOf<typeof InvoiceRegisteredV1>,
      },
    ]);
    await dashboard.applied(1);
    await dashboard.publish([{ topic: CaseEscalatedV1.topic, debtorId: 'CUST-OPS-1', envelope: event(CaseEscalatedV1, tenant, '2026-11-23T12:00:00Z', { caseId, debtorId: 'CUST-OPS-1', invoiceIds: [invoiceId], reason: 'unreachable', detail: 'nenhum canal alcança o devedor', openAmountCents: 123_456 }) }]);
    await dashboard.applied(2);
  });
  afterAll(async () => {
    await recorder?.stop();
    await dashboard?.stop();
    await notification?.context.db.dropDatabase().catch(() => undefined);
    await notification?.stop();
  });

  test('the escalated case is in the operator\'s work queue', async () => {
    const queue = await dashboard.get<{ entries: Array<{ _id: string }> }>(`/v1/queue?tenant=${tenant}`, await dashboard.token(operator));
    expect(queue.body.entries.map((e) => e._id)).toEqual([caseId]);
  });

  test('pausing collection: POST action → CaseOperatorAction on Kafka (with the operator) → notification pauses the case → the dashboard shows it', async () => {
    const token = await dashboard.token(operator);
    const posted = await dashboard.post<{ actionId: string }>(`/v1/cases/${caseId}/actions`, token, { kind: 'collection-paused', reason: 'over-indebtedness', note: 'pediu plano pela Lei 14.181' });
    expect(posted.status).toBe(202);

    const published = await waitFor('the action on Kafka', () => recorder.messages.map((m) => m.json<EventOf<typeof CaseOperatorActionV1>>()).find((e) => e.id === posted.body.actionId));
    expect(published).toMatchObject({ type: 'CaseOperatorAction', source: 'dashboard', tenant, data: { caseId, operator: { id: 'operadora', role: 'operator' }, action: { kind: 'collection-paused', reason: 'over-indebtedness' } } });

    const paused = await waitFor('notification to pause the case', async () => (await notificationCase()).paused);
    expect(paused.reason).toContain('over-indebtedness: pediu plano pela Lei 14.181 (operator operadora)');
    const plan = (await (await fetch(`http://127.0.0.1:${notification.port}/v1/cases/${caseId}/plan`, { headers: { 'x-api-key': apiKey } })).json()) as { contacts: Array<{ status: string }> };
    expect(plan.contacts.length).toBeGreaterThan(0);
    expect(plan.contacts.every((c) => c.status === 'not-planned')).toBe(true);

    const detail = await waitFor('the dashboard to show the pause', async () => {
      const response = await dashboard.get<{ case: { paused: { reason: string; by: string } | null }; timeline: Array<{ text: string }> }>(`/v1/cases/${caseId}`, token);
      return response.body.case.paused ? response.body : null;
    });
    expect(detail.case.paused).toMatchObject({ reason: 'over-indebtedness', by: 'operadora' });
    expect(detail.timeline.map((t) => t.text)).toContainEqual(expect.stringContaining('cobrança pausada por operadora'));
  });

  test('resuming takes the case up again in notification', async () => {
    const posted = await dashboard.post(`/v1/cases/${caseId}/actions`, await dashboard.token(operator), { kind: 'collection-resumed' });
    expect(posted.status).toBe(202);
    await waitFor('notification to resume the case', async () => (await notificationCase()).paused === null);
    expect((await notificationCase()).timeline.map((t) => t.what)).toContain('collection resumed');
  });

  test('marking a dispute publishes CaseDisputed (source dashboard), and notification pauses the case for it', async () => {
    const posted = await dashboard.post<{ action: { disputeId: string } }>(`/v1/cases/${caseId}/actions`, await dashboard.token(operator), { kind: 'dispute-marked', reason: 'wrong-amount', note: 'valor diverge do contrato' });
    expect(posted.status).toBe(202);
    const disputed = await waitFor('CaseDisputed on Kafka', () => recorder.messages.map((m) => m.json<EventOf<typeof CaseDisputedV1>>()).find((e) => e.type === 'CaseDisputed' && e.data.disputeId === posted.body.action.disputeId));
    expect(disputed).toMatchObject({ source: 'dashboard', data: { caseId, invoiceIds: [invoiceId], reason: 'wrong-amount' } });
    const paused = await waitFor('notification to pause for the dispute', async () => (await notificationCase()).paused);
    expect(paused.reason).toContain(`dispute ${posted.body.action.disputeId}`);
  });

  test('an auditor may read the case but not act on it', async () => {
    const token = await dashboard.token(auditor);
    expect((await dashboard.get(`/v1/cases/${caseId}`, token)).status).toBe(200);
    expect((await dashboard.post(`/v1/cases/${caseId}/actions`, token, { kind: 'collection-resumed' })).status).toBe(403);
  });

  test('an invalid action answers 400 with the field', async () => {
    const response = await dashboard.post<{ error: { details: Array<{ path: string }> } }>(`/v1/cases/${caseId}/actions`, await dashboard.token(operator), { kind: 'promise-registered', amountCents: -5, promisedFor: 'amanhã' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d) => d.path).sort()).toEqual(['amountCents', 'promisedFor']);
  });
});
