// Access control: the login (OIDC discovery, JWKS, password grant), scopes by tenant and creditor, personal data
// masked by role, and the audit trail of every view of personal data.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { CaseEscalatedV1, CasePlannedV1, InvoiceRegisteredV1 } from '@regua/contracts';
import { uniqueName } from '@regua/testing';
import type { CaseDetail } from '../src/queries.ts';
import type { AuditRecord } from '../src/store/audit.ts';
import { cpf, event, startTestDashboard, type DashboardHarness, type TestUser } from './support.ts';

const NOW = new Date('2026-11-24T13:00:00Z');
const CNPJ_A = '11222333000181';
const CNPJ_B = '11444777000161';

describe('access control', () => {
  const tenant = uniqueName('bank');
  const other = uniqueName('other');
  const operator: TestUser = { id: 'op.a', password: 'operador-demo-1', roles: ['operator'], scopes: [{ tenant, creditors: '*' }] };
  const manager: TestUser = { id: 'gerente.a', password: 'gerente-demo-1', roles: ['manager'], scopes: [{ tenant, creditors: '*' }] };
  const narrow: TestUser = { id: 'op.b-only', password: 'operador-demo-2', roles: ['operator'], scopes: [{ tenant, creditors: [CNPJ_B] }] };
  const outsider: TestUser = { id: 'op.other', password: 'operador-demo-3', roles: ['operator', 'manager'], scopes: [{ tenant: other, creditors: '*' }] };
  const taxId = cpf(529_982_247);
  let h: DashboardHarness;

  const register = (t: string, n: number, cnpj: string) => {
    const invoiceId = `${t}:INV-${n}`;
    const debtorId = `CUST-${n}`;
    return [
      { topic: InvoiceRegisteredV1.topic, debtorId, envelope: event(InvoiceRegisteredV1, t, '2026-11-21T12:00:00Z', { invoiceId, revision: 1, invoice: { externalId: `INV-${n}`, creditor: { name: 'Credor', cnpj }, amountCents: 50_000, currency: 'BRL', issueDate: '2026-10-01', dueDate: '2026-11-01', status: 'open', productType: 'loan', debtor: { externalId: debtorId, name: 'Maria da Silva', taxId: { type: 'cpf', number: taxId }, emails: ['maria.silva@example.com'], phones: ['(11) 98765-4321'] } } }) },
      { topic: CasePlannedV1.topic, debtorId, envelope: event(CasePlannedV1, t, '2026-11-22T12:00:00Z', { caseId: `${t}:case-${n}`, debtorId, joinedInvoiceIds: [invoiceId], openInvoiceIds: [invoiceId], strategy: 'standard', arm: 'champion', cadenceId: 'standard', cadenceVersion: 1, nextContact: null }) },
      { topic: CaseEscalatedV1.topic, debtorId, envelope: event(CaseEscalatedV1, t, '2026-11-23T12:00:00Z', { caseId: `${t}:case-${n}`, debtorId, invoiceIds: [invoiceId], reason: 'rule', detail: 'regra do credor', openAmountCents: 50_000 }) },
    ];
  };

  beforeAll(async () => {
    h = await startTestDashboard({ clock: { now: () => NOW }, users: [operator, manager, narrow, outsider] });
    const phases = [register(tenant, 1, CNPJ_A), register(tenant, 2, CNPJ_B), register(other, 3, CNPJ_A)];
    // Registrations first, so every case knows its creditor when it is planned.
    for (const [i, step] of [0, 1, 2].entries()) {
      await h.publish(phases.map((p) => p[step]!));
      await h.applied(3 * (i + 1));
    }
  });
  afterAll(async () => {
    await h?.stop();
  });

  test('discovery names the endpoints, and a token from the password grant verifies against the JWKS', async () => {
    const discovery = (await (await fetch(h.url('/.well-known/openid-configuration'))).json()) as { issuer: string; token_endpoint: string; jwks_uri: string };
    expect(discovery.token_endpoint).toBe(`${discovery.issuer}/oauth/token`);
    const token = await h.token(manager);
    // The configured issuer is the public URL; the keys are fetched from this instance.
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(h.url('/oauth/jwks'))), { issuer: discovery.issuer, audience: 'regua-dashboard', currentDate: NOW });
    expect(payload).toMatchObject({ sub: 'gerente.a', roles: ['manager'], scopes: [{ tenant, creditors: '*' }] });
  });

  test('no token, a forged one or a wrong password gets nothing', async () => {
    expect((await fetch(h.url(`/v1/kpis/portfolio?tenant=${tenant}`))).status).toBe(401);
    // The manager's token with the payload of a wider scope: the signature no longer matches.
    const [header, payload, signature] = (await h.token(manager)).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const widened = Buffer.from(JSON.stringify({ ...claims, scopes: [{ tenant: other, creditors: '*' }] })).toString('base64url');
    expect((await h.get(`/v1/kpis/portfolio?tenant=${other}`, `${header}.${widened}.${signature}`)).status).toBe(401);
    const wrong = await fetch(h.url('/oauth/token'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'password', username: manager.id, password: 'not-the-password' }) });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
  });

  test("another tenant's case answers 404 (as if it did not exist), and its KPIs 403", async () => {
    const token = await h.token(operator);
    expect((await h.get(`/v1/cases/${encodeURIComponent(`${other}:case-3`)}`, token)).status).toBe(404);
    expect((await h.get(`/v1/kpis/portfolio?tenant=${other}`, token)).status).toBe(403);
    expect((await h.post(`/v1/cases/${encodeURIComponent(`${other}:case-3`)}/actions`, token, { kind: 'collection-resumed' })).status).toBe(404);
    // The other tenant's own user reads it.
    expect((await h.get(`/v1/cases/${encodeURIComponent(`${other}:case-3`)}`, await h.token(outsider))).status).toBe(200);
  });

  test("a user scoped to one creditor sees neither another creditor's case nor its queue entries nor its figures", async () => {
    const token = await h.token(narrow);
    expect((await h.get(`/v1/cases/${encodeURIComponent(`${tenant}:case-1`)}`, token)).status).toBe(404);
    expect((await h.get(`/v1/cases/${encodeURIComponent(`${tenant}:case-2`)}`, token)).status).toBe(200);
    const queue = await h.get<{ entries: Array<{ _id: string }> }>(`/v1/queue?tenant=${tenant}`, token);
    expect(queue.body.entries.map((e) => e._id)).toEqual([`${tenant}:case-2`]);
    expect((await h.get(`/v1/kpis/portfolio?tenant=${tenant}&creditor=${CNPJ_A}`, token)).status).toBe(403);
    const portfolio = await h.get<{ totals: { openCount: number } }>(`/v1/kpis/portfolio?tenant=${tenant}`, token);
    expect(portfolio.body.totals.openCount).toBe(1);
  });

  test('an operator sees the CPF and contacts in clear; a manager sees them masked; both views are audited', async () => {
    const clear = await h.get<CaseDetail>(`/v1/cases/${encodeURIComponent(`${tenant}:case-1`)}`, await h.token(operator));
    expect(clear.body.debtor).toMatchObject({ name: 'Maria da Silva', taxId: `${taxId.slice(0, 3)}.${taxId.slice(3, 6)}.${taxId.slice(6, 9)}-${taxId.slice(9)}`, taxIdMasked: false, emails: ['maria.silva@example.com'], phones: ['(11) 98765-4321'] });

    const masked = await h.get<CaseDetail>(`/v1/cases/${encodeURIComponent(`${tenant}:case-1`)}`, await h.token(manager));
    expect(masked.body.debtor).toMatchObject({ taxId: `***.${taxId.slice(3, 6)}.${taxId.slice(6, 9)}-**`, taxIdMasked: true, emails: ['m***@example.com'], phones: ['•••••••4321'], contactsMasked: true });
    expect(masked.text).not.toContain(taxId);
    expect(masked.text).not.toContain('maria.silva@');

    const audit = await h.get<{ records: AuditRecord[] }>(`/v1/audit?tenant=${tenant}&month=202611`, await h.token(manager));
    expect(audit.status).toBe(200);
    const views = audit.body.records.filter((r) => r.action === 'case-viewed' && r.caseId === `${tenant}:case-1`);
    expect(views.map((v) => [v.actor, v.personalData?.unmasked])).toEqual(
      expect.arrayContaining([
        ['op.a', ['taxId', 'emails', 'phones']],
        ['gerente.a', []],
      ]),
    );
    // The audit log is not for operators, and never holds the personal data itself.
    expect((await h.get(`/v1/audit?tenant=${tenant}`, await h.token(operator))).status).toBe(403);
    expect(JSON.stringify(audit.body)).not.toContain(taxId);
  });

  test('the case detail carries the score, its reasons slot and the timeline, without personal data in the timeline', async () => {
    const detail = await h.get<CaseDetail>(`/v1/cases/${encodeURIComponent(`${tenant}:case-1`)}`, await h.token(operator));
    expect(detail.body.timeline.map((t) => t.type)).toEqual(['InvoiceRegistered', 'CasePlanned', 'CaseEscalated']);
    expect(JSON.stringify(detail.body.timeline)).not.toContain('Maria');
  });
});
