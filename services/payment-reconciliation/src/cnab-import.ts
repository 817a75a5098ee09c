import { ConflictError } from '@regua/errors';
import { forEachConcurrently } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { movementRecord, settlementPayments } from './domain/cnab-settlement.ts';
import { Cnab240Error, fileFingerprint, parseCnab240Return } from './domain/cnab240.ts';
import { receivedEvent, type Reconciliation } from './reconciliation.ts';
import type { CnabFileCounts, CnabFileDoc, CnabFiles } from './store/cnab-files.ts';

/** Settlements handed to the matcher at once: each is a few reads and writes by `_id` and one publish. */
const SETTLEMENT_CONCURRENCY = 8;

export interface CnabImportDeps {
  files: CnabFiles;
  reconciliation: Reconciliation;
  clock: Clock;
  logger: Logger;
  source: string;
}

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
  settlements: NonNullable<CnabFileDoc['settlements']>;
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

/**
 * CNAB 240 return files (uploaded or dropped in the inbox): each settlement becomes a payment, matched by the same
 * code as the Kafka doors. A file is applied once: the same file again (same SHA-256 of its normalised content)
 * applies nothing and answers as the first time did, marked `duplicate`; another file claiming a sequence number
 * (NSA) already processed for that bank and agreement is refused with a `ConflictError`; a file that cannot be read
 * whole is refused with a `Cnab240Error` (every problem with its line and column) and leaves no trace, so a
 * corrected file may follow.
 */
export function createCnabImport(deps: CnabImportDeps) {
  return {
    async importFile(tenant: string, content: string, from: { origin: 'upload' | 'inbox'; name?: string }): Promise<CnabImportResult> {
      const parsed = parseCnab240Return(content);
      const { payments, issues } = settlementPayments(parsed);
      if (issues.length > 0) throw new Cnab240Error(issues.sort((a, b) => a.line - b.line || a.column - b.column));
      const fingerprint = fileFingerprint(content);
      const now = deps.clock.now();
      const movements = parsed.movements.map(movementRecord);
      const claim = await deps.files.claim({
        _id: fingerprint.sha256,
        tenant,
        sequenceKey: [tenant, fingerprint.bankCode, fingerprint.companyDocument, fingerprint.agreement, fingerprint.fileSequence].join(':'),
        bankCode: fingerprint.bankCode,
        companyDocument: fingerprint.companyDocument,
        agreement: fingerprint.agreement,
        fileSequence: fingerprint.fileSequence,
        generatedOn: parsed.generatedOn,
        origin: from.origin,
        ...(from.name ? { name: from.name } : {}),
        receivedAt: now,
        movements,
      });
      if (claim.kind === 'sequence-taken') {
        const message = `another file already holds sequence number (NSA) ${fingerprint.fileSequence} of bank ${fingerprint.bankCode}, agreement ${fingerprint.agreement || '(none)'}${claim.by ? ` (file ${claim.by._id}, received ${claim.by.receivedAt.toISOString()})` : ''}: nothing applied`;
        throw new ConflictError(message, [{ path: 'line 1, column 158', message }]);
      }
      if (claim.kind === 'known') {
        // Said without the other creditor's figures: a file's content does not make its sender that creditor.
        if (claim.file.tenant !== tenant) throw new ConflictError('this file was taken in already, for another creditor: nothing applied');
        if (claim.file.status === 'processed') {
          deps.logger.info({ tenant, fileId: claim.file._id, origin: from.origin }, 'CNAB 240 file already processed: nothing applied');
          return resultOf(claim.file, true);
        }
        deps.logger.warn({ tenant, fileId: claim.file._id }, 'CNAB 240 file stopped half-way before: taken up again (settlements already applied count once)');
      }

      const settlements: NonNullable<CnabFileDoc['settlements']> = [];
      const counts: CnabFileCounts = { settlements: payments.length, reconciled: 0, parked: 0, unmatched: 0, repeated: 0, movements: movements.length };
      const context = { source: deps.source, correlationId: `cnab240:${fingerprint.sha256}`, occurredAt: now };
      await forEachConcurrently(payments, SETTLEMENT_CONCURRENCY, async (payment) => {
        const result = await deps.reconciliation.receive(receivedEvent(tenant, payment.data, context), { ourNumber: payment.ourNumber });
        // Boleto settlements carry no Pix txid, so none is an agreement installment's; one would count as reconciled.
        const outcome = result.outcome === 'agreement' ? 'reconciled' : result.outcome;
        counts[outcome] += 1;
        if (result.repeated) counts.repeated += 1;
        settlements.push({ line: payment.line, paymentId: payment.data.paymentId, outcome, ...(result.outcome === 'reconciled' ? { invoiceId: result.invoiceId } : {}) });
      });
      settlements.sort((a, b) => a.line - b.line);
      const processedAt = deps.clock.now();
      await deps.files.complete(fingerprint.sha256, { counts, settlements, processedAt });
      deps.logger.info({ tenant, fileId: fingerprint.sha256, origin: from.origin, bankCode: fingerprint.bankCode, fileSequence: fingerprint.fileSequence, ...counts }, 'CNAB 240 file processed');
      const file = await deps.files.find(fingerprint.sha256);
      if (!file) throw new Error(`CNAB file ${fingerprint.sha256} vanished while it was processed`);
      return resultOf(file, false);
    },
  };
}

export type CnabImport = ReturnType<typeof createCnabImport>;
