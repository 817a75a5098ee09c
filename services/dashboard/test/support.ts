import { randomUUID } from 'node:crypto';
import { loadConfig } from '@regua/config';
import { debtorKey, type AnyEventDefinition, type EnvelopeContext, type EventOf, buildEnvelope } from '@regua/contracts';
import type { Clock } from '@regua/service-kit';
import { createLogger } from '@regua/telemetry';
import { serviceTestEnv, uniqueName, waitFor } from '@regua/testing';
import { DashboardEnvSchema, startDashboard, type DashboardService } from '../src/service.ts';

export interface TestUser {
  id: string;
  password: string;
  roles: Array<'manager' | 'operator' | 'auditor'>;
  scopes: Array<{ tenant: string; creditors: '*' | string[] }>;
}

export interface DashboardHarness {
  service: DashboardService;
  namespace: string;
  url(path: string): string;
  token(user: TestUser): Promise<string>;
  get<T = unknown>(path: string, token: string): Promise<{ status: number; body: T; text: string; headers: Headers }>;
  post<T = unknown>(path: string, token: string, body: unknown): Promise<{ status: number; body: T }>;
  /** Publishes envelopes on the dashboard's bus (its namespace), keyed by debtor. */
  publish(events: Array<{ topic: string; debtorId: string; envelope: EventOf<AnyEventDefinition> }>): Promise<void>;
  /** Waits until the read model has applied this many distinct events. */
  applied(count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestDashboard(options: { clock: Clock; users: TestUser[]; namespace?: string; env?: Record<string, string> }): Promise<DashboardHarness> {
  const namespace = options.namespace ?? `${uniqueName('dash')}.`;
  const env = loadConfig(DashboardEnvSchema, {
    ...serviceTestEnv(namespace, { KAFKA_TOPIC_PARTITIONS: '3', DASHBOARD_USERS: JSON.stringify(options.users), ...options.env }),
    MONGO_DB: `${namespace.replace(/\W/g, '_')}dashboard`,
  });
  const service = await startDashboard(env, { clock: options.clock, logger: createLogger({ service: 'dashboard-test', level: 'silent' }), retry: { retries: 2, initialDelayMs: 50, maxDelayMs: 200 } });
  const url = (path: string) => `http://127.0.0.1:${service.port}${path}`;
  const tokens = new Map<string, string>();
  return {
    service,
    namespace,
    url,
    async token(user) {
      const cached = tokens.get(user.id);
      if (cached) return cached;
      const response = await fetch(url('/oauth/token'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'password', username: user.id, password: user.password }) });
      if (response.status !== 200) throw new Error(`login of ${user.id} answered ${response.status}: ${await response.text()}`);
      const token = ((await response.json()) as { access_token: string }).access_token;
      tokens.set(user.id, token);
      return token;
    },
    async get(path, token) {
      const response = await fetch(url(path), { headers: { authorization: `Bearer ${token}` } });
      const text = await response.text();
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      return { status: response.status, body: body as never, text, headers: response.headers };
    },
    async post(path, token, body) {
      const response = await fetch(url(path), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as never };
    },
    async publish(events) {
      await service.context.bus.publisher.publish(events.map((e) => ({ topic: e.topic, key: debtorKey(e.envelope.tenant, e.debtorId), envelope: e.envelope })));
    },
    async applied(count) {
      // One `inbox_done` document per run, counting its events.
      const done = async () => (await service.context.db.collection<{ count: number }>('inbox_done').find({}).toArray()).reduce((sum, d) => sum + d.count, 0);
      await waitFor(`${count} events applied`, async () => (await done()) >= count, 60_000);
    },
    async stop() {
      await service.context.db.dropDatabase().catch(() => undefined);
      await service.stop();
    },
  };
}

/** An envelope of `definition` at `at`, with a fresh id (the dashboard deduplicates by it). */
export function event<D extends AnyEventDefinition>(definition: D, tenant: string, at: string, data: EventOf<D>['data'], context: Partial<EnvelopeContext> = {}): EventOf<D> {
  return buildEnvelope(definition, { id: randomUUID(), occurredAt: new Date(at), source: 'test', tenant, correlationId: randomUUID(), ...context }, data) as EventOf<D>;
}

/** A valid CPF (check digits computed) from a 9-digit base. */
export function cpf(base: number): string {
  const digits = String(base).padStart(9, '0').split('').map(Number);
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((s, d, i) => s + d * (length + 1 - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

/** A small deterministic generator, so a failing fixture can be reproduced. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
