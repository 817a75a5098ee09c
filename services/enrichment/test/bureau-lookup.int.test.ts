// A run's bureau lookups on the real database and over HTTP to the stand-in: the cache (by `_id`, TTL checked on
// read, spans dropped whole) means a person is paid for once; the per-tenant daily budget stops calls.
import { startBureauStandIn, type BureauStandIn } from '@regua/bureau-standin';
import { connectMongo, type Connection } from '@regua/mongo';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { createHttpBureau, type BureauClient } from '../src/bureau/http-bureau.ts';
import { cacheKey, createBureauLookup } from '../src/bureau/lookup.ts';
import { createBureauBudget } from '../src/store/bureau-budget.ts';
import { createBureauCache } from '../src/store/bureau-cache.ts';

const TOKEN = 'test-token';
const DAY = 86_400_000;
const logger = createLogger({ service: 'test', level: 'silent' });
const CPFS = ['52998224725', '11144477735', '39053344705', '15350946056'];

describe('bureau lookups with cache and budget', () => {
  let standIn: BureauStandIn;
  let db: Connection;
  let client: BureauClient;
  const START = new Date('2026-11-26T15:00:00Z');
  let now = START;
  const clock = { now: () => now };

  beforeAll(async () => {
    standIn = await startBureauStandIn({ token: TOKEN, latencyMs: [5, 20] });
    db = await connectMongo({ url: testEndpoints().mongoUrl, dbName: uniqueName('enrichment_bureau'), logger });
    client = createHttpBureau({ url: standIn.url, token: TOKEN, timeoutMs: 1_000, retry: { retries: 0, baseDelayMs: 10, maxDelayMs: 100 }, breaker: { failures: 3, resetMs: 60_000, windowMs: 60_000 }, logger });
  });
  afterAll(async () => {
    client?.close();
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
    await standIn?.close();
  });
  beforeEach(() => {
    standIn.reset();
    now = START;
  });

  const lookup = (dailyBudget = 100) => createBureauLookup({ client, cache: createBureauCache(db, { ttlDays: 30 }), budget: createBureauBudget(db), dailyBudget, ttlDays: 30, concurrency: 4, clock, logger });

  test('Given a person looked up once, then a second run (and a second invoice in the same run) finds the cache and does not call the bureau', async () => {
    const tenant = uniqueName('bank');
    const first = await lookup().lookupAll([{ tenant, cpf: CPFS[0]! }, { tenant, cpf: CPFS[0]! }]);
    expect(first.get(cacheKey(tenant, CPFS[0]!))).toMatchObject({ status: 'answered', fromCache: false });
    expect(standIn.requests(CPFS[0])).toBe(1);

    const second = await lookup().lookupAll([{ tenant, cpf: CPFS[0]! }]);
    expect(second.get(cacheKey(tenant, CPFS[0]!))).toMatchObject({ status: 'answered', fromCache: true });
    expect(standIn.requests(CPFS[0])).toBe(1);

    // Another creditor pays for its own lookup.
    await lookup().lookupAll([{ tenant: uniqueName('other'), cpf: CPFS[0]! }]);
    expect(standIn.requests(CPFS[0])).toBe(2);
  });

  test('Given the cached answer is older than the TTL, then the bureau is asked again, and the spans that hold nothing fresh are dropped', async () => {
    const tenant = uniqueName('bank');
    await lookup().lookupAll([{ tenant, cpf: CPFS[1]! }]);
    now = new Date(now.getTime() + 31 * DAY);
    await lookup().lookupAll([{ tenant, cpf: CPFS[1]! }]);
    expect(standIn.requests(CPFS[1])).toBe(2);

    now = new Date(now.getTime() + 61 * DAY);
    const dropped = await createBureauCache(db, { ttlDays: 30 }).dropExpired(now);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    const left = (await db.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('bureau_cache_'));
    expect(left.every((name) => !dropped.includes(name))).toBe(true);
  });

  test('Given the tenant\'s budget for the day is spent, then the bureau is not called and the debtor is marked over budget', async () => {
    const tenant = uniqueName('bank');
    const outcomes = await lookup(2).lookupAll(CPFS.slice(0, 3).map((cpf) => ({ tenant, cpf })));
    expect([...outcomes.values()].map((o) => o.status).sort()).toEqual(['answered', 'answered', 'over-budget']);
    expect(standIn.requests()).toBe(2);

    const later = await lookup(2).lookupAll([{ tenant, cpf: CPFS[3]! }]);
    expect(later.get(cacheKey(tenant, CPFS[3]!))?.status).toBe('over-budget');
    expect(standIn.requests()).toBe(2);

    // The counter is one document per tenant and day, and refused lookups were given back.
    const counters = await db.db!.collection('bureau_budget_202611').find({ tenant }).toArray();
    expect(counters).toEqual([expect.objectContaining({ _id: `${tenant}:2026-11-26`, reserved: 2 })]);
  });
});
