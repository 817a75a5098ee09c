// A tenant's cadences, templates and creditors through the API: each key reads and writes its own tenant's only,
// every write is checked whole and makes a new version, and a write based on a stale version is refused.
// The routes run in-process over a real database, without the rest of the service (no Kafka needed).
import { createHttpApp, listen, type RunningServer } from '@regua/http';
import { connectMongo, type Connection } from '@regua/mongo';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { DEFAULT_CADENCE_CONFIG, type TenantCadenceConfigInput } from '../src/domain/cadence-spec.ts';
import { cadenceRoutes } from '../src/handlers/cadences-http.ts';
import { createCadenceStore } from '../src/store/cadences.ts';

const NOW = new Date('2026-11-24T13:00:00Z');

interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const config = (template = 'primeiro-aviso', offsets = [-3, 1, 5]): TenantCadenceConfigInput => ({
  cadences: [{ id: 'main', name: 'Main', steps: offsets.map((offsetDays, i) => ({ id: `s${i}`, offsetDays, channels: ['sms'], template })) }],
  strategies: [{ id: 'default', cadenceId: 'main' }],
});

const ownTemplate = { id: 'aviso-loja', channel: 'sms', body: '{{credorNome}} (CNPJ {{credorCnpj}}): {{primeiroNome}}, o valor de {{valorTotal}} segue em aberto. Veja em {{linkAutoatendimento}}' };

describe('cadences, templates and creditors API', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });
  const [bankA, bankB] = [uniqueName('bank_a'), uniqueName('bank_b')];
  const [keyA, keyB] = [`key-a-${uniqueName('k')}`, `key-b-${uniqueName('k')}`];
  let db: Connection;
  let server: RunningServer;

  const call = async (method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      headers: { ...(options.key ? { 'x-api-key': options.key } : {}), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return { status: response.status, etag: response.headers.get('etag'), body: (await response.json()) as Record<string, unknown> & ErrorBody };
  };
  const paths = (body: ErrorBody) => (body.error.details ?? []).map((d) => d.path);

  beforeAll(async () => {
    db = await connectMongo({ url: testEndpoints().mongoUrl, dbName: uniqueName('cadences_api'), logger });
    const keys = new Map([
      [bankA, keyA],
      [bankB, keyB],
    ]);
    const app = createHttpApp({ logger, readiness: [], routes: cadenceRoutes(createCadenceStore(db), keys, { now: () => NOW }) });
    server = await listen(app, 0);
  });

  afterAll(async () => {
    await server?.close();
    await db?.dropDatabase();
    await db?.close();
  });

  test('Given no key or a wrong one, then every route answers 401', async () => {
    for (const [method, path] of [['GET', '/v1/cadences'], ['PUT', '/v1/cadences'], ['GET', '/v1/templates'], ['POST', '/v1/templates:preview'], ['GET', '/v1/creditors/11222333000181']] as const) {
      expect([method, path, (await call(method, path, { body: method === 'GET' ? undefined : {} })).status]).toEqual([method, path, 401]);
      expect((await call(method, path, { key: 'not-a-key-of-anyone', body: method === 'GET' ? undefined : {} })).status).toBe(401);
    }
  });

  test('Given a tenant that stored nothing, then it reads the built-in cadences as version 0', async () => {
    const { status, etag, body } = await call('GET', '/v1/cadences', { key: keyB });
    expect(status).toBe(200);
    expect(etag).toBe('"0"');
    expect(body).toMatchObject({ tenant: bankB, version: 0, isDefault: true, updatedAt: null, previousVersions: [] });
    expect(body.config).toEqual(JSON.parse(JSON.stringify(DEFAULT_CADENCE_CONFIG)));
  });

  test('Given steps out of order or a template that does not exist, then 400 names each field path', async () => {
    const outOfOrder = await call('PUT', '/v1/cadences', { key: keyA, body: config('primeiro-aviso', [-3, 1, 5, 5]) });
    expect(outOfOrder.status).toBe(400);
    expect(paths(outOfOrder.body)).toEqual(['cadences[0].steps[3].offsetDays']);
    const noTemplate = await call('PUT', '/v1/cadences', { key: keyA, body: config('nao-existe') });
    expect(noTemplate.status).toBe(400);
    expect(paths(noTemplate.body)).toEqual(['cadences[0].steps[0].template', 'cadences[0].steps[1].template', 'cadences[0].steps[2].template']);
  });

  test('Given a valid configuration, then it becomes version 1 for its tenant only, and a write based on version 0 is then refused with 409', async () => {
    const stored = await call('PUT', '/v1/cadences', { key: keyA, body: config(), headers: { 'if-match': '"0"' } });
    expect(stored.status).toBe(200);
    expect(stored.etag).toBe('"1"');
    expect(stored.body).toMatchObject({ tenant: bankA, version: 1, isDefault: false, updatedAt: NOW.toISOString() });
    expect((await call('GET', '/v1/cadences', { key: keyA })).body.version).toBe(1);
    expect((await call('GET', '/v1/cadences', { key: keyB })).body.version).toBe(0);

    const staleHeader = await call('PUT', '/v1/cadences', { key: keyA, body: config(), headers: { 'if-match': '"0"' } });
    const staleBody = await call('PUT', '/v1/cadences', { key: keyA, body: { ...config(), version: 0 } });
    expect([staleHeader.status, staleBody.status]).toEqual([409, 409]);
    expect((await call('GET', '/v1/cadences', { key: keyA })).body.version).toBe(1);
  });

  test('Given a newer version, then every earlier one stays readable by number, and another tenant finds none of them', async () => {
    const second = await call('PUT', '/v1/cadences', { key: keyA, body: { ...config('segundo-aviso'), version: 1 } });
    expect(second.status).toBe(200);
    expect(second.body.previousVersions).toEqual([{ version: 1, updatedAt: NOW.toISOString() }]);
    const first = await call('GET', '/v1/cadences/versions/1', { key: keyA });
    expect(first.status).toBe(200);
    expect((first.body.config as { cadences: Array<{ steps: Array<{ template: string }> }> }).cadences[0]!.steps[0]!.template).toBe('primeiro-aviso');
    expect((await call('GET', '/v1/cadences/versions/0', { key: keyA })).body.isDefault).toBe(true);
    expect((await call('GET', '/v1/cadences/versions/99', { key: keyA })).status).toBe(404);
    expect((await call('GET', '/v1/cadences/versions/1', { key: keyB })).status).toBe(404);
  });

  test('Given a template with an unknown variable, then 400 names the variable; a valid one is stored and a cadence may use it', async () => {
    const unknown = await call('PUT', '/v1/templates', { key: keyA, body: { templates: [{ ...ownTemplate, body: `${ownTemplate.body} {{nomeCompleto}}` }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ path: 'templates[0].body', message: 'unknown variable {{nomeCompleto}}' }]);

    const stored = await call('PUT', '/v1/templates', { key: keyA, body: { templates: [ownTemplate] }, headers: { 'if-match': '"0"' } });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ version: 1, templates: [ownTemplate] });
    expect((await call('PUT', '/v1/cadences', { key: keyA, body: config('aviso-loja') })).status).toBe(200);
    expect((await call('PUT', '/v1/cadences', { key: keyB, body: config('aviso-loja') })).status).toBe(400);
  });

  test('Given the cadences use a template, then a template list without it is refused', async () => {
    const removed = await call('PUT', '/v1/templates', { key: keyA, body: { templates: [] } });
    expect(removed.status).toBe(400);
    expect(removed.body.error.details?.[0]?.message).toContain('template aviso-loja');
  });

  test('Given a template to preview, then it renders for the sample message, and unknown variables answer 400', async () => {
    const rendered = await call('POST', '/v1/templates:preview', { key: keyA, body: { template: ownTemplate, sample: { debtorName: 'ana lima' } } });
    expect(rendered.status).toBe(200);
    expect(rendered.body.text).toMatch(/^Banco Exemplo S\.A\. \(CNPJ 11\.222\.333\/0001-81\): Ana, o valor de R\$ [\d.,]+ segue em aberto/);
    const unknown = await call('POST', '/v1/templates:preview', { key: keyA, body: { template: { ...ownTemplate, body: `${ownTemplate.body} {{saldo}} {{nomeCompleto}}` } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details?.map((d) => d.message)).toEqual(['unknown variable {{saldo}}', 'unknown variable {{nomeCompleto}}']);
  });

  test("Given a creditor's identification, then it is stored under its CNPJ for its tenant only", async () => {
    const address = { street: 'Rua das Flores', number: '12', district: 'Centro', city: 'Curitiba', uf: 'PR', cep: '80010-000' };
    const put = await call('PUT', `/v1/creditors/${encodeURIComponent('12.abc.345/01de-35')}`, { key: keyA, body: { name: 'Loja Exemplo Ltda', address } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ name: 'Loja Exemplo Ltda', cnpj: '12ABC34501DE35', address: { ...address, cep: '80010000' }, updatedAt: NOW.toISOString() });
    expect((await call('GET', '/v1/creditors/12ABC34501DE35', { key: keyA })).body.name).toBe('Loja Exemplo Ltda');
    expect((await call('GET', '/v1/creditors/12ABC34501DE35', { key: keyB })).status).toBe(404);
    expect((await call('GET', '/v1/creditors/11222333000180', { key: keyA })).status).toBe(400);
    const wrong = await call('PUT', '/v1/creditors/11222333000181', { key: keyA, body: { name: 'X', address: { ...address, uf: 'XX' } } });
    expect([wrong.status, paths(wrong.body)]).toEqual([400, ['address.uf']]);
  });
});
