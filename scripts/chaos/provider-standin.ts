// A messaging provider's stand-in for the fault suite: takes `POST /` messages as notification's HTTP channel sends
// them, answers `GET /messages?reference=`, and keeps every raw request it received. Like the WhatsApp Cloud API it
// has no idempotency key: the same reference sent twice is two messages, which is what the suite counts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMessage {
  reference: string;
  /** ms since the epoch, when the request's body was read. */
  at: number;
  body: Record<string, unknown>;
}

export interface ProviderStandIn {
  url: string;
  /** Every message received, in order, duplicates included. */
  received(): readonly ReceivedMessage[];
  /** For the next `ms`: every request is held without an answer (messages are still recorded, as a slow provider takes them). */
  stallFor(ms: number): void;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port (or `port`). */
export async function startProviderStandIn(port = 0): Promise<ProviderStandIn> {
  const received: ReceivedMessage[] = [];
  const taken = new Set<string>();
  let stalledUntil = 0;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://standin');
    if (request.method === 'POST' && url.pathname === '/') {
      const body = await readJson(request);
      const reference = typeof body?.reference === 'string' ? body.reference : '';
      if (!body || !reference) return send(response, 400, { error: 'a JSON body with a reference is required' });
      received.push({ reference, at: Date.now(), body });
      taken.add(reference);
      await holdWhileStalled(response);
      return send(response, 202, { id: `msg-${received.length}`, reference });
    }
    if (request.method === 'GET' && url.pathname === '/messages') {
      await holdWhileStalled(response);
      return send(response, 200, { sent: taken.has(url.searchParams.get('reference') ?? '') });
    }
    if (request.method === 'GET' && url.pathname === '/stats') {
      const perReference: Record<string, number> = {};
      for (const m of received) perReference[m.reference] = (perReference[m.reference] ?? 0) + 1;
      return send(response, 200, { requests: received.length, perReference });
    }
    if (request.method === 'POST' && url.pathname === '/control/stall') {
      stalledUntil = Date.now() + Number(url.searchParams.get('ms') ?? 0);
      return send(response, 204);
    }
    send(response, 404, { error: 'not found' });
  }

  async function holdWhileStalled(response: ServerResponse): Promise<void> {
    if (Date.now() >= stalledUntil) return;
    while (Date.now() < stalledUntil && !response.destroyed) await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: Error) => send(response, 500, { error: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    received: () => received,
    stallFor(ms) {
      stalledUntil = Date.now() + ms;
    },
    async close() {
      stalledUntil = 0;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const standIn = await startProviderStandIn(Number(process.argv[2] ?? 0));
  console.log(`provider stand-in on ${standIn.url} (POST /, GET /messages?reference=, GET /stats, POST /control/stall?ms=)`);
}
