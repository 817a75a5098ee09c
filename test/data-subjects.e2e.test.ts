import { randomUUID } from 'node:crypto';
import { DataSubjectErasureRequestedV1, exampleInvoice, exampleSubmission, type Invoice } from '@regua/contracts';
import { recordTopics, testEndpoints, uniqueName, waitFor } from '@regua/testing';
import { manualClock, startPipeline, type Pipeline } from './support/pipeline.ts';

// Tuesday 10:00 in São Paulo: inside the debtors' contact hours, so first reminders go out at once.
const TUESDAY_MORNING = new Date('2026-11-24T13:00:00Z');

/** Person A (the example debtor) and person B: what identifies each, as sent and as services store it. */
const MARIA = { cpf: '529.982.247-25', traces: ['Maria', '52998224725', 'maria.silva@example.com', '98765-4321', '5511987654321', '34567890', '3456-7890', 'Rua das Flores', '01001000'] };
const JOAO = { cpf: '111.444.777-35', traces: ['João', '11144477735', 'joao.pereira@example.org', '5521998761234'] };

/** Case-insensitive: services lower-case e-mails, ingestion keeps them as sent. */
function expectNone(text: string, traces: string[]) {
  const lower = text.toLowerCase();
  for (const trace of traces) expect({ trace, found: lower.includes(trace.toLowerCase()) }).toEqual({ trace, found: false });
}

function invoiceOf(externalId: string, person: 'maria' | 'joao', debtorId: string): Invoice {
  const base = exampleInvoice({ externalId });
  if (person === 'maria') return { ...base, debtor: { ...base.debtor, externalId: debtorId } };
  return {
    ...base,
    amountCents: 9990,
    debtor: { externalId: debtorId, name: 'João Pereira', taxId: { type: 'cpf', number: '11144477735' }, emails: ['joao.pereira@example.org'], phones: ['(21) 99876-1234'], address: { street: 'Avenida Atlântica', number: '500', district: 'Copacabana', city: 'Rio de Janeiro', uf: 'RJ', cep: '22010000' } },
  };
}

describe('data-subject export and erasure (LGPD), on the real broker and database', () => {
  const clock = manualClock(TUESDAY_MORNING);
  const other = { tenant: uniqueName('other-bank'), apiKey: `key-${uniqueName('o')}` };
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline(clock, { extraTenants: [other] });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  const call = (method: string, path: string, apiKey: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${pipeline.ingestion.port}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const ingest = async (apiKey: string, invoice: Invoice) => {
    const response = await call('POST', '/v1/invoices', apiKey, exampleSubmission(randomUUID(), '2026-11-20T12:00:00-03:00', invoice));
    expect(response.status).toBe(202);
    return ((await response.json()) as { invoiceId: string }).invoiceId;
  };
  const exportOf = async (apiKey: string, taxId: string) => {
    const response = await call('POST', '/v1/data-subjects:export', apiKey, { taxId, reason: 'titular pediu acesso aos dados (art. 18 II)' });
    expect(response.status).toBe(200);
    return (await response.json()) as { requestId: string; invoices: Array<{ invoiceId: string; invoice: Invoice; history: unknown[] }> };
  };
  const dbOf = (service: keyof Pick<Pipeline, 'ingestion' | 'enrichment' | 'scoring' | 'notification' | 'payments'>) => pipeline[service].context.db;
  /** Every document of the given ids in each personal-data collection of every service, as text. */
  const storedAbout = async (invoiceIds: string[]) => {
    const byId = { _id: { $in: invoiceIds } } as never;
    // Notification keeps one case per debtor and creditor: the invoices' cases, and every contact of their steps.
    const caseIds = [...new Set([...(await pipeline.notification.cases.caseIdsOf(invoiceIds)).values()])];
    const deliveryIds = caseIds.flatMap((id) => Array.from({ length: 30 }, (_, step) => ['email', 'sms', 'whatsapp', 'voice'].map((channel) => `${id}:${step}:${channel}`)).flat());
    const found = await Promise.all([
      dbOf('ingestion').collection('invoices').find(byId).toArray(),
      dbOf('enrichment').collection('debtor_profiles').find(byId).toArray(),
      dbOf('scoring').collection('scores').find(byId).toArray(),
      dbOf('notification').collection('cases').find({ _id: { $in: caseIds } } as never).toArray(),
      dbOf('notification').collection('deliveries').find({ _id: { $in: deliveryIds } } as never).toArray(),
      dbOf('payments').collection('receivables').find(byId).toArray(),
    ]);
    return { counts: found.map((docs) => docs.length), text: JSON.stringify(found) };
  };

  test('a creditor exports and erases one person: every service forgets them, the other person and the other creditor keep theirs', async () => {
    const erasures = await recordTopics(testEndpoints().kafkaBrokers, [pipeline.namespace + DataSubjectErasureRequestedV1.topic]);
    try {
      // Given two invoices of Maria (under two customer ids) and one of João at the creditor, and one of Maria at another creditor
      const mariaInvoices = [await ingest(pipeline.apiKey, invoiceOf('INV-M1', 'maria', 'CUST-M')), await ingest(pipeline.apiKey, invoiceOf('INV-M2', 'maria', 'CUST-M-OLD'))];
      const joaoInvoice = await ingest(pipeline.apiKey, invoiceOf('INV-J1', 'joao', 'CUST-J'));
      const elsewhere = await ingest(other.apiKey, invoiceOf('INV-X1', 'maria', 'CLIENTE-9'));
      const all = [...mariaInvoices, joaoInvoice, elsewhere];

      // And the pipeline has run: each invoice has its profile, score, case with a first reminder, and receivable
      await waitFor('first reminders', async () => ((await Promise.all(all.map((id) => pipeline.notification.cases.deliveriesFor(id)))).every((d) => d.length >= 1) ? true : undefined), 60_000);
      const sentBefore = new Map(await Promise.all(mariaInvoices.map(async (id) => [id, (await pipeline.notification.cases.deliveriesFor(id)).length] as const)));
      await waitFor('receivables', async () => ((await dbOf('payments').collection('receivables').countDocuments({ _id: { $in: all } } as never)) === all.length ? true : undefined));
      const before = await storedAbout(mariaInvoices);
      const contacts = [...sentBefore.values()].reduce((a, b) => a + b, 0);
      expect(before.counts).toEqual([2, 2, 2, 2, contacts, 2]);
      for (const trace of ['Maria', '5511987654321', '52998224725']) expect(before.text).toContain(trace);

      // When the creditor exports Maria's data, then it gets her two invoices with debtor data and history, nobody else's
      const exported = await exportOf(pipeline.apiKey, MARIA.cpf);
      expect(exported.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(exported.invoices.map((i) => i.invoiceId).sort()).toEqual([...mariaInvoices].sort());
      expect(exported.invoices[0]!.invoice.debtor).toMatchObject({ name: 'Maria da Silva', taxId: { type: 'cpf', number: '52998224725' }, emails: ['Maria.Silva@example.com'] });
      expect(exported.invoices[0]!.history).toHaveLength(1);

      // And the other creditor, asking about the same CPF, sees only its own invoice; about João, nothing
      expect((await exportOf(other.apiKey, MARIA.cpf)).invoices.map((i) => i.invoiceId)).toEqual([elsewhere]);
      expect((await exportOf(other.apiKey, JOAO.cpf)).invoices).toEqual([]);

      // And the other creditor cannot erase João, who is not its debtor: nothing is found, nothing is published
      const refused = await call('POST', '/v1/data-subjects:erase', other.apiKey, { taxId: JOAO.cpf, reason: 'tentativa sobre titular alheio' });
      expect(refused.status).toBe(202);
      expect(await refused.json()).toMatchObject({ invoices: 0 });

      // And a bad request is answered 400 with the field paths
      const bad = await call('POST', '/v1/data-subjects:erase', pipeline.apiKey, { taxId: '529.982.247-24' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { details: Array<{ path: string }> } }).error.details.map((d) => d.path).sort()).toEqual(['reason', 'taxId']);

      // When the creditor asks to erase Maria
      const response = await call('POST', '/v1/data-subjects:erase', pipeline.apiKey, { taxId: MARIA.cpf, reason: 'titular pediu a eliminação (art. 18 VI)' });
      expect(response.status).toBe(202);
      const erasure = (await response.json()) as { requestId: string; invoices: number };
      expect(erasure.invoices).toBe(2);

      // Then ingestion shows the request done; to the other creditor it does not exist
      const status = await call('GET', `/v1/data-subjects/requests/${erasure.requestId}`, pipeline.apiKey);
      expect(status.status).toBe(200);
      expect(await status.json()).toMatchObject({ requestId: erasure.requestId, kind: 'erasure', invoices: 2, ingestion: { status: 'done' }, eventsPublished: 1 });
      expect((await call('GET', `/v1/data-subjects/requests/${erasure.requestId}`, other.apiKey)).status).toBe(404);

      // And every service that holds personal data records the request done
      for (const service of ['enrichment', 'scoring', 'notification'] as const) {
        await waitFor(`${service} erasure done`, async () => {
          const record = await dbOf(service).collection('data_subject_requests').findOne({ _id: erasure.requestId } as never);
          return record && (record.partsDone as number[]).length === record.parts ? record : undefined;
        });
      }

      // And the event carried ids only, never the CPF or the name
      await waitFor('erasure event recorded', () => (erasures.messages.length > 0 ? true : undefined));
      const published = erasures.messages.map((m) => m.value?.toString() ?? '').join('\n');
      expectNone(published, MARIA.traces);
      expect(erasures.messages[0]!.json<{ data: { invoices: Array<{ invoiceId: string; debtorId: string }> } }>().data.invoices).toEqual(expect.arrayContaining([{ invoiceId: mariaInvoices[0], debtorId: 'CUST-M' }, { invoiceId: mariaInvoices[1], debtorId: 'CUST-M-OLD' }]));

      // And nothing that identifies Maria is left in any service's database, while her documents and figures are
      const after = await storedAbout(mariaInvoices);
      expect(after.counts).toEqual([2, 2, 2, 2, contacts, 2]);
      expectNone(after.text, MARIA.traces);
      const invoice = await dbOf('ingestion').collection('invoices').findOne({ _id: mariaInvoices[0] } as never);
      expect(invoice).toMatchObject({ externalId: 'INV-M1', invoice: { amountCents: 123456, dueDate: '2026-11-05', debtor: { externalId: 'CUST-M', name: '[erased]', emails: [], phones: [] } } });
      const erasedCase = await pipeline.notification.cases.caseOf(mariaInvoices[0]!);
      expect(erasedCase).toMatchObject({ status: 'closed', closeReason: expect.stringMatching(/erased/) });
      expect(erasedCase?.profile).toMatchObject({ debtorName: '[erased]', contacts: { emails: [], mobilePhones: [], landlines: [] } });

      // And no further reminder goes to Maria when her next steps fall due
      clock.advance(20 * 86_400_000);
      await pipeline.notification.dispatcher.runDue();
      for (const id of mariaInvoices) expect(await pipeline.notification.cases.deliveriesFor(id)).toHaveLength(sentBefore.get(id)!);
      expectNone((await storedAbout(mariaInvoices)).text, MARIA.traces);

      // And João's data, and Maria's at the other creditor, are intact
      const joao = await storedAbout([joaoInvoice]);
      for (const trace of ['João', '11144477735', '5521998761234']) expect(joao.text).toContain(trace);
      expect((await pipeline.notification.cases.caseOf(joaoInvoice))?.status).toBe('open');
      const atOtherCreditor = await storedAbout([elsewhere]);
      for (const trace of ['Maria', '52998224725', '5511987654321']) expect(atOtherCreditor.text).toContain(trace);

      // And an export now finds nothing of Maria at this creditor
      expect((await exportOf(pipeline.apiKey, MARIA.cpf)).invoices).toEqual([]);

      // And every request is in the audit log, with who, when, why and how many documents, never the CPF
      const audit = await dbOf('ingestion').collection('audit_log').find({}).toArray();
      expect(audit).toHaveLength(6);
      expect(audit.find((a) => a.requestId === erasure.requestId)).toMatchObject({ action: 'data-subject.erasure', tenant: pipeline.tenant, actor: { tenant: pipeline.tenant, credential: 'api-key' }, reason: 'titular pediu a eliminação (art. 18 VI)', documents: 2, at: expect.any(Date) });
      expect(audit.find((a) => a.requestId === exported.requestId)).toMatchObject({ action: 'data-subject.export', tenant: pipeline.tenant, documents: 2 });
      expect(audit.filter((a) => a.tenant === other.tenant).map((a) => [a.action, a.documents])).toEqual(expect.arrayContaining([['data-subject.export', 1], ['data-subject.export', 0], ['data-subject.erasure', 0]]));
      const auditText = JSON.stringify(audit);
      expectNone(auditText, [...MARIA.traces, ...JOAO.traces]);
    } finally {
      await erasures.stop();
    }
  });
});
