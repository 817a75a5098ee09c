import { parse } from 'csv-parse/sync';
import { buildEnvelope, debtorKey, JudicialCaseClosedV1, JudicialCaseOpenedV1, JudicialMovementRecordedV1 } from '@regua/contracts';
import { ConflictError, NotFoundError, ValidationError } from '@regua/errors';
import type { EventPublisher, OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { localDate } from './domain/calendar.ts';
import { movementIdOf, statusAfter, type Movement, type OpenJudicialCase } from './domain/judicial.ts';
import { checkMovementsHeader, movementFromRow, type CsvLineError } from './domain/movements-csv.ts';
import type { Negativacao } from './negativacao.ts';
import type { JudicialCaseDoc, JudicialStore } from './store/judicial.ts';
import type { Projection } from './store/projection.ts';
import type { SettingsStore } from './store/settings.ts';

export interface JudicialDeps {
  store: JudicialStore;
  projection: Projection;
  settings: SettingsStore;
  negativacao: Negativacao;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
}

export interface MovementOutcome {
  movementId: string;
  duplicate: boolean;
  status: JudicialCaseDoc['status'];
}

/**
 * Judicial tracking: a case moves to court with a checked CNJ number; movements are recorded from the API or a law
 * firm's file; an agreement in court closes the case like a payment (collection stops, any bureau registration is
 * withdrawn). Events are published after the write, with ids derived from the case and the movement, so a retry
 * publishes the same events again and consumers drop them.
 */
export function createJudicial(deps: JudicialDeps) {
  const { store, clock } = deps;

  const message = <D extends typeof JudicialCaseOpenedV1 | typeof JudicialMovementRecordedV1 | typeof JudicialCaseClosedV1>(definition: D, doc: JudicialCaseDoc, purpose: string, data: unknown): OutgoingMessage => ({
    topic: definition.topic,
    key: debtorKey(doc.tenant, doc.debtorId),
    envelope: buildEnvelope(definition as never, { id: derivedEventId(`${doc._id}:${doc.processNumber}`, purpose), occurredAt: clock.now(), source: deps.source, tenant: doc.tenant, correlationId: `${doc._id}:${doc.processNumber}` }, data as never),
  });

  async function open(tenant: string, caseId: string, input: OpenJudicialCase): Promise<{ created: boolean; doc: JudicialCaseDoc }> {
    const known = await deps.projection.case(caseId);
    if (!known || known.tenant !== tenant) throw new NotFoundError(`no case ${caseId}`);
    const existing = await store.get(caseId);
    if (existing && existing.processNumber !== input.processNumber) throw new ConflictError(`the case is already in court under process ${existing.processNumber}`);
    if (!(await store.claimNumber(tenant, input.processNumber, caseId))) throw new ConflictError(`process ${input.processNumber} belongs to another case`);
    const { amicableContact } = (await deps.settings.get(tenant)).settings.judicial;
    const now = clock.now();
    const { doc, changed } = await store.update(caseId, (current) => {
      if (current) {
        if (current.processNumber !== input.processNumber) throw new ConflictError(`the case is already in court under process ${current.processNumber}`);
        return null;
      }
      return { _id: caseId, version: 0, tenant, debtorId: known.debtorId, invoiceIds: known.invoiceIds, ...input, amicableContact, status: 'open', openedAt: now, movements: [] };
    });
    await deps.publisher.publish([
      message(JudicialCaseOpenedV1, doc!, 'opened', {
        caseId,
        debtorId: doc!.debtorId,
        invoiceIds: doc!.invoiceIds,
        processNumber: doc!.processNumber,
        court: doc!.court,
        lawFirm: doc!.lawFirm,
        claimAmountCents: doc!.claimAmountCents,
        amicableContact: doc!.amicableContact,
        openedAt: doc!.openedAt.toISOString(),
      }),
    ]);
    return { created: changed, doc: doc! };
  }

  async function recordMovement(tenant: string, caseId: string, movement: Movement, source: 'api' | 'file'): Promise<MovementOutcome> {
    const existing = await store.get(caseId);
    if (!existing || existing.tenant !== tenant) throw new NotFoundError(`case ${caseId} is not in court`);
    const movementId = movementIdOf(existing.processNumber, movement);
    const now = clock.now();
    let duplicate = false;
    const { doc } = await store.update(caseId, (current) => {
      if (!current) return null;
      if (current.movements.some((m) => m.movementId === movementId)) {
        duplicate = true;
        return null;
      }
      if (current.status !== 'open') throw new ConflictError(`the judicial case is ${current.status}: no movement can be recorded`);
      const status = statusAfter(current.status, movement.kind);
      return { ...current, status, ...(status === 'closed' ? { closedOn: movement.date } : {}), movements: [...current.movements, { ...movement, movementId, recordedAt: now, source }] };
    });
    const recorded = doc!.movements.find((m) => m.movementId === movementId)!;
    const events = [
      message(JudicialMovementRecordedV1, doc!, `movement:${movementId}`, {
        caseId,
        debtorId: doc!.debtorId,
        processNumber: doc!.processNumber,
        movementId,
        kind: recorded.kind,
        date: recorded.date,
        ...(recorded.hearingAt ? { hearingAt: recorded.hearingAt } : {}),
        ...(recorded.sentence ? { sentence: recorded.sentence } : {}),
        ...(recorded.amountCents !== undefined ? { amountCents: recorded.amountCents } : {}),
        ...(recorded.description ? { description: recorded.description } : {}),
      }),
    ];
    const closes = recorded.kind === 'agreement-in-court';
    if (closes) {
      events.push(message(JudicialCaseClosedV1, doc!, 'closed', { caseId, debtorId: doc!.debtorId, invoiceIds: doc!.invoiceIds, processNumber: doc!.processNumber, outcome: 'agreement-in-court', ...(recorded.amountCents ? { agreedCents: recorded.amountCents } : {}), closedOn: recorded.date }));
    }
    await deps.publisher.publish(events);
    if (closes) {
      await deps.projection.updateCase(caseId, (current) => (current && !current.settledInCourt ? { ...current, settledInCourt: true } : null));
      await deps.negativacao.caseChanged(tenant, caseId, 'court-agreement', recorded.recordedAt, `agreement in court on ${recorded.date} (process ${doc!.processNumber})`);
    }
    return { movementId, duplicate, status: doc!.status };
  }

  /**
   * A law firm's movements file (movements-csv.ts): every line checked, valid ones recorded in order, each bad one
   * reported with its line, column and field; a header problem refuses the file whole.
   */
  async function importMovements(tenant: string, text: string): Promise<{ lines: number; recorded: number; duplicates: number; errors: CsvLineError[] }> {
    let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
    let header: string[] = [];
    try {
      rows = parse(text, {
        bom: true,
        skip_empty_lines: true,
        trim: true,
        info: true,
        columns: (names: string[]) => {
          header = names.map((n) => n.trim());
          return header;
        },
      }) as never;
    } catch (error) {
      throw new ValidationError('the movements file is not valid CSV', [{ path: 'body', message: (error as Error).message }]);
    }
    const problems = checkMovementsHeader(header);
    if (problems.length > 0) throw new ValidationError('the movements file\'s header is not valid', problems.map((message) => ({ path: 'header', message })));
    const errors: CsvLineError[] = [];
    let recorded = 0;
    let duplicates = 0;
    for (const { record, info } of rows) {
      const line = info.lines;
      const parsed = movementFromRow(record, line);
      if (!parsed.ok) {
        errors.push(...parsed.errors);
        continue;
      }
      const caseId = await store.caseOfNumber(tenant, parsed.processNumber);
      if (!caseId) {
        errors.push({ line, column: 'process_number', path: 'processNumber', message: 'no judicial case with this process number' });
        continue;
      }
      try {
        const outcome = await recordMovement(tenant, caseId, parsed.movement, 'file');
        if (outcome.duplicate) duplicates++;
        else recorded++;
      } catch (error) {
        if (!(error instanceof ConflictError || error instanceof NotFoundError)) throw error;
        errors.push({ line, path: 'kind', column: 'kind', message: error.message });
      }
    }
    deps.logger.info({ tenant, lines: rows.length, recorded, duplicates, errors: errors.length, on: localDate(clock.now()) }, 'judicial movements imported');
    return { lines: rows.length, recorded, duplicates, errors };
  }

  return { open, recordMovement, importMovements, get: (caseId: string) => store.get(caseId) };
}

export type Judicial = ReturnType<typeof createJudicial>;
