import { ConflictError } from '@regua/errors';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { SettlementBatches } from './cnab-batch.ts';
import { movementRecord, settlementToPayment, type MovementRecord, type SettlementPayment } from './domain/cnab-settlement.ts';
import { Cnab240Error } from './domain/cnab240.ts';
import { IssueList, scanCnab240 } from './domain/cnab240-stream.ts';
import type { CnabFileEntry, CnabFileProgressStore } from './store/cnab-file-progress.ts';
import type { CnabFileCounts, CnabFileDoc, CnabFiles } from './store/cnab-files.ts';

/** Settlements applied together: one insert of payments, one publish, one progress update. */
export const CNAB_BATCH_SIZE = 1000;
/** Settlements and movements kept on the file record and in the answer; every one is in `cnab_file_entries`. */
export const CNAB_DETAIL_LIMIT = 1000;

export interface CnabImportDeps {
  files: CnabFiles;
  progress: CnabFileProgressStore;
  settlements: SettlementBatches;
  clock: Clock;
  logger: Logger;
  /** The source of the PaymentReceived events built from the file's settlements. */
  source: string;
  batchSize?: number;
}

/** The file's text, from its start, each time it is called: it is read twice (checked whole, then applied). */
export type CnabText = () => AsyncIterable<string> | Iterable<string>;

export interface CnabImportResult {
  fileId: string;
  /** True: this very file was processed before, and nothing was applied now; the figures are the first time's. */
  duplicate: boolean;
  bankCode: string;
  companyDocument: string;
  agreement: string;
  fileSequence: number;
  receivedAt: string;
  counts: CnabFileCounts;
  /** The first `CNAB_DETAIL_LIMIT` settlements, in line order. */
  settlements: NonNullable<CnabFileDoc['settlements']>;
  /** The first `CNAB_DETAIL_LIMIT` other movements, in line order. */
  movements: CnabFileDoc['movements'];
}

const resultOf = (file: CnabFileDoc, duplicate: boolean): CnabImportResult => ({
  fileId: file._id,
  duplicate,
  bankCode: file.bankCode,
  companyDocument: file.companyDocument,
  agreement: file.agreement,
  fileSequence: file.fileSequence,
  receivedAt: file.receivedAt.toISOString(),
  counts: file.counts ?? { settlements: 0, reconciled: 0, parked: 0, unmatched: 0, repeated: 0, movements: file.movements.length },
  settlements: file.settlements ?? [],
  movements: file.movements,
});

const movementEntry = (movement: MovementRecord): CnabFileEntry => ({ kind: 'movement', ...movement });

/**
 * CNAB 240 return files (uploaded or dropped in the inbox), of any size, in bounded memory: read twice as a stream
 * of lines. The first read checks the whole file (`scanCnab240`: line lengths, record order, counts, fields; and
 * every settlement's credit date, amount and nosso número) and computes its fingerprint, keeping only counters and
 * the first problems; a file with any problem is refused whole with a `Cnab240Error` (line and column) before
 * anything is applied. The second read applies the settlements in batches of `CNAB_BATCH_SIZE`
 * (`SettlementBatches`), recording progress on the file's record after each.
 *
 * A file is applied once: the same file again (same SHA-256 of its normalised content) applies nothing and answers
 * as the first time did, marked `duplicate`; another file claiming a sequence number (NSA) already processed for
 * that bank and agreement is refused with a `ConflictError`. A file stopped half-way (a crash) stays `processing`;
 * the next try applies it again from its first line, and each payment, keyed by its id, counts once.
 */
export function createCnabImport(deps: CnabImportDeps) {
  const batchSize = deps.batchSize ?? CNAB_BATCH_SIZE;

  async function check(text: CnabText) {
    const settlementIssues = new IssueList();
    const movements: MovementRecord[] = [];
    const summary = await scanCnab240(text(), (title, kind) => {
      if (kind === 'movement') {
        if (movements.length < CNAB_DETAIL_LIMIT) movements.push(movementRecord(title));
        return;
      }
      const mapped = settlementToPayment(title);
      if (!mapped.ok) for (const issue of mapped.issues) settlementIssues.add(issue.line, issue.column, issue.message);
    });
    if (settlementIssues.total > 0) throw new Cnab240Error(settlementIssues.sorted());
    return { summary, movements };
  }

  async function importText(tenant: string, text: CnabText, from: { origin: 'upload' | 'inbox'; name?: string }): Promise<CnabImportResult> {
      const checkStarted = performance.now();
      const { summary, movements } = await check(text);
      const validateMs = Math.round(performance.now() - checkStarted);
      const fileId = summary.sha256;
      const now = deps.clock.now();
      const claim = await deps.files.claim({
        _id: fileId,
        tenant,
        sequenceKey: [tenant, summary.bankCode, summary.companyDocument, summary.agreement, summary.fileSequence].join(':'),
        bankCode: summary.bankCode,
        companyDocument: summary.companyDocument,
        agreement: summary.agreement,
        fileSequence: summary.fileSequence,
        generatedOn: summary.generatedOn,
        origin: from.origin,
        ...(from.name ? { name: from.name } : {}),
        receivedAt: now,
        movements,
      });
      if (claim.kind === 'sequence-taken') {
        const message = `another file already holds sequence number (NSA) ${summary.fileSequence} of bank ${summary.bankCode}, agreement ${summary.agreement || '(none)'}${claim.by ? ` (file ${claim.by._id}, received ${claim.by.receivedAt.toISOString()})` : ''}: nothing applied`;
        throw new ConflictError(message, [{ path: 'line 1, column 158', message }]);
      }
      if (claim.kind === 'known') {
        // Said without the other creditor's figures: a file's content does not make its sender that creditor.
        if (claim.file.tenant !== tenant) throw new ConflictError('this file was taken in already, for another creditor: nothing applied');
        if (claim.file.status === 'processed') {
          deps.logger.info({ tenant, fileId, origin: from.origin }, 'CNAB 240 file already processed: nothing applied');
          return resultOf(claim.file, true);
        }
        deps.logger.warn({ tenant, fileId }, 'CNAB 240 file stopped half-way before: applied again from its first line (settlements already applied count once)');
      }

      const applyStarted = performance.now();
      const settlements: NonNullable<CnabFileDoc['settlements']> = [];
      const counts: CnabFileCounts = { settlements: summary.settlements, reconciled: 0, parked: 0, unmatched: 0, repeated: 0, movements: summary.movements };
      const context = { source: deps.source, correlationId: `cnab240:${fileId}`, occurredAt: now };
      let batch: SettlementPayment[] = [];
      let movementBatch: CnabFileEntry[] = [];
      let linesDone = 0;
      let applied = 0;

      const flush = async () => {
        const outcomes = batch.length > 0 ? await deps.settlements.apply(tenant, batch, context) : [];
        const entries: CnabFileEntry[] = [...movementBatch];
        for (const result of outcomes) {
          counts[result.outcome] += 1;
          if (result.repeated) counts.repeated += 1;
          const settlement = { line: result.line, paymentId: result.paymentId, outcome: result.outcome, ...(result.invoiceId ? { invoiceId: result.invoiceId } : {}) };
          if (settlements.length < CNAB_DETAIL_LIMIT) settlements.push(settlement);
          entries.push({ kind: 'settlement', ...settlement });
        }
        applied += outcomes.length;
        batch = [];
        movementBatch = [];
        await deps.progress.addEntries(fileId, entries.sort((a, b) => a.line - b.line));
        await deps.progress.record(fileId, { linesDone, lines: summary.lines, settlementsApplied: applied, counts: { ...counts }, updatedAt: deps.clock.now() });
        deps.logger.info({ tenant, fileId, linesDone, lines: summary.lines, settlementsApplied: applied, settlements: summary.settlements }, 'CNAB 240 file: batch applied');
      };

      const again = await scanCnab240(text(), async (title, kind) => {
        // The title's segment U is the line after its T.
        linesDone = title.line + 1;
        if (kind === 'movement') movementBatch.push(movementEntry(movementRecord(title)));
        else {
          const mapped = settlementToPayment(title);
          if (!mapped.ok) throw new Error(`CNAB file ${fileId} line ${title.line}: a settlement checked before is not valid now`);
          batch.push(mapped.payment);
        }
        if (batch.length >= batchSize || movementBatch.length >= batchSize) await flush();
      });
      if (again.sha256 !== fileId) throw new Error(`CNAB file ${fileId} changed while it was applied (now ${again.sha256}): left in processing, to be taken again`);
      linesDone = again.lines;
      await flush();

      const processedAt = deps.clock.now();
      await deps.files.complete(fileId, { counts, settlements, processedAt });
      const applyMs = Math.round(performance.now() - applyStarted);
      deps.logger.info({ tenant, fileId, origin: from.origin, bankCode: summary.bankCode, fileSequence: summary.fileSequence, lines: summary.lines, validateMs, applyMs, ...counts }, 'CNAB 240 file processed');
      const file = await deps.files.find(fileId);
      if (!file) throw new Error(`CNAB file ${fileId} vanished while it was processed`);
      return resultOf(file, false);
  }

  return {
    importText,
    /** A file already in memory (a small one). */
    importFile: (tenant: string, content: string, from: { origin: 'upload' | 'inbox'; name?: string }) => importText(tenant, () => [content], from),
  };
}

export type CnabImport = ReturnType<typeof createCnabImport>;
