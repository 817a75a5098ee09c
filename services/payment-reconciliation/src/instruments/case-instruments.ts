import { buildEnvelope, CaseInstrumentsIssuedV1, causedBy, debtorKey, PaymentReconciledV1, type CasePlannedV1, type EventOf } from '@regua/contracts';
import { RetriableError } from '@regua/errors';
import type { EventPublisher } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import { BankRejectedError, type BoletoBank } from '../banks/http-bank.ts';
import { saoPauloDate } from '../domain/negotiation/case-debt.ts';
import { staticBrCode } from '../domain/pix-brcode.ts';
import { settle } from '../domain/reconcile.ts';
import type { Outbox } from '../outbox.ts';
import type { PaymentReceived } from '../reconciliation.ts';
import type { Ledger, ReceivableDoc } from '../store/ledger.ts';
import type { CaseBoletoDoc, CaseInstrumentsDoc, CaseKeyDoc, InstrumentStore, InstrumentVersionDoc } from '../store/instruments.ts';
import { allocateCasePayment, type OpenReceivable } from './allocate.ts';
import { caseSeuNumero, caseTxid, decideInstruments, ourNumberCandidate } from './plan.ts';

export type CasePlanned = EventOf<typeof CasePlannedV1>;

export interface CaseInstrumentSettings {
  pixKey: string;
  merchantName: string;
  merchantCity: string;
  /** Calendar days from the day they are issued to their due date. */
  dueInDays: number;
}

export interface CaseInstrumentDeps {
  store: InstrumentStore;
  ledger: Ledger;
  /** Absent: no bank configured, so Pix only. */
  bank?: BoletoBank | undefined;
  publisher: EventPublisher;
  clock: Clock;
  logger: Logger;
  source: string;
  settings: CaseInstrumentSettings;
}

/** A payment of a case's instruments, spread over its invoices: what reconciliation answers for it. */
export type CasePaymentResult = { outcome: 'reconciled'; invoiceId: string; caseId: string; invoiceIds: string[]; repeated: boolean };

/** A case payment's result and its receivables as they stand after it, one per part (for the payment's follow-up). */
export interface CasePayment {
  result: CasePaymentResult;
  matched: ReceivableDoc[];
}

/** Numbers tried before giving up on finding a free nosso número (each is 1 in 10¹⁰ to be taken). */
const OUR_NUMBER_ATTEMPTS = 8;

const outstandingOf = (r: ReceivableDoc, exceptPaymentId?: string) => Math.max(0, r.amountCents - r.payments.filter((p) => p.paymentId !== exceptPaymentId).reduce((sum, p) => sum + p.amountCents, 0));
const dueOf = (r: ReceivableDoc) => r.dueDate ?? saoPauloDate(r.registeredAt);

/**
 * Régua's own instruments for what a case owes: a static Pix BR Code whose txid names the case and version, and a
 * boleto registered with the bank when one is configured. Issued when a case is planned with an open amount that
 * has no current instruments; a payment carrying their txid or nosso número pays the case's invoices oldest first.
 */
export function createCaseInstruments(deps: CaseInstrumentDeps) {
  const { store, ledger, bank, logger, settings } = deps;

  /** Registers the version's boleto if it has none yet; undefined when the bank refused it (the Pix stands alone). */
  /** The case's versions as last written here, so that each boleto change is one write and no read. */
  type Versions = { current: InstrumentVersionDoc[] };
  async function boletoFor(tenant: string, debtorId: string, caseId: string, version: InstrumentVersionDoc, versions: Versions): Promise<CaseBoletoDoc | undefined> {
    if (!bank) return undefined;
    const existing = version.boleto;
    if (existing && existing.status !== 'RESERVED') return existing;
    const payer = await store.findPayer(tenant, debtorId);
    if (!payer) throw new RetriableError(`case ${caseId}: the debtor's invoice (payer name and document) has not reached payments yet`);
    let ourNumber = existing?.ourNumber;
    for (let attempt = 0; !ourNumber && attempt < OUR_NUMBER_ATTEMPTS; attempt++) {
      const candidate = ourNumberCandidate(bank.agreement, `${tenant}:${caseId}:${version.version}`, attempt);
      if (await store.claimOurNumber(tenant, candidate, caseId, version.version)) ourNumber = candidate;
    }
    if (!ourNumber) throw new Error(`case ${caseId}: no free nosso número after ${OUR_NUMBER_ATTEMPTS} attempts`);
    // Reserved before the call, so a crash after the bank took it repeats the same (idempotent) registration.
    if (!existing) versions.current = await store.setBoleto(caseId, version.version, { bankCode: bank.bankCode, ourNumber, status: 'RESERVED' }, versions.current);
    try {
      const registered = await bank.register({ ourNumber, seuNumero: caseSeuNumero(ourNumber), dueDate: version.dueDate, amountCents: version.amountCents, payer });
      const boleto: CaseBoletoDoc = { bankCode: bank.bankCode, ourNumber, digitableLine: registered.digitableLine, barcode: registered.barcode, status: 'REGISTRADO' };
      versions.current = await store.setBoleto(caseId, version.version, boleto, versions.current);
      logger.info({ caseId, version: version.version, ourNumber }, 'boleto registered with the bank');
      return boleto;
    } catch (error) {
      if (!(error instanceof BankRejectedError)) throw error;
      logger.warn({ caseId, version: version.version, ourNumber, err: error.message }, 'the bank refused the boleto: the case gets a Pix BR Code only');
      const rejected: CaseBoletoDoc = { bankCode: bank.bankCode, ourNumber, status: 'REJEITADO', rejectedReason: error.message.slice(0, 500) };
      versions.current = await store.setBoleto(caseId, version.version, rejected, versions.current);
      return rejected;
    }
  }

  /** The case instrument a txid (first) or a nosso número names, if any: one or two reads by `_id`. */
  async function instrumentOf(tenant: string, keys: { txid?: string | undefined; ourNumber?: string | undefined }): Promise<CaseKeyDoc | null> {
    return (keys.txid ? await store.findByTxid(tenant, keys.txid) : null) ?? (keys.ourNumber ? await store.findByOurNumber(tenant, keys.ourNumber) : null);
  }

  /** An older version's boleto written off once a new amount replaces it, so only the current one can be paid at the bank. */
  async function writeOffOlder(caseId: string, older: InstrumentVersionDoc | undefined, versions: Versions): Promise<void> {
    if (!bank || older?.boleto?.status !== 'REGISTRADO') return;
    try {
      await bank.writeOff(older.boleto.ourNumber);
      versions.current = await store.setBoleto(caseId, older.version, { ...older.boleto, status: 'BAIXADO' }, versions.current);
    } catch (error) {
      logger.warn({ caseId, version: older.version, ourNumber: older.boleto.ourNumber, err: (error as Error).message }, 'could not write off the older boleto: it stays payable and is matched to the case if paid');
    }
  }

  return {
    /**
     * A case planned: issues a new version of its instruments when its open amount has none (or only past due), else
     * completes and publishes the current one again (same event id), so a redelivery registers nothing twice.
     * Throws a retriable error while an open invoice (or the payer, with a bank) has not reached payments yet.
     */
    async casePlanned(event: CasePlanned): Promise<void> {
      const { tenant } = event;
      const { caseId, debtorId, openInvoiceIds } = event.data;
      if (openInvoiceIds.length === 0) return;
      const receivables = (await ledger.findReceivables(openInvoiceIds)).filter((r) => r.tenant === tenant);
      const missing = openInvoiceIds.filter((id) => !receivables.some((r) => r._id === id));
      if (missing.length > 0) throw new RetriableError(`case ${caseId}: invoices ${missing.join(', ')} have not reached the ledger yet`);
      const open = receivables.filter((r) => outstandingOf(r) > 0);
      const openCents = open.reduce((sum, r) => sum + outstandingOf(r), 0);

      const now = deps.clock.now();
      const found = await store.find(caseId);
      const current = found?.versions.find((v) => v.version === found.current);
      const decision = decideInstruments({ current: current ?? null, openCents, today: saoPauloDate(now), days: settings.dueInDays });
      if (decision.kind === 'none') return;
      // The instruments as stored now: known without a read when this call added the version, read otherwise.
      let added: CaseInstrumentsDoc | null = null;
      if (decision.kind === 'issue') {
        const txid = caseTxid(caseId, decision.version);
        const copyPaste = staticBrCode({ key: settings.pixKey, amountCents: decision.amountCents, merchantName: settings.merchantName, merchantCity: settings.merchantCity, txid });
        const version: InstrumentVersionDoc = { version: decision.version, amountCents: decision.amountCents, dueDate: decision.dueDate, invoiceIds: open.map((r) => r._id), txid, copyPaste, issuedAt: now };
        if (await store.addVersion({ _id: caseId, tenant, debtorId }, version)) {
          logger.info({ caseId, version: version.version, amountCents: version.amountCents, dueDate: version.dueDate }, 'case instruments issued');
          added = { ...(found ?? { _id: caseId, tenant, debtorId }), current: version.version, versions: [...(found?.versions ?? []), version] };
        }
      }
      const stored = added ?? (await store.find(caseId));
      const version = stored?.versions.find((v) => v.version === stored.current);
      if (!stored || !version) throw new RetriableError(`case ${caseId}: its instruments were not stored`);
      const versions: Versions = { current: stored.versions };
      const boleto = await boletoFor(tenant, debtorId, caseId, version, versions);
      if (decision.kind === 'issue') await writeOffOlder(caseId, stored.versions.find((v) => v.version === version.version - 1), versions);

      const registered = boleto?.status === 'REGISTRADO' && boleto.digitableLine && boleto.barcode ? { bankCode: boleto.bankCode, ourNumber: boleto.ourNumber, digitableLine: boleto.digitableLine, barcode: boleto.barcode } : undefined;
      const id = derivedEventId(`${tenant}:${caseId}:${version.version}:${registered ? 'boleto' : 'pix'}`, CaseInstrumentsIssuedV1.type);
      const envelope = buildEnvelope(CaseInstrumentsIssuedV1, causedBy(event, { id, occurredAt: now, source: deps.source }), {
        caseId,
        debtorId,
        instrumentsVersion: version.version,
        invoiceIds: version.invoiceIds,
        amountCents: version.amountCents,
        dueDate: version.dueDate,
        pix: { txid: version.txid, copyPaste: version.copyPaste },
        ...(registered ? { boleto: registered } : {}),
      });
      await deps.publisher.publish([{ topic: CaseInstrumentsIssuedV1.topic, key: debtorKey(tenant, debtorId), envelope }]);
    },

    /** Who pays the debtor's boletos, as the creditor's invoice names them. */
    async rememberPayer(tenant: string, debtorId: string, payer: { name: string; document: string }): Promise<void> {
      await store.savePayer(tenant, debtorId, payer);
    },

    instrumentOf,

    /**
     * A payment whose txid (or nosso número) is one of a case's instruments: recorded once, spread over the case's
     * invoices oldest due first (the spread saved before any of it is applied, so a redelivery repeats it exactly),
     * each part matched to its receivable, its PaymentReconciled (ids derived from payment and invoice) put in the
     * outbox. `known`: the instrument looked up before (`instrumentOf`, for a batch), else looked up now. Null: not a
     * case's instrument, or none of the case's invoices is known.
     */
    async receivePayment(event: PaymentReceived, hints: { ourNumber?: string | undefined }, out: Outbox, known?: CaseKeyDoc | null): Promise<CasePayment | null> {
      const { tenant } = event;
      const target = known === undefined ? await instrumentOf(tenant, { txid: event.data.pixTxid, ourNumber: hints.ourNumber }) : known;
      if (!target) return null;
      const found = await store.find(target.caseId);
      const version = found?.versions.find((v) => v.version === target.version);
      if (!found || !version) return null;
      const id = `${tenant}:${event.data.paymentId}`;
      let allocation = await store.findAllocation(id);
      const receivables = allocation ? [] : (await ledger.findReceivables(version.invoiceIds)).filter((r) => r.tenant === tenant);
      if (!allocation && receivables.length === 0) return null;

      const now = deps.clock.now();
      const firstTime = await ledger.recordPayment({ _id: id, tenant, paymentId: event.data.paymentId, invoiceId: null, method: event.data.method, amountCents: event.data.amountCents, paidAt: new Date(event.data.paidAt), receivedAt: now, sourceEventId: event.id });
      const amountCents = firstTime ? event.data.amountCents : ((await ledger.findPayment(id))?.amountCents ?? event.data.amountCents);
      if (!allocation) {
        const open: OpenReceivable[] = receivables.map((r) => ({ invoiceId: r._id, outstandingCents: outstandingOf(r, event.data.paymentId), dueDate: dueOf(r) }));
        const spread = allocateCasePayment(amountCents, open);
        allocation = await store.allocationOf({ _id: id, caseId: found._id, version: version.version, amountCents, ...spread });
        if (spread.surplusCents > 0) logger.warn({ caseId: found._id, paymentId: event.data.paymentId, surplusCents: spread.surplusCents }, 'case payment beyond what its invoices owed: the surplus stays on the newest invoice');
      }

      const matchedParts: ReceivableDoc[] = [];
      for (const part of allocation.allocations) {
        const matched = await ledger.matchPayment(part.invoiceId, { paymentId: event.data.paymentId, amountCents: part.amountCents });
        if (!matched) continue;
        matchedParts.push(matched);
        const settlement = settle({ invoiceId: matched._id, debtorId: matched.debtorId, amountCents: matched.amountCents }, matched.payments.map((p) => p.amountCents));
        const reconciled = buildEnvelope(PaymentReconciledV1, causedBy(event, { id: derivedEventId(`${id}:${part.invoiceId}`, PaymentReconciledV1.type), occurredAt: now, source: deps.source }), {
          paymentId: event.data.paymentId,
          invoiceId: matched._id,
          debtorId: matched.debtorId,
          amountCents: part.amountCents,
          paidTotalCents: settlement.paidTotalCents,
          outstandingCents: settlement.outstandingCents,
          settled: settlement.settled,
          paidAt: event.data.paidAt,
        });
        out.add({ topic: PaymentReconciledV1.topic, key: debtorKey(tenant, matched.debtorId), envelope: reconciled });
      }
      const invoiceIds = allocation.allocations.map((a) => a.invoiceId);
      logger.info({ caseId: found._id, paymentId: event.data.paymentId, amountCents, invoiceIds }, 'case payment spread over its invoices');
      return { result: { outcome: 'reconciled', invoiceId: invoiceIds[0] ?? version.invoiceIds[0]!, caseId: found._id, invoiceIds, repeated: !firstTime }, matched: matchedParts };
    },
  };
}

export type CaseInstruments = ReturnType<typeof createCaseInstruments>;
