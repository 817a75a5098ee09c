import { Schema, type Connection } from 'mongoose';
import { findByIds, forEachConcurrently, insertIfAbsent, insertManyIfAbsent, isDuplicateKeyError, readById, updateById } from '@regua/mongo';
import { ourNumberKey } from '../domain/cnab-settlement.ts';

export interface MatchedPayment {
  paymentId: string;
  amountCents: number;
}

/** What an invoice owes, keyed by its invoice id (`tenant:externalId`), so every read and write is by `_id`. */
export interface ReceivableDoc {
  _id: string;
  tenant: string;
  externalId: string;
  debtorId: string;
  amountCents: number;
  /** The invoice's due date (YYYY-MM-DD), what charges run from; absent on receivables stored before it was kept. */
  dueDate?: string;
  pixTxid?: string;
  /** The boleto's nosso número as the creditor sent it. */
  ourNumber?: string;
  /** Who the debt is owed to, as the invoice named it: shown to the debtor (CDC art. 42-A). Absent on older ones. */
  creditor?: { name: string; cnpj: string };
  registeredAt: Date;
  /**
   * The revision of the invoice event these figures come from (1 = registration, +1 per change ingestion accepted);
   * 0 or absent: from an event published before revisions existed.
   */
  revision?: number;
  /**
   * Payments matched to it; a payment id appears once whatever the redeliveries. As stored, the first is not here
   * but in `first_payments` (see `matchFirstPayments`); as read through the ledger, it is (`withFirstPayment`).
   */
  payments: MatchedPayment[];
  /**
   * The case notification last planned the invoice in, kept here so that a payment settling the invoice finds its
   * case without another read: null while in none; absent on receivables stored before the link was kept here (their
   * link is in `invoice_cases`).
   */
  caseId?: string | null;
  /**
   * That case as its last plan listed it: the debtor and the invoices open in it. Every plan of a case writes it on
   * each of the case's open invoices, so a payment settling one of them knows the case's other invoices without
   * reading the case. Absent on links written before it was kept here (their case is read).
   */
  casePlan?: CasePlanOnReceivable;
}

export interface CasePlanOnReceivable {
  debtorId: string;
  openInvoiceIds: string[];
}

/** A case as a plan lists it (notification's CasePlanned). */
export interface CasePlanLink extends CasePlanOnReceivable {
  caseId: string;
}

/**
 * Pix txid → invoice id: lets a payment that only carries a txid be matched by `_id`. The same shape maps a boleto's
 * nosso número (normalised by `ourNumberKey`) to its invoice, for a bank settlement without seu número.
 */
interface TxidDoc {
  _id: string;
  invoiceId: string;
}

export interface PaymentDoc {
  _id: string;
  tenant: string;
  paymentId: string;
  invoiceId: string | null;
  /** The agreement whose installment it paid (matched on the installment's txid), instead of an invoice. */
  agreementId?: string;
  method: string;
  amountCents: number;
  paidAt: Date;
  receivedAt: Date;
  sourceEventId: string;
}

const txidKey = (tenant: string, txid: string) => `${tenant}:${txid}`;
const ourNumberDocId = (tenant: string, ourNumber: string) => `${tenant}:${ourNumberKey(ourNumber)}`;
/** Index entries for a receivable's nosso número; none for one without (or with only zeros). */
const ourNumberEntries = (doc: Pick<ReceivableDoc, '_id' | 'tenant' | 'ourNumber'>): TxidDoc[] => (doc.ourNumber && ourNumberKey(doc.ourNumber) ? [{ _id: ourNumberDocId(doc.tenant, doc.ourNumber), invoiceId: doc._id }] : []);

/**
 * A receivable's first payment, kept apart from it under the same `_id` (the invoice id), so that matching it is an
 * insert: on FerretDB an insert of many is far cheaper than an update each, and a bank file's common case is each
 * boleto paid once. The unique `_id` decides which payment is first when two arrive at once. Every payment after it
 * goes into the receivable's own list.
 */
export interface FirstPaymentDoc extends MatchedPayment {
  _id: string;
}

/**
 * A receivable written by an update that overtook its registration may hold no `payments` yet (the upsert's
 * `$setOnInsert` of an empty array is not kept by every backend): read, it always has the list. A case link that
 * arrived before the invoice leaves a document with only `caseId` (no `registeredAt`): read, that is no receivable yet.
 */
function asReceivable(doc: ReceivableDoc | null): ReceivableDoc | null {
  if (!doc || doc.registeredAt === undefined) return null;
  return Array.isArray(doc.payments) ? doc : { ...doc, payments: [] };
}

/** The receivable as read through the ledger: its first payment, kept apart, heads its list (and is in it once). */
export function withFirstPayment(doc: ReceivableDoc | null, first: FirstPaymentDoc | null): ReceivableDoc | null {
  const receivable = asReceivable(doc);
  if (!receivable || !first) return receivable;
  const entry = { paymentId: first.paymentId, amountCents: first.amountCents };
  return { ...receivable, payments: [entry, ...receivable.payments.filter((p) => p.paymentId !== first.paymentId)] };
}

/** Registered, owing something, and no payment in its own list: one whose first payment may be matched blind. */
const mayTakeFirstPayment = (doc: ReceivableDoc | null): doc is ReceivableDoc => asReceivable(doc) !== null && doc!.amountCents > 0 && (doc!.payments ?? []).length === 0;

/** Case links written at once by `linkCases`, single updates by `_id` over the pool. */
const LINK_WRITES = 16;
/** Receivables read at once by `matchFirstPayments` (the connection pool is 32). */
const FIRST_PAYMENT_READS = 32;

/** Payment-reconciliation's own ledger: what is owed (from invoice events) and what was paid. */
export function createLedger(db: Connection) {
  const receivables = db.model<ReceivableDoc>(
    'Receivable',
    new Schema<ReceivableDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        externalId: { type: String, required: true },
        debtorId: { type: String, required: true },
        amountCents: { type: Number, required: true },
        dueDate: String,
        pixTxid: String,
        ourNumber: String,
        creditor: { _id: false, type: { name: String, cnpj: String } },
        registeredAt: { type: Date, required: true },
        revision: Number,
        payments: [{ _id: false, paymentId: String, amountCents: Number }],
        caseId: { type: String, default: undefined },
        casePlan: { _id: false, type: { debtorId: String, openInvoiceIds: [String] }, default: undefined },
      },
      { collection: 'receivables', versionKey: false },
    ),
  );
  const firstPayments = db.model<FirstPaymentDoc>(
    'FirstPayment',
    new Schema<FirstPaymentDoc>({ _id: String, paymentId: { type: String, required: true }, amountCents: { type: Number, required: true } }, { collection: 'first_payments', versionKey: false }),
  );
  const txids = db.model<TxidDoc>('PixTxid', new Schema<TxidDoc>({ _id: String, invoiceId: { type: String, required: true } }, { collection: 'pix_txids', versionKey: false }));
  const ourNumbers = db.model<TxidDoc>('BoletoOurNumber', new Schema<TxidDoc>({ _id: String, invoiceId: { type: String, required: true } }, { collection: 'boleto_our_numbers', versionKey: false }));
  const payments = db.model<PaymentDoc>(
    'Payment',
    new Schema<PaymentDoc>(
      {
        _id: String,
        tenant: { type: String, required: true },
        paymentId: { type: String, required: true },
        invoiceId: { type: String, default: null },
        agreementId: String,
        method: { type: String, required: true },
        amountCents: { type: Number, required: true },
        paidAt: { type: Date, required: true },
        receivedAt: { type: Date, required: true },
        sourceEventId: { type: String, required: true },
      },
      { collection: 'payments', versionKey: false },
    ),
  );

  /** A receivable as read through the ledger: itself and its first payment, by `_id` both, at once. */
  const readReceivable = async (id: string) => {
    const [doc, first] = await Promise.all([readById<ReceivableDoc>(receivables, id), readById<FirstPaymentDoc>(firstPayments, id)]);
    return withFirstPayment(doc, first);
  };

  /** The invoice id a Pix txid or nosso número index entry names, by `_id`. */
  const indexedInvoiceId = async (index: typeof txids, key: string) => (await readById<TxidDoc>(index, key))?.invoiceId ?? null;

  return {
    /**
     * Registrations: the first event of an invoice, so written only if absent. An update that overtook its
     * registration (they travel on two topics) has already written newer figures, which must stay.
     */
    async registerAll(docs: ReceivableDoc[]): Promise<void> {
      const inserted = await insertManyIfAbsent(
        receivables,
        docs.map((d) => ({ ...d, caseId: d.caseId ?? null })),
      );
      // Present already: registered before (a redelivery), updated by a newer revision (which must stay), or only
      // linked to its case (no `registeredAt`): the figures are written into that link, keeping it.
      await forEachConcurrently(
        docs.filter((d) => !inserted.has(d._id)),
        LINK_WRITES,
        async ({ _id, caseId: _link, casePlan: _plan, payments: _none, ...figures }) => void (await receivables.collection.updateOne({ _id: _id as never, registeredAt: { $exists: false } }, { $set: figures })),
      );
      await insertManyIfAbsent(
        txids,
        docs.flatMap((d) => (d.pixTxid ? [{ _id: txidKey(d.tenant, d.pixTxid), invoiceId: d._id }] : [])),
      );
      await insertManyIfAbsent(ourNumbers, docs.flatMap(ourNumberEntries));
    },

    /**
     * An update replaces what is owed, keeping the payments matched so far, if it is newer than what is stored:
     * registrations and updates travel on two topics, and ingestion may publish an older update after a newer one
     * (a failed publish is retried later), so the last to arrive is not always the latest. One conditional update by
     * `_id`; if a newer (or the same) revision is stored, the upsert's insert collides on `_id`: stale, ignored.
     * An update without a revision (0, published before revisions) applies only over figures without one either.
     * Returns false for a stale update.
     */
    async update(doc: Omit<ReceivableDoc, 'payments'>): Promise<boolean> {
      const { _id, ...fields } = doc;
      const revision = doc.revision ?? 0;
      // `$not` also matches figures stored before revisions (no field): any known revision supersedes them.
      const olderThanThis = { _id, revision: { $not: { $gte: Math.max(revision, 1) } } };
      if (doc.pixTxid) await insertIfAbsent(txids, { _id: txidKey(doc.tenant, doc.pixTxid), invoiceId: _id });
      for (const entry of ourNumberEntries(doc)) await insertIfAbsent(ourNumbers, entry);
      try {
        await receivables.updateOne(olderThanThis, { $set: { ...fields, revision }, $setOnInsert: { payments: [], caseId: null } }, { upsert: true });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    /** By invoice id, else by Pix txid, else by nosso número: the first key that names a known invoice decides. */
    async findReceivable(tenant: string, match: { invoiceId?: string | undefined; pixTxid?: string | undefined; ourNumber?: string | undefined }): Promise<ReceivableDoc | null> {
      const byId = async (id: string | undefined) => (id ? readReceivable(id) : null);
      const viaIndex = async (index: typeof txids, key: string) => byId((await indexedInvoiceId(index, key)) ?? undefined);
      return (
        (await byId(match.invoiceId)) ??
        (match.pixTxid ? await viaIndex(txids, txidKey(tenant, match.pixTxid)) : null) ??
        (match.ourNumber && ourNumberKey(match.ourNumber) ? await viaIndex(ourNumbers, ourNumberDocId(tenant, match.ourNumber)) : null)
      );
    },

    /**
     * The invoice id `findReceivable` would read first: the invoice id itself (not read), else the one the Pix txid or
     * the nosso número is indexed under (one read), else null.
     */
    async invoiceIdOf(tenant: string, match: { invoiceId?: string | undefined; pixTxid?: string | undefined; ourNumber?: string | undefined }): Promise<string | null> {
      if (match.invoiceId) return match.invoiceId;
      return (match.pixTxid ? await indexedInvoiceId(txids, txidKey(tenant, match.pixTxid)) : null) ?? (match.ourNumber && ourNumberKey(match.ourNumber) ? await indexedInvoiceId(ourNumbers, ourNumberDocId(tenant, match.ourNumber)) : null);
    },

    /** The receivables of these invoice ids that are known, by `_id`. */
    async findReceivables(invoiceIds: readonly string[]): Promise<ReceivableDoc[]> {
      // By `_id` (see `findByIds`): an `$in` is a scan of every receivable on FerretDB.
      const [docs, firsts] = await Promise.all([findByIds<ReceivableDoc>(receivables, invoiceIds), findByIds<FirstPaymentDoc>(firstPayments, invoiceIds)]);
      const firstOf = new Map(firsts.map((f) => [f._id, f]));
      return docs.flatMap((r) => withFirstPayment(r, firstOf.get(r._id) ?? null) ?? []);
    },

    /**
     * Links invoices to the case notification planned them in, with the plan's list of the case's open invoices (the
     * last plan wins): one write by `_id` each. An invoice not registered yet gets a document holding only the link,
     * which its registration fills in.
     */
    async linkCase(plan: CasePlanLink, invoiceIds: readonly string[]): Promise<void> {
      const link = { caseId: plan.caseId, casePlan: { debtorId: plan.debtorId, openInvoiceIds: [...plan.openInvoiceIds] } };
      await forEachConcurrently(invoiceIds, LINK_WRITES, async (_id) => void (await receivables.collection.updateOne({ _id: _id as never }, { $set: link }, { upsert: true })));
    },

    /** Payment ids are unique per tenant: a provider's retry of the same payment is recorded once. */
    async recordPayment(doc: PaymentDoc): Promise<boolean> {
      return insertIfAbsent(payments, doc);
    },

    /** `recordPayment` for many in one insert: the ids recorded now (the others were recorded before). */
    async recordPayments(docs: PaymentDoc[]): Promise<Set<string>> {
      return insertManyIfAbsent(payments, docs);
    },

    async findPayment(id: string): Promise<PaymentDoc | null> {
      return payments.findById(id).lean<PaymentDoc>().exec();
    },

    /** A payment parked without an invoice, matched since: says which invoice it paid (null: none). */
    async assignPayment(paymentDocId: string, invoiceId: string | null): Promise<void> {
      await payments.updateOne({ _id: paymentDocId }, { $set: { invoiceId } });
    },

    /**
     * Adds the payment to its receivable and returns the receivable as it is now (null when it is no registered
     * receivable). The first payment goes into `first_payments` (an insert); any other into the receivable's list,
     * where `$addToSet` compares the whole entry: so a payment is added once per payment id only if every call passes
     * the same amount, and callers pass the amount it was first recorded with (`recordPayment`), never a repeat's.
     */
    async matchPayment(invoiceId: string, payment: MatchedPayment): Promise<ReceivableDoc | null> {
      // The entry built field by field: `$addToSet` compares it whole, key order included, and the driver casts nothing.
      const entry = { paymentId: payment.paymentId, amountCents: payment.amountCents };
      if (await insertIfAbsent(firstPayments, { _id: invoiceId, ...entry })) {
        const matched = await readReceivable(invoiceId);
        // No registered receivable (callers read it first, so not in use): the payment must not wait there for one.
        if (!matched) await firstPayments.deleteOne({ _id: invoiceId, paymentId: entry.paymentId });
        return matched;
      }
      const first = await readById<FirstPaymentDoc>(firstPayments, invoiceId);
      if (first?.paymentId === payment.paymentId) return readReceivable(invoiceId);
      return withFirstPayment(await updateById<ReceivableDoc>(receivables, invoiceId, { $addToSet: { payments: entry } }), first);
    },

    /**
     * `matchPayment` for many payments, each its receivable's first, where it cannot be a late payment: added only to
     * a registered receivable that owes something and has no payment yet. One read by `_id` each (concurrently) and
     * one insert for all, where `matchPayment` would be an update each. Returns the receivables as they are after,
     * by invoice id; one that is not such a receivable, or whose first payment another took meanwhile, is absent
     * (the caller reads it and decides the long way). An invoice named twice: the first entry only.
     */
    async matchFirstPayments(entries: ReadonlyArray<{ invoiceId: string; payment: MatchedPayment }>): Promise<Map<string, ReceivableDoc>> {
      const unpaid = new Map<string, ReceivableDoc>();
      await forEachConcurrently(entries, FIRST_PAYMENT_READS, async ({ invoiceId }) => {
        const doc = await readById<ReceivableDoc>(receivables, invoiceId);
        if (mayTakeFirstPayment(doc)) unpaid.set(invoiceId, doc);
      });
      const claims = entries.filter((e) => unpaid.has(e.invoiceId)).map(({ invoiceId, payment }) => ({ _id: invoiceId, paymentId: payment.paymentId, amountCents: payment.amountCents }));
      const claimOf = new Map<string, FirstPaymentDoc>();
      for (const claim of claims) if (!claimOf.has(claim._id)) claimOf.set(claim._id, claim);
      const matched = new Map<string, ReceivableDoc>();
      for (const id of await insertManyIfAbsent(firstPayments, claims)) matched.set(id, withFirstPayment(unpaid.get(id)!, claimOf.get(id)!)!);
      return matched;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
