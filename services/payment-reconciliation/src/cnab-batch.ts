import { CaseSettledV1 } from '@regua/contracts';
import type { EventPublisher } from '@regua/kafka-bus';
import { forEachConcurrently } from '@regua/mongo';
import type { Clock } from '@regua/service-kit';
import type { SettlementPayment } from './domain/cnab-settlement.ts';
import { createOutbox, flushOutboxes, type CollectingOutbox } from './outbox.ts';
import { createReconcileStep, matchKeysOf, paymentDocId, paymentDocOf, type PaymentHints, type ReceiveResult, type ReconcileStepDeps } from './reconcile-step.ts';
import { receivedEvent, type PaymentReceived } from './reconciliation.ts';
import { mayBeCaseInstrument } from './instruments/plan.ts';
import type { CaseKeyDoc } from './store/instruments.ts';
import type { ReceivableDoc } from './store/ledger.ts';

/** Reads and writes by `_id` in flight at once for one batch (the connection pool is 32). */
const CONCURRENCY = 32;

/** The reconciliation's own deps (the same source, rules and follow-up, so both paths give the same results). */
export interface SettlementBatchDeps extends ReconcileStepDeps {
  publisher: EventPublisher;
  clock: Clock;
}

export interface SettlementOutcome {
  line: number;
  paymentId: string;
  outcome: 'reconciled' | 'parked' | 'unmatched';
  invoiceId?: string;
  repeated: boolean;
}

interface Pending {
  payment: SettlementPayment;
  event: PaymentReceived;
  hints: PaymentHints;
  out: CollectingOutbox;
  instrument: CaseKeyDoc | null;
  receivable: ReceivableDoc | null;
  firstTime: boolean;
  /** The invoice its seu número or nosso número names, if any. */
  named?: string | undefined;
  /** The invoice this settlement's payment is matched to as its first, in one insert for the batch (`matchFirstPayments`). */
  writeFirst?: string | undefined;
  /** The payment was matched to `receivable` as its first by that insert. */
  alreadyMatched?: boolean;
  result?: ReceiveResult;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = keyOf(item);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function outcomeOf(p: Pending): SettlementOutcome {
  const result = p.result;
  if (!result) throw new Error(`settlement at line ${p.payment.line} was not applied`);
  const base = { line: p.payment.line, paymentId: p.event.data.paymentId, repeated: result.repeated };
  if (result.outcome === 'reconciled') return { ...base, outcome: 'reconciled', invoiceId: result.invoiceId };
  if (result.outcome === 'agreement') return { ...base, outcome: 'reconciled' };
  return { ...base, outcome: result.outcome };
}

/**
 * Many CNAB settlements applied at once, each decided by the same step as `Reconciliation.receive`
 * (`createReconcileStep`: case instruments, then invoice id from seu número or the nosso número index, else parked;
 * then credit, late payment and case settled), so they give the same records and events (same ids). What can be
 * read for the whole batch is read first, and the step answered from it:
 * - the invoice each settlement names (seu número, else the nosso número index, by `_id` concurrently), and the
 *   case instrument of those that may be a case's (Régua's own seu número, or a blank one naming no invoice);
 * - a settlement of Régua's case instruments goes through the cases' own code, one at a time in line order, before
 *   the others (it spreads over several receivables);
 * - every other settlement's payment inserted with every other in one `insertMany` (idempotent by payment id);
 * - the common case, a boleto paid once, in one read and no update: the payment added as its receivable's first
 *   only if that has none yet, all of the batch's in one insert (`matchFirstPayments`);
 * - the others' receivables read by `_id` concurrently; each receivable's settlements then in line order, each
 *   seeing the receivable as the one before left it, receivables concurrently;
 * - the events kept in each settlement's outbox and published once for the batch, in line order; then the cases the
 *   batch settled marked so, in one insert.
 * Safe to repeat: a batch applied again records nothing new and publishes the same events. CNAB settlements carry
 * no Pix txid, so none is an agreement's installment (the step's agreement check reads nothing without one).
 */
export function createSettlementBatches(deps: SettlementBatchDeps) {
  const step = createReconcileStep(deps);

  return {
    /** Applies a batch of one tenant's settlements; the outcomes in the batch's order. */
    async apply(tenant: string, payments: readonly SettlementPayment[], context: { source: string; correlationId: string; occurredAt: Date }): Promise<SettlementOutcome[]> {
      const now = deps.clock.now();
      const pending: Pending[] = payments.map((payment) => ({ payment, event: receivedEvent(tenant, payment.data, context), hints: { ourNumber: payment.ourNumber }, out: createOutbox(), instrument: null, receivable: null, firstTime: false }));

      // The invoice each settlement names: its seu número's, else the one its nosso número is indexed under (one
      // read). Régua's own seu número names a case instrument, looked up first; a blank one that names no invoice may
      // be a case's too. (Nosso números are the bank's, unique per beneficiary: one that is both an invoice's and a
      // case's would be the creditor's data error; the invoice wins.)
      const { cases } = deps;
      const keysOf = (p: Pending) => matchKeysOf(p.event, p.hints);
      const ours = (p: Pending) => Boolean(cases && p.event.data.invoiceExternalId && mayBeCaseInstrument(p.event.data.invoiceExternalId));
      await forEachConcurrently(
        pending.filter((p) => !ours(p)),
        CONCURRENCY,
        async (p) => void (p.named = (await deps.ledger.invoiceIdOf(tenant, keysOf(p))) ?? undefined),
      );
      if (cases) {
        await forEachConcurrently(
          pending.filter((p) => ours(p) || (!p.named && mayBeCaseInstrument(p.event.data.invoiceExternalId))),
          CONCURRENCY,
          async (p) => void (p.instrument = await cases.instrumentOf(tenant, { txid: p.event.data.pixTxid, ourNumber: p.payment.ourNumber })),
        );
      }
      // Case settlements first, one at a time in line order (each spreads over several receivables), so the
      // receivables read and written below hold what they paid.
      for (const p of pending) {
        if (p.instrument) p.result = (await step.reconcileOne(p.event, p.hints, now, p.out, { ...step.live, caseInstrument: p.instrument })).result;
      }

      // A settlement that is the only one of the batch to name its invoice, and to pay under its payment id, is
      // matched as its receivable's first payment if it can be (`matchFirstPayments`, below); the others are read now. One that names nothing has
      // nothing to read (parked); Régua's seu número on a boleto that is no case's any more is matched as any other.
      const plain = pending.filter((p) => !p.result);
      const namings = countBy(plain, (p) => p.named);
      const paymentIds = countBy(plain, (p) => p.event.data.paymentId);
      for (const p of plain) if (p.named && namings.get(p.named) === 1 && paymentIds.get(p.event.data.paymentId) === 1) p.writeFirst = p.named;
      const read = async (p: Pending) => void (p.receivable = await deps.ledger.findReceivable(tenant, keysOf(p)));
      await forEachConcurrently(
        plain.filter((p) => !p.writeFirst && (p.named || ours(p))),
        CONCURRENCY,
        read,
      );
      const recorded = await deps.ledger.recordPayments(plain.map((p) => paymentDocOf(p.event, p.receivable?._id ?? p.writeFirst ?? null, now)));
      // The same payment twice in one file: the second is a repeat of the first.
      const seen = new Set<string>();
      for (const p of plain) {
        const id = paymentDocId(p.event);
        p.firstTime = recorded.has(id) && !seen.has(id);
        seen.add(id);
      }

      // Matched first: the payment added as the first of a receivable that has none yet (so it is not a late payment),
      // one read each and one insert for the batch; one that is not such a receivable, or paid before (a repeat), is
      // read and decided the long way. (A settlement read that way may find a receivable another one of the batch
      // matched first, and sees that payment whatever their order in the file: the totals are the same, only which
      // of the two counts as the excess may differ from the one-by-one order.)
      const writtenFirst = plain.filter((p) => p.writeFirst && p.firstTime);
      // A settled invoice's case is looked at once for the batch, its receivables as the batch left them.
      const caseReads = deps.followUp?.batchCaseReads();
      const matchedFirst = await deps.ledger.matchFirstPayments(writtenFirst.map((p) => ({ invoiceId: p.writeFirst!, payment: { paymentId: p.event.data.paymentId, amountCents: p.event.data.amountCents } })));
      for (const p of writtenFirst) {
        p.receivable = matchedFirst.get(p.writeFirst!) ?? null;
        p.alreadyMatched = p.receivable !== null;
        if (p.receivable) caseReads?.matched(p.receivable);
      }
      await forEachConcurrently(
        plain.filter((p) => p.writeFirst && !p.alreadyMatched),
        CONCURRENCY,
        read,
      );

      const decide = async (p: Pending, receivable: ReceivableDoc | null) => {
        const done = await step.reconcileOne(p.event, p.hints, now, p.out, { caseInstrument: null, receivable: async () => receivable, record: async () => p.firstTime, alreadyMatched: p.alreadyMatched, ...(caseReads ? { caseReads } : {}) });
        p.result = done.result;
        return done.receivable ?? receivable;
      };
      const byReceivable = new Map<string, Pending[]>();
      for (const p of plain) if (p.receivable) byReceivable.set(p.receivable._id, [...(byReceivable.get(p.receivable._id) ?? []), p]);
      await forEachConcurrently([...byReceivable.values()], CONCURRENCY, async (group) => {
        let current = group[0]?.receivable ?? null;
        for (const p of group) current = await decide(p, current);
      });
      await forEachConcurrently(
        plain.filter((p) => !p.receivable),
        CONCURRENCY,
        async (p) => void (await decide(p, null)),
      );
      // A payment recorded under the invoice it named, then matched elsewhere or parked, says so.
      await forEachConcurrently(
        writtenFirst.filter((p) => !p.alreadyMatched && (p.receivable?._id ?? null) !== p.writeFirst),
        CONCURRENCY,
        async (p) => void (await deps.ledger.assignPayment(paymentDocId(p.event), p.receivable?._id ?? null)),
      );

      // A case whose invoices two of the batch's settlements completed at once is settled once.
      const settledCases = new Set<string>();
      const once = (id: string) => !settledCases.has(id) && Boolean(settledCases.add(id));
      await flushOutboxes(
        deps.publisher,
        pending.map((p) => p.out),
        (m) => m.topic !== CaseSettledV1.topic || once(m.envelope.id),
      );
      // Marked only once published: a crash in between applies the file again and publishes the same event ids.
      await caseReads?.writeSettledMarks();
      return pending.map(outcomeOf);
    },
  };
}

export type SettlementBatches = ReturnType<typeof createSettlementBatches>;
