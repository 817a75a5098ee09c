import express, { type Express, type Request, type Response } from 'express';
import { applyFaults, decideFault, FaultsUpdateSchema, type FaultSettings } from './faults.ts';
import { matches, withoutCredentials, type RecordedRequest, type RequestFilter } from './journal.ts';
import { GenericMessageSchema, PROVIDERS, type AcceptedMessage, type ProviderAnswer, type ProviderSpec, type SandboxChannel } from './providers.ts';
import { randomString, type Random } from './random.ts';
import type { ReceiptDelivery } from './webhook.ts';

/** The stand-in's state, shared by its routes and its handle (index.ts). */
export interface SandboxState {
  tokens: Record<SandboxChannel, string>;
  faults: Record<SandboxChannel, FaultSettings>;
  journal: RecordedRequest[];
  /** Provider message ids by `channel:reference`, for providers idempotent on the reference. */
  acceptedIds: Map<string, string>;
  random: { ids: Random; faults: Random };
  /** Responses held by a timeout fault, destroyed on close. */
  held: Set<Response>;
  /** Called for each message taken (receipts are scheduled from here). */
  taken(provider: string, channel: SandboxChannel, message: AcceptedMessage, providerMessageId: string): void;
  receipts(): ReceiptDelivery[];
  /** Forgets requests, receipts and references seen. */
  clear(): void;
}

/** The express app, without listening. */
export function createSandboxApp(state: SandboxState): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const rawBody = express.raw({ type: () => true, limit: '1mb' });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  for (const spec of PROVIDERS) app.post(spec.path, rawBody, (req, res) => providerRoute(state, spec, req, res));

  // What httpProviderChannel (services/notification/src/channels.ts) speaks: the message at the base URL, no credentials.
  app.post('/', rawBody, (req, res) => {
    const record = recordRequest(state, req, 'generic');
    const parsed = GenericMessageSchema.safeParse(record.body);
    if (!parsed.success) return answer(res, record, 'invalid', { status: 400, body: { error: parsed.error.issues[0]?.message ?? 'invalid message' } });
    const { reference, channel, to, text } = parsed.data;
    Object.assign(record, { channel, reference });
    const id = randomString(state.random.ids, 16);
    take(state, record, 'generic', channel, { reference, to, text }, id);
    return answer(res, record, 'accepted', { status: 202, body: { id } });
  });

  // The lookup httpProviderChannel.wasSent uses: did the provider take a message with this reference?
  app.get('/messages', (req, res) => {
    const filter = filterOf(req);
    if (filter.reference === undefined) return void res.status(400).json({ error: 'reference is required' });
    res.json({ sent: state.journal.some((r) => r.taken && matches(r, filter)) });
  });

  app.get('/_sandbox/requests', (req, res) => {
    const filter = filterOf(req);
    res.json({ requests: state.journal.filter((r) => matches(r, filter)) });
  });
  app.delete('/_sandbox/requests', (_req, res) => {
    state.clear();
    res.status(204).end();
  });
  app.get('/_sandbox/receipts', (req, res) => {
    const { reference } = filterOf(req);
    res.json({ receipts: state.receipts().filter((d) => reference === undefined || d.body.reference === reference) });
  });
  app.get('/_sandbox/faults', (_req, res) => {
    res.json(state.faults);
  });
  app.post('/_sandbox/faults', express.json(), (req, res) => {
    const update = FaultsUpdateSchema.safeParse(req.body ?? {});
    if (!update.success) return void res.status(400).json({ error: update.error.issues[0]?.message, path: update.error.issues[0]?.path });
    state.faults = applyFaults(state.faults, update.data);
    res.json(state.faults);
  });

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found' });
  });
  return app;
}

function providerRoute(state: SandboxState, spec: ProviderSpec, req: Request, res: Response): void {
  const record = recordRequest(state, req, spec.provider, spec.channel);
  if (spec.credential(req.headers) !== state.tokens[spec.channel]) return answer(res, record, 'unauthorized', spec.unauthorized);
  const parsed = spec.parse(record.body);
  if ('invalid' in parsed) return answer(res, record, 'invalid', { status: 400, body: parsed.invalid });
  const { message } = parsed;
  if (message.reference !== undefined) record.reference = message.reference;

  const key = `${spec.channel}:${message.reference}`;
  const earlier = spec.idempotentOnReference && message.reference !== undefined ? state.acceptedIds.get(key) : undefined;
  if (earlier !== undefined) {
    record.providerMessageId = earlier;
    return answer(res, record, 'duplicate', spec.accepted(earlier, message, true));
  }

  const fault = decideFault(state.faults[spec.channel], state.random.faults);
  const id = spec.newId(state.random.ids);
  if (fault.kind === 'none' || fault.taken) {
    take(state, record, spec.provider, spec.channel, message, id);
    if (spec.idempotentOnReference && message.reference !== undefined) state.acceptedIds.set(key, id);
  }
  if (fault.kind === 'server-error') return answer(res, record, 'server-error', spec.serverError);
  if (fault.kind === 'timeout') {
    record.outcome = 'timeout';
    state.held.add(res);
    res.on('close', () => state.held.delete(res));
    return;
  }
  return answer(res, record, 'accepted', spec.accepted(id, message, false));
}

function recordRequest(state: SandboxState, req: Request, provider: string, channel?: SandboxChannel): RecordedRequest {
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const record: RecordedRequest = {
    seq: state.journal.length + 1,
    provider,
    ...(channel ? { channel } : {}),
    method: req.method,
    path: req.originalUrl,
    headers: withoutCredentials(req.headers),
    body: parseJson(raw),
    receivedAt: new Date().toISOString(),
    outcome: 'pending',
    taken: false,
  };
  state.journal.push(record);
  return record;
}

function take(state: SandboxState, record: RecordedRequest, provider: string, channel: SandboxChannel, message: AcceptedMessage, id: string): void {
  record.taken = true;
  record.providerMessageId = id;
  state.taken(provider, channel, message, id);
}

function answer(res: Response, record: RecordedRequest, outcome: RecordedRequest['outcome'], { status, body, headers }: ProviderAnswer): void {
  record.outcome = outcome;
  res.status(status).set(headers ?? {});
  if (body === undefined) res.end();
  else res.json(body);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function filterOf(req: Request): RequestFilter {
  const pick = (name: string) => (typeof req.query[name] === 'string' && req.query[name] !== '' ? req.query[name] : undefined);
  const channel = pick('channel');
  const reference = pick('reference');
  return { ...(channel !== undefined ? { channel } : {}), ...(reference !== undefined ? { reference } : {}) };
}
