// Contacts counted toward a debtor's caps: a first contact is inserted, a known debtor's pushed, none lost either way.
import { connectMongo, type Connection } from '@regua/mongo';
import { createLogger } from '@regua/telemetry';
import { testEndpoints, uniqueName } from '@regua/testing';
import { createDebtorContactStore, type ContactToCount, type DebtorContactStore } from '../src/store/debtors.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const AT = new Date('2026-11-24T13:00:00Z');

describe('debtor contacts counted toward the caps', () => {
  const { mongoUrl } = testEndpoints();
  const tenant = uniqueName('bank');
  let db: Connection;
  let debtors: DebtorContactStore;

  beforeAll(async () => {
    db = await connectMongo({ url: mongoUrl, dbName: uniqueName('debtor-contacts'), logger });
    debtors = createDebtorContactStore(db);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  const contact = (debtorId: string, caseId: string, known: boolean, minutes = 0): ContactToCount => ({ tenant, debtorId, known, contact: { at: new Date(AT.getTime() + minutes * 60_000), channel: 'email', caseId, step: 1 } });
  const recentOf = async (debtorId: string) => ((await debtors.find(tenant, debtorId))?.recent ?? []).map((c) => c.caseId);

  test('a first contact, two cases of one new debtor, a debtor another dispatcher created meanwhile, and a known debtor: every contact is kept once', async () => {
    // Known to the caller (read before), and one the caller missed: both already have a document.
    await debtors.recordContacts([contact('known', 'case-k0', false)]);
    await debtors.recordContacts([contact('raced', 'case-r0', false)]);
    expect(await recentOf('known')).toEqual(['case-k0']);

    await debtors.recordContacts([contact('new', 'case-n1', false), contact('new', 'case-n2', false, 1), contact('raced', 'case-r1', false), contact('known', 'case-k1', true)]);

    expect(await recentOf('new')).toEqual(['case-n1', 'case-n2']);
    expect(await recentOf('raced')).toEqual(['case-r0', 'case-r1']);
    expect(await recentOf('known')).toEqual(['case-k0', 'case-k1']);
    const created = await debtors.find(tenant, 'new');
    expect(created).toMatchObject({ tenant, debtorId: 'new', optOuts: {}, consents: [] });
  });

  test('an opt-out recorded before the first contact stays', async () => {
    await debtors.optOut(tenant, 'opted', 'sms', 'reply PARAR', AT);
    await debtors.recordContacts([contact('opted', 'case-o1', false)]);
    const doc = await debtors.find(tenant, 'opted');
    expect(doc?.optOuts.sms).toMatchObject({ source: 'reply PARAR' });
    expect(doc?.recent.map((c) => c.caseId)).toEqual(['case-o1']);
  });
});
