// Judicial tracking on the real broker and database: a case opened with a checked CNJ number (an invalid one refused
// with its field path), movements through the API and a law firm's file, and an agreement in court closing the case
// like a payment (collection stops: the close event; a bureau registration is withdrawn).
import { BureauWithdrawnV1, JudicialCaseClosedV1, JudicialCaseOpenedV1, JudicialMovementRecordedV1 } from '@regua/contracts';
import { waitFor } from '@regua/testing';
import { startLegalHarness, type LegalHarness } from './support.ts';

const START = new Date('2026-03-02T15:00:00Z');
const PROCESS = '1002345-10.2023.8.26.0100';
const OTHER_PROCESS = '0000832-35.2018.4.01.3202';

describe('judicial tracking', () => {
  let h: LegalHarness;

  beforeAll(async () => {
    h = await startLegalHarness(START);
  });

  afterAll(async () => {
    await h?.stop();
  });

  const openBody = (processNumber: string) => ({ processNumber, court: '2ª Vara Cível do Foro Central de São Paulo', lawFirm: 'Silva & Souza Advogados', claimAmountCents: 350_000 });

  test('an invalid CNJ number is refused with 400 and the field path; nothing is opened', async () => {
    const { caseId } = await h.openCase();
    const refused = await h.call('POST', `/v1/cases/${caseId}/judicial`, { ...openBody('1002345-11.2023.8.26.0100'), claimAmountCents: 12.5 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['claimAmountCents', 'processNumber']);
    expect(refused.body.error.details.find((d: { path: string }) => d.path === 'processNumber').message).toContain('check digits');
    expect((await h.call('GET', `/v1/cases/${caseId}/legal`)).body.judicial).toBeNull();
  });

  test('a case opened with a valid CNJ number, a movement recorded, and an agreement in court closing it like a payment', async () => {
    const { caseId, invoiceId } = await h.openCase({ dueDate: '2026-01-05', amountCents: 15_990 });
    // A registration in place, so the closing shows on the bureau track too.
    await h.call('POST', `/v1/cases/${caseId}/bureau-registration`);
    await h.tick();
    h.clock.at = new Date((await h.call('GET', `/v1/cases/${caseId}/legal`)).body.bureau.notice.registerNotBefore);
    await h.tick();
    expect((await h.call('GET', `/v1/cases/${caseId}/legal`)).body.bureau.status).toBe('registered');

    const opened = await h.call('POST', `/v1/cases/${caseId}/judicial`, openBody('10023451020238260100'));
    expect(opened).toMatchObject({ status: 201, body: { processNumber: PROCESS, status: 'open', amicableContact: 'stop', claimAmountCents: 350_000 } });
    expect((await h.call('POST', `/v1/cases/${caseId}/judicial`, openBody(PROCESS))).status).toBe(200);
    expect((await h.call('POST', `/v1/cases/${caseId}/judicial`, openBody(OTHER_PROCESS))).status).toBe(409);
    const openedEvent = await waitFor('case-opened event', () => h.published(JudicialCaseOpenedV1.topic).find((e) => e.data.caseId === caseId));
    expect(openedEvent.data).toMatchObject({ processNumber: PROCESS, invoiceIds: [invoiceId], amicableContact: 'stop', claimAmountCents: 350_000 });

    const hearing = await h.call('POST', `/v1/cases/${caseId}/judicial/movements`, { kind: 'hearing-scheduled', date: '2026-03-20', hearingAt: '2026-04-15T14:00:00-03:00', movementId: 'firm-1' });
    expect(hearing).toMatchObject({ status: 201, body: { movementId: 'firm-1', duplicate: false, status: 'open' } });
    expect(await h.call('POST', `/v1/cases/${caseId}/judicial/movements`, { kind: 'hearing-scheduled', date: '2026-03-20', hearingAt: '2026-04-15T14:00:00-03:00', movementId: 'firm-1' })).toMatchObject({ status: 200, body: { duplicate: true } });
    const missing = await h.call('POST', `/v1/cases/${caseId}/judicial/movements`, { kind: 'sentence', date: '2026-03-21' });
    expect(missing).toMatchObject({ status: 400, body: { error: { details: [{ path: 'sentence' }] } } });
    await waitFor('movement event', () => h.published(JudicialMovementRecordedV1.topic).find((e) => e.data.caseId === caseId && e.data.kind === 'hearing-scheduled'));

    const agreement = await h.call('POST', `/v1/cases/${caseId}/judicial/movements`, { kind: 'agreement-in-court', date: '2026-04-15', amountCents: 300_000, description: 'acordo homologado em audiência' });
    expect(agreement).toMatchObject({ status: 201, body: { status: 'closed' } });
    const closed = await waitFor('case-closed event', () => h.published(JudicialCaseClosedV1.topic).find((e) => e.data.caseId === caseId));
    expect(closed.data).toMatchObject({ outcome: 'agreement-in-court', agreedCents: 300_000, closedOn: '2026-04-15', invoiceIds: [invoiceId], processNumber: PROCESS });
    expect((await h.call('POST', `/v1/cases/${caseId}/judicial/movements`, { kind: 'archived', date: '2026-05-01' })).status).toBe(409);

    // Closed like a payment: the registration is withdrawn within the deadline, and no new one can be requested.
    await h.tick();
    const withdrawn = await waitFor('withdrawn event', () => h.published(BureauWithdrawnV1.topic).find((e) => e.data.caseId === caseId));
    expect(withdrawn.data).toMatchObject({ reason: 'court-agreement', withinDeadline: true });
    expect(await h.call('POST', `/v1/cases/${caseId}/bureau-registration`)).toMatchObject({ status: 409, body: { error: { details: { reason: 'settled-in-court' } } } });

    const view = (await h.call('GET', `/v1/cases/${caseId}/legal`)).body;
    expect(view.judicial).toMatchObject({ status: 'closed', closedOn: '2026-04-15', movements: [{ kind: 'hearing-scheduled' }, { kind: 'agreement-in-court', amountCents: 300_000 }] });
    const tracks = view.timeline.map((t: { track: string; what: string }) => `${t.track}: ${t.what}`);
    expect(tracks).toEqual(expect.arrayContaining([expect.stringContaining(`judicial: in court: process ${PROCESS}`), expect.stringContaining('judicial: agreement-in-court on 2026-04-15'), expect.stringContaining('bureau: withdrawn at the bureau (court-agreement)')]));
  });

  test('a law firm\'s movements file: valid lines recorded, bad ones reported with line, column and path', async () => {
    h.clock.at = START;
    const { caseId } = await h.openCase();
    expect((await h.call('POST', `/v1/cases/${caseId}/judicial`, openBody(OTHER_PROCESS))).status).toBe(201);
    const file = [
      'process_number,kind,date,hearing_at,sentence,amount_cents,description',
      `${OTHER_PROCESS},hearing-scheduled,2026-03-10,2026-03-30T10:00:00-03:00,,,audiência de conciliação`,
      `${OTHER_PROCESS},sentence,2026-03-31,,favourable,,"procedente, com custas"`,
      '0000832-36.2018.4.01.3202,sentence,2026-03-31,,favourable,,',
      `${OTHER_PROCESS},sentence,2026-02-30,,,,`,
      '5001234-03.2024.4.03.6100,archived,2026-04-01,,,,',
      `${OTHER_PROCESS},hearing-scheduled,2026-03-10,2026-03-30T10:00:00-03:00,,,audiência de conciliação`,
    ].join('\n');
    const report = await h.call('POST', '/v1/judicial/movements:import', file);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ lines: 6, recorded: 2, duplicates: 1 });
    expect(report.body.errors.map(({ line, column, path }: { line: number; column: string; path: string }) => ({ line, column, path }))).toEqual([
      { line: 4, column: 'process_number', path: 'processNumber' },
      { line: 5, column: 'date', path: 'date' },
      { line: 5, column: 'sentence', path: 'sentence' },
      { line: 6, column: 'process_number', path: 'processNumber' },
    ]);
    expect(report.body.errors[3].message).toBe('no judicial case with this process number');
    const view = (await h.call('GET', `/v1/cases/${caseId}/legal`)).body;
    expect(view.judicial.movements).toMatchObject([{ kind: 'hearing-scheduled', source: 'file' }, { kind: 'sentence', sentence: 'favourable', description: 'procedente, com custas' }]);

    const badHeader = await h.call('POST', '/v1/judicial/movements:import', 'processo,kind,date\n');
    expect(badHeader).toMatchObject({ status: 400, body: { error: { details: [{ path: 'header', message: 'unknown column "processo"' }, { path: 'header', message: 'missing column "process_number"' }] } } });
  });
});
