// A data bureau's stand-in for the demo and the tests: the HTTP contract enrichment's adapter speaks
// (services/enrichment/src/bureau/contract.ts), deterministic data per CPF (people.ts), latency, faults on demand and
// request counts; and the registration ("negativação") API legal's adapter speaks (registry.ts,
// services/legal/src/bureau/contract.ts). Nothing in it is known to the adapters, which see only a base URL and a token.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { personFor, type BureauPerson } from './people.ts';
import { createRegistry, type RegistryNotice, type RegistryRecord } from './registry.ts';

export { personFor, type BureauPerson } from './people.ts';
export type { RegistryDebt, RegistryNotice, RegistryRecord } from './registry.ts';

/** How the stand-in answers lookups from now on. */
export type BureauFault =
  | { kind: 'none' }
  /** Answers this status (with a Retry-After for 429 when given). */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Takes the request and never answers. */
  | { kind: 'hang' };

export interface BureauStandInOptions {
  port?: number;
  host?: string;
  /** The bearer token it accepts. */
  token: string;
  /** Each answer waits uniformly between these (ms); default 50–300. */
  latencyMs?: [number, number];
  /** Fixed people by CPF (`null`: unknown), over the generated ones. */
  people?: Record<string, BureauPerson | null>;
  /** The date last-seen dates count back from (default: today). */
  today?: Date;
  /** The registry's clock: notices' and registrations' times (default: the wall clock). */
  now?: () => Date;
}

export interface BureauStandIn {
  url: string;
  /** Lookups received (every request to the lookup route, faults included), per CPF and in all. */
  requests(cpf?: string): number;
  /** The next `times` lookups (all of them when omitted) meet `fault`. */
  fail(fault: BureauFault, times?: number): void;
  /** The registration API: notices sent and registrations made, and faults on its requests (lookups unaffected). */
  registry: {
    notices(): RegistryNotice[];
    registrations(): RegistryRecord[];
    /** The next `times` registration requests (all when omitted) meet `fault`; `only` narrows them to withdrawals. */
    fail(fault: BureauFault, times?: number, only?: 'withdrawal'): void;
    requests(): number;
  };
  setLatency(range: [number, number]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startBureauStandIn(options: BureauStandInOptions): Promise<BureauStandIn> {
  let latency = options.latencyMs ?? [50, 300];
  let fault: BureauFault = { kind: 'none' };
  let faultsLeft = Infinity;
  const counts = new Map<string, number>();
  let total = 0;
  const held = new Set<ServerResponse>();
  const registry = createRegistry(options.now);
  let registryFault: BureauFault = { kind: 'none' };
  let registryFaultsLeft = 0;
  let registryFaultOnly: 'withdrawal' | undefined;
  let registryRequests = 0;

  async function answerRegistry(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.headers.authorization !== `Bearer ${options.token}`) return send(response, 401, { error: 'invalid credentials' });
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    registryRequests++;
    const applies = registryFaultsLeft > 0 && (registryFaultOnly === undefined || path.endsWith('/withdrawal'));
    if (applies) {
      registryFaultsLeft--;
      if (registryFault.kind === 'hang') {
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      }
      if (registryFault.kind === 'status') return send(response, registryFault.status, { error: 'stand-in fault' }, registryFault.retryAfter ? { 'retry-after': registryFault.retryAfter } : {});
    }
    await new Promise((resolve) => setTimeout(resolve, latency[0] + Math.random() * (latency[1] - latency[0])));
    const answered = registry.route(request.method ?? 'GET', path, body);
    return answered ? send(response, answered.status, answered.body) : send(response, 404, { error: 'not found' });
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0]!;
    if (path.startsWith('/v1/debt-notices') || path.startsWith('/v1/registrations')) return answerRegistry(request, response, path);
    if (request.method !== 'POST' || request.url !== '/v1/people:lookup') return send(response, 404, { error: 'not found' });
    if (request.headers.authorization !== `Bearer ${options.token}`) return send(response, 401, { error: 'invalid credentials' });
    const body = await readJson(request);
    const cpf = typeof body?.cpf === 'string' ? body.cpf.replace(/\D/g, '') : '';
    if (cpf.length !== 11) return send(response, 400, { error: 'cpf must have 11 digits' });
    total++;
    counts.set(cpf, (counts.get(cpf) ?? 0) + 1);
    const current = faultsLeft > 0 ? fault : ({ kind: 'none' } as const);
    if (current.kind !== 'none' && --faultsLeft <= 0) fault = { kind: 'none' };
    if (current.kind === 'hang') {
      held.add(response);
      response.on('close', () => held.delete(response));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, latency[0] + Math.random() * (latency[1] - latency[0])));
    if (current.kind === 'status') return send(response, current.status, { error: 'stand-in fault' }, current.retryAfter ? { 'retry-after': current.retryAfter } : {});
    const person = cpf in (options.people ?? {}) ? options.people![cpf] : personFor(cpf, options.today ?? new Date());
    return send(response, 200, person ? { found: true, ...person } : { found: false });
  }

  const server = createServer((request, response) => {
    answer(request, response).catch(() => send(response, 500, { error: 'stand-in error' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: (cpf) => (cpf === undefined ? total : (counts.get(cpf.replace(/\D/g, '')) ?? 0)),
    fail(next, times) {
      fault = next;
      faultsLeft = times ?? Infinity;
    },
    registry: {
      notices: registry.notices,
      registrations: registry.registrations,
      fail(next, times, only) {
        registryFault = next;
        registryFaultsLeft = times ?? Infinity;
        registryFaultOnly = only;
      },
      requests: () => registryRequests,
    },
    setLatency(range) {
      latency = range;
    },
    reset() {
      fault = { kind: 'none' };
      faultsLeft = Infinity;
      counts.clear();
      total = 0;
      registry.clear();
      registryFault = { kind: 'none' };
      registryFaultsLeft = 0;
      registryRequests = 0;
    },
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
