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
const CONCURRENCY = 16;

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
  result?: ReceiveResult;
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
 * - each settlement's receivable (by seu número, else through the nosso número index), by `_id` concurrently, except
 *   for Régua's own seu número; then the case instrument of those that named none and may be a case's (Régua's own
 *   or a blank seu número);
 * - a settlement of Régua's case instruments goes through the cases' own code, one at a time in line order, before
 *   the others (it spreads over several receivables);
 * - every other settlement's payment inserted with every other in one `insertMany` (idempotent by payment id); each
 *   receivable's settlements then in line order, each seeing the receivable as the one before left it, receivables
 *   concurrently;
 * - the events kept in each settlement's outbox and published once for the batch, in line order.
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

      // Régua's own seu número names a case instrument; another names the creditor's invoice, never one. A blank one
      // may be either: its receivable is looked for first (through the nosso número index, as a bank's file mostly
      // settles the creditor's boletos), and only a settlement that names none is looked for among the case
      // instruments, so a line costs the reads of one kind only. (Nosso números are the bank's, unique per
      // beneficiary: one that is both an invoice's and a case's would be the creditor's data error; the invoice wins.)
      const { cases } = deps;
      const ours = (p: Pending) => Boolean(p.event.data.invoiceExternalId) && mayBeCaseInstrument(p.event.data.invoiceExternalId);
      await forEachConcurrently(
        pending.filter((p) => !(cases && ours(p))),
        CONCURRENCY,
        async (p) => void (p.receivable = await deps.ledger.findReceivable(tenant, matchKeysOf(p.event, p.hints))),
      );
      if (cases) {
        await forEachConcurrently(
          pending.filter((p) => !p.receivable && mayBeCaseInstrument(p.event.data.invoiceExternalId)),
          CONCURRENCY,
          async (p) => void (p.instrument = await cases.instrumentOf(tenant, { txid: p.event.data.pixTxid, ourNumber: p.payment.ourNumber })),
        );
        // Régua's seu número on a boleto that is no case's any more: matched as any other settlement.
        await forEachConcurrently(
          pending.filter((p) => ours(p) && !p.instrument),
          CONCURRENCY,
          async (p) => void (p.receivable = await deps.ledger.findReceivable(tenant, matchKeysOf(p.event, p.hints))),
        );
      }
      // Case settlements first, one at a time in line order (each spreads over several receivables); a receivable
      // they paid is read again, so the settlements that name it see those payments.
      const touched = new Set<string>();
      for (const p of pending) {
        if (!p.instrument) continue;
        const done = await step.reconcileOne(p.event, p.hints, now, p.out, { ...step.live, caseInstrument: p.instrument });
        p.result = done.result;
        if (done.result.outcome === 'reconciled') for (const id of done.result.invoiceIds ?? [done.result.invoiceId]) touched.add(id);
      }

      const plain = pending.filter((p) => !p.result);
      await forEachConcurrently(
        plain.filter((p) => p.receivable && touched.has(p.receivable._id)),
        CONCURRENCY,
        async (p) => void (p.receivable = await deps.ledger.findReceivable(tenant, { invoiceId: p.receivable!._id })),
      );
      const recorded = await deps.ledger.recordPayments(plain.map((p) => paymentDocOf(p.event, p.receivable?._id ?? null, now)));
      // The same payment twice in one file: the second is a repeat of the first.
      const seen = new Set<string>();
      for (const p of plain) {
        const id = paymentDocId(p.event);
        p.firstTime = recorded.has(id) && !seen.has(id);
        seen.add(id);
      }

      const decide = async (p: Pending, receivable: ReceivableDoc | null) => {
        const done = await step.reconcileOne(p.event, p.hints, now, p.out, { caseInstrument: null, receivable: async () => receivable, record: async () => p.firstTime });
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

      // A case whose invoices two of the batch's settlements completed at once is settled once.
      const settledCases = new Set<string>();
      const once = (id: string) => !settledCases.has(id) && Boolean(settledCases.add(id));
      await flushOutboxes(
        deps.publisher,
        pending.map((p) => p.out),
        (m) => m.topic !== CaseSettledV1.topic || once(m.envelope.id),
      );
      return pending.map(outcomeOf);
    },
  };
}

export type SettlementBatches = ReturnType<typeof createSettlementBatches>;
