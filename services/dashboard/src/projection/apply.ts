import {
  AgreementBrokenV1,
  AgreementCreatedV1,
  AgreementInstallmentPaidV1,
  AgreementSettledV1,
  BureauNoticeSentV1,
  BureauRegisteredV1,
  BureauWithdrawnV1,
  CaseDisputedV1,
  CaseDisputeResolvedV1,
  CaseEscalatedV1,
  CaseOperatorActionV1,
  CasePlannedV1,
  CaseScoredV1,
  CaseSettledV1,
  CreditRecordedV1,
  DebtorScoredV1,
  InvoiceRegisteredV1,
  InvoiceSettledByCreditorV1,
  InvoiceUpdatedV1,
  JudicialCaseClosedV1,
  JudicialCaseOpenedV1,
  JudicialMovementRecordedV1,
  NotificationDeliveredV1,
  NotificationFailedV1,
  NotificationReadV1,
  NotificationSentV1,
  PaymentReconciledV1,
  type AnyEventDefinition,
  type EventOf,
  type Invoice,
} from '@regua/contracts';
import { dailyCounter, funnelCounter, type DailyField } from '../domain/counters.ts';
import { brl } from '../domain/format.ts';
import { UNSCORED } from '../domain/invoice-state.ts';
import type { CaseDoc, InvoiceDoc } from '../store/documents.ts';
import type { ProjectionRun } from './run.ts';

/** How one event type changes the read model, and the key its events stay in order by within a run. */
export interface Projection<D extends AnyEventDefinition = AnyEventDefinition> {
  event: D;
  apply(event: EventOf<D>, run: ProjectionRun): Promise<void>;
}

const projection = <D extends AnyEventDefinition>(event: D, apply: (e: EventOf<D>, run: ProjectionRun) => Promise<void>): Projection => ({ event, apply: apply as Projection['apply'] });

/** CNPJs are compared as stored by ingestion: upper case, no punctuation. */
const cnpjOf = (value: string) => value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

function daily(run: ProjectionRun, tenant: string, creditor: string, segment: string | null, at: string, inc: Partial<Record<DailyField, number>>): void {
  run.incs.push(dailyCounter(tenant, creditor, segment ?? UNSCORED, run.day(at), inc));
}

const caseDaily = (run: ProjectionRun, doc: CaseDoc, at: string, inc: Partial<Record<DailyField, number>>) => daily(run, doc.tenant, doc.creditor, doc.segment, at, inc);

/** An invoice's figures as the creditor sent them; what was paid already (payments may come first) stays deducted. */
function applyInvoice(doc: InvoiceDoc, invoice: Invoice, placedAt: string, run: ProjectionRun): void {
  doc.creditor = cnpjOf(invoice.creditor.cnpj);
  doc.creditorName = invoice.creditor.name;
  doc.amountCents = invoice.amountCents;
  doc.outstandingCents = Math.max(0, invoice.amountCents - doc.paidTotalCents);
  doc.dueDate = invoice.dueDate;
  doc.product = invoice.productType;
  doc.status = invoice.status === 'open' && doc.outstandingCents === 0 ? 'paid' : invoice.status;
  const d = invoice.debtor;
  doc.debtor = {
    name: d.name,
    taxIdType: d.taxId.type,
    taxId: d.taxId.number.replace(/[^0-9A-Za-z]/g, ''),
    emails: doc.debtor?.emails.length ? doc.debtor.emails : d.emails,
    phones: doc.debtor?.phones.length ? doc.debtor.phones : d.phones,
    uf: d.address?.uf ?? doc.debtor?.uf ?? null,
    city: d.address?.city ?? doc.debtor?.city ?? null,
  };
  if (!doc.registered) doc.placedDay = run.day(placedAt);
  doc.registered = true;
}

/** Applies an invoice event only over an older revision (a late retry must not undo a newer change). */
const newer = (doc: InvoiceDoc, revision: number | undefined) => !doc.registered || revision === undefined || revision > doc.revision;

/** A case first seen through a message or an escalation learns its creditor from its invoices. */
async function learnCreditor(run: ProjectionRun, doc: CaseDoc, invoiceIds: readonly string[]): Promise<void> {
  if (doc.creditor !== 'unknown') return;
  const invoices = await Promise.all(invoiceIds.map((id) => run.invoice(id, doc.tenant)));
  doc.creditor = invoices.find((i) => i.creditor !== 'unknown')?.creditor ?? 'unknown';
  if (doc.segment === null) doc.segment = invoices.find((i) => i.segment)?.segment ?? null;
}

async function setInvoiceFlags(run: ProjectionRun, doc: CaseDoc, invoiceIds: readonly string[], change: (invoice: InvoiceDoc) => void): Promise<void> {
  for (const id of invoiceIds) await run.changeInvoice(id, doc.tenant, change);
}

export const PROJECTIONS: Projection[] = [
  projection(InvoiceRegisteredV1, async (e, run) => {
    const { invoiceId, invoice, revision } = e.data;
    await run.changeInvoice(invoiceId, e.tenant, (doc) => {
      if (!newer(doc, revision)) return;
      applyInvoice(doc, invoice, e.occurredAt, run);
      doc.revision = revision ?? doc.revision;
    });
    run.note(invoiceId, e, `fatura ${invoice.externalId} registrada: ${brl(invoice.amountCents)}, vencimento ${invoice.dueDate} (${invoice.productType})`);
  }),
  projection(InvoiceUpdatedV1, async (e, run) => {
    const { invoiceId, invoice, revision, changedFields } = e.data;
    await run.changeInvoice(invoiceId, e.tenant, (doc) => {
      if (!newer(doc, revision)) return;
      applyInvoice(doc, invoice, e.occurredAt, run);
      doc.revision = revision ?? doc.revision;
    });
    run.note(invoiceId, e, `fatura atualizada pelo credor (${changedFields.join(', ')})`);
  }),
  projection(InvoiceSettledByCreditorV1, async (e, run) => {
    const { invoiceId, status, revision } = e.data;
    const doc = await run.changeInvoice(invoiceId, e.tenant, (d) => {
      if (d.registered && revision !== undefined && revision <= d.revision) return;
      d.status = status;
      d.revision = revision ?? d.revision;
    });
    daily(run, e.tenant, doc.creditor, doc.segment, e.occurredAt, { settledByCreditor: 1 });
    run.note(invoiceId, e, status === 'paid' ? 'o credor informou o pagamento da fatura' : 'o credor cancelou a fatura');
  }),
  // The debtor's contacts as enrichment validated them, from `debtor.scored` (it carries enrichment's whole event as
  // its profile) rather than from `debtor.enriched`: scoring publishes it together with the invoice's `case.scored`,
  // so the two usually arrive together and are applied in one run, one read and one write of the invoice for both.
  projection(DebtorScoredV1, async (e, run) => {
    const { profile: data } = e.data;
    await run.changeInvoice(data.invoiceId, e.tenant, (doc) => {
      doc.debtorId = data.debtorId;
      doc.creditorName ??= data.creditorName;
      const phones = [...data.contacts.mobilePhones, ...data.contacts.landlines];
      doc.debtor = {
        name: doc.debtor?.name ?? data.debtorName,
        taxIdType: doc.debtor?.taxIdType ?? 'cpf',
        taxId: doc.debtor?.taxId ?? '',
        emails: data.contacts.emails.length > 0 ? data.contacts.emails : (doc.debtor?.emails ?? []),
        phones: phones.length > 0 ? phones : (doc.debtor?.phones ?? []),
        uf: data.uf ?? doc.debtor?.uf ?? null,
        city: data.city ?? doc.debtor?.city ?? null,
      };
    });
    const reachable = data.contacts.emails.length + data.contacts.mobilePhones.length + data.contacts.landlines.length;
    run.note(data.invoiceId, e, `contatos validados e enriquecidos: ${reachable} ponto(s) de contato`);
  }),
  // The score itself from `case.scored`, which says all `debtor.scored` says of it and more (and comes alone when
  // the debtor is scored again).
  projection(CaseScoredV1, async (e, run) => {
    const { data } = e;
    await run.changeInvoice(data.invoiceId, e.tenant, (doc) => {
      doc.debtorId = data.debtorId;
      doc.segment = data.segment;
      doc.strategy = data.strategy;
      doc.score = data.score;
      doc.probability = data.probability;
      doc.band = data.band;
      doc.reasons = data.reasons;
      doc.modelVersion = data.modelVersion;
      doc.scoredAt = e.occurredAt;
    });
    run.note(data.invoiceId, e, `pontuação ${data.score} (faixa ${data.band}, segmento ${data.segment}, estratégia ${data.strategy}; modelo ${data.modelVersion}, por ${data.trigger})`);
  }),
  projection(CasePlannedV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    const joined = data.joinedInvoiceIds.filter((id) => !doc.invoiceIds.includes(id));
    doc.invoiceIds = [...new Set([...doc.invoiceIds, ...data.joinedInvoiceIds, ...data.openInvoiceIds])];
    const invoices = await Promise.all(doc.invoiceIds.map((id) => run.invoice(id, e.tenant)));
    if (doc.creditor === 'unknown') doc.creditor = invoices.find((i) => i.creditor !== 'unknown')?.creditor ?? 'unknown';
    doc.strategy = data.strategy;
    doc.arm = data.arm;
    doc.segment = data.segment ?? doc.segment ?? invoices.find((i) => i.segment)?.segment ?? null;
    doc.cadenceId = data.cadenceId;
    run.ensureCohort(doc, { segment: doc.segment ?? UNSCORED, day: run.day(e.occurredAt), strategy: data.strategy, arm: data.arm });
    const joinedCents = invoices.filter((i) => joined.includes(i._id)).reduce((sum, i) => sum + i.amountCents, 0);
    if (joinedCents > 0) run.strategy(doc, { placedCents: joinedCents });
    run.changedCase(doc);
    for (const id of data.joinedInvoiceIds) await run.changeInvoice(id, e.tenant, (invoice) => void (invoice.caseId = doc._id));
    const next = data.nextContact ? `próximo contato: passo ${data.nextContact.stepId} em ${data.nextContact.dueAt} (${data.nextContact.channels.join(', ')})` : 'nenhum contato planejado';
    run.note(doc._id, e, `caso planejado: estratégia ${data.strategy}, braço ${data.arm}, ${data.joinedInvoiceIds.length} fatura(s) entraram; ${next}`);
  }),
  projection(NotificationSentV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    await learnCreditor(run, doc, data.invoiceIds);
    const day = run.day(e.occurredAt);
    run.ensureCohort(doc, { segment: doc.segment ?? UNSCORED, day, strategy: data.strategy, arm: data.arm });
    const contact = await run.contact(data.contactId, e.tenant, data.caseId, data.channel);
    if (!contact.sent) {
      contact.sent = { tenant: e.tenant, creditor: doc.creditor, segment: doc.segment ?? UNSCORED, day, channel: data.channel, template: data.template, step: data.step };
      // The latest message by when it was sent, whatever order the events come in.
      if (!doc.lastContact || doc.lastContact.at <= e.occurredAt) doc.lastContact = { ...contact.sent, contactId: data.contactId, at: e.occurredAt };
      run.strategy(doc, { [`sent_${data.channel}`]: 1 });
      run.changedCase(doc, { queue: false });
    }
    run.changedContact(contact);
    run.note(data.caseId, e, `mensagem enviada por ${data.channel}${data.fallbackFor ? ` (no lugar de ${data.fallbackFor})` : ''}: passo ${data.stepId}, modelo ${data.template}, ${brl(data.amountCents)} em aberto`);
  }),
  ...([
    [NotificationDeliveredV1, 'delivered', 'entregue'],
    [NotificationReadV1, 'read', 'lida'],
  ] as const).map(([definition, flag, label]) =>
    projection(definition, async (e: EventOf<typeof NotificationDeliveredV1>, run) => {
      const contact = await run.contact(e.data.contactId, e.tenant, e.data.caseId, e.data.channel);
      contact[flag] = true;
      run.changedContact(contact);
      run.note(e.data.caseId, e, `mensagem ${label} (${e.data.channel})`);
    }),
  ),
  projection(NotificationFailedV1, async (e, run) => {
    const contact = await run.contact(e.data.contactId, e.tenant, e.data.caseId, e.data.channel);
    contact.failed = true;
    run.changedContact(contact);
    run.note(e.data.caseId, e, `mensagem não entregue (${e.data.channel}): ${e.data.reason}`);
  }),
  projection(CaseEscalatedV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    doc.invoiceIds = [...new Set([...doc.invoiceIds, ...data.invoiceIds])];
    await learnCreditor(run, doc, data.invoiceIds);
    const first = !doc.escalation;
    doc.escalation = { reason: data.reason, detail: data.detail, at: e.occurredAt, openAmountCents: data.openAmountCents };
    run.changedCase(doc);
    await setInvoiceFlags(run, doc, data.invoiceIds, (i) => void (i.flags.escalated = true));
    if (first) caseDaily(run, doc, e.occurredAt, { escalations: 1 });
    run.note(doc._id, e, `encaminhado à fila de atendimento (${data.reason}): ${data.detail}`);
  }),
  projection(PaymentReconciledV1, async (e, run) => {
    const { data } = e;
    let closed = false;
    const invoice = await run.changeInvoice(data.invoiceId, e.tenant, (doc) => {
      doc.debtorId ??= data.debtorId;
      doc.paidTotalCents = Math.max(doc.paidTotalCents, data.paidTotalCents);
      doc.outstandingCents = doc.registered ? Math.min(doc.outstandingCents, data.outstandingCents) : data.outstandingCents;
      if (data.settled && doc.status === 'open') {
        doc.status = 'paid';
        closed = true;
      }
    });
    daily(run, e.tenant, invoice.creditor, invoice.segment, e.occurredAt, { payments: 1, recoveredCents: data.amountCents, invoicesPaid: closed ? 1 : 0 });
    const doc = invoice.caseId ? await run.existingCase(invoice.caseId) : null;
    if (doc) {
      // Last touch: the payment is credited to the case's last message, on the day and dimensions it was sent.
      if (doc.lastContact) run.incs.push(funnelCounter(doc.lastContact, { paid: 1, paidCents: data.amountCents }));
      run.strategy(doc, { recoveredCents: data.amountCents });
      run.changedCase(doc);
    }
    run.note(data.invoiceId, e, `pagamento de ${brl(data.amountCents)} conciliado; ${data.settled ? 'fatura quitada' : `restam ${brl(data.outstandingCents)}`}`);
  }),
  projection(CaseSettledV1, async (e, run) => {
    const doc = await run.case(e.data.caseId, e.tenant, e.data.debtorId);
    if (!doc.settled) run.strategy(doc, { casesPaid: 1 });
    doc.settled = true;
    run.changedCase(doc);
    run.note(doc._id, e, `caso quitado: ${brl(e.data.paidCents)} pagos`);
  }),
  projection(AgreementCreatedV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    // Its end may have come first (another topic): an agreement already broken or settled stays so.
    const ended = doc.agreement?.id === data.agreementId && doc.agreement.status !== 'active';
    doc.agreement = { id: data.agreementId, status: ended ? doc.agreement!.status : 'active', totalCents: data.totalCents };
    run.changedCase(doc);
    if (!ended) await setInvoiceFlags(run, doc, data.invoiceIds, (i) => void (i.flags.agreement = true));
    caseDaily(run, doc, e.occurredAt, { agreementsMade: 1 });
    run.note(doc._id, e, `acordo ${data.agreementId} fechado: ${brl(data.totalCents)} em ${data.installments.length} parcela(s), desconto de ${brl(data.discountCents)}`);
  }),
  projection(AgreementInstallmentPaidV1, async (e, run) => {
    const doc = await run.case(e.data.caseId, e.tenant, e.data.debtorId);
    caseDaily(run, doc, e.occurredAt, { installmentsPaid: 1 });
    run.note(doc._id, e, `parcela ${e.data.number} do acordo paga (${brl(e.data.paidCents)})`);
  }),
  projection(AgreementBrokenV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    doc.agreement = { id: data.agreementId, status: 'broken', totalCents: doc.agreement?.id === data.agreementId ? doc.agreement.totalCents : 0 };
    run.changedCase(doc);
    await setInvoiceFlags(run, doc, data.invoiceIds, (i) => void (i.flags.agreement = false));
    caseDaily(run, doc, e.occurredAt, { agreementsBroken: 1 });
    run.note(doc._id, e, `acordo ${data.agreementId} quebrado: parcela ${data.missedInstallment} não paga (${data.reason})`);
  }),
  projection(AgreementSettledV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    doc.agreement = { id: data.agreementId, status: 'settled', totalCents: doc.agreement?.id === data.agreementId ? doc.agreement.totalCents : data.paidCents };
    if (!doc.settled) run.strategy(doc, { casesPaid: 1 });
    doc.settled = true;
    run.changedCase(doc);
    await setInvoiceFlags(run, doc, data.invoiceIds, (i) => {
      i.flags.agreement = false;
      if (i.status === 'open') i.status = 'paid';
    });
    caseDaily(run, doc, e.occurredAt, { agreementsKept: 1 });
    run.note(doc._id, e, `acordo ${data.agreementId} cumprido: ${brl(data.paidCents)} pagos`);
  }),
  projection(CaseDisputedV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    // A decision that came first (another topic) stands.
    const decided = doc.dispute?.id === data.disputeId && doc.dispute.status !== 'open';
    doc.dispute = { id: data.disputeId, reason: data.reason, status: decided ? doc.dispute!.status : 'open' };
    run.changedCase(doc);
    if (!decided) await setInvoiceFlags(run, doc, data.invoiceIds, (i) => void (i.flags.disputed = true));
    caseDaily(run, doc, e.occurredAt, { disputes: 1 });
    run.note(doc._id, e, `dívida contestada (${data.reason})${e.source === 'dashboard' ? ' pelo atendimento' : ' pelo devedor'}: cobrança suspensa até decisão`);
  }),
  projection(CaseDisputeResolvedV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    doc.dispute = { id: data.disputeId, reason: doc.dispute?.id === data.disputeId ? doc.dispute.reason : 'other', status: data.outcome };
    run.changedCase(doc);
    await setInvoiceFlags(run, doc, data.invoiceIds, (i) => {
      i.flags.disputed = false;
      if (data.outcome === 'upheld' && i.status === 'open') i.status = 'cancelled';
    });
    run.note(doc._id, e, `contestação ${data.outcome === 'upheld' ? 'aceita: dívida cancelada' : 'rejeitada: a cobrança continua'}`);
  }),
  projection(CreditRecordedV1, async (e, run) => {
    const invoice = await run.invoice(e.data.invoiceId, e.tenant);
    daily(run, e.tenant, invoice.creditor, invoice.segment, e.occurredAt, { credits: 1 });
    run.note(e.data.invoiceId, e, `crédito de ${brl(e.data.creditCents)} registrado (${e.data.reason === 'overpayment' ? 'pagamento a maior' : 'pagamento de fatura já quitada'})`);
  }),
  projection(CaseOperatorActionV1, async (e, run) => {
    const { data } = e;
    const doc = await run.case(data.caseId, e.tenant, data.debtorId);
    const by = data.operator.id;
    const { action } = data;
    switch (action.kind) {
      case 'call-logged':
        caseDaily(run, doc, e.occurredAt, { calls: 1 });
        run.note(doc._id, e, `ligação registrada por ${by}: ${action.outcome}${action.note ? ` — ${action.note}` : ''}`);
        break;
      case 'promise-registered':
        if (!doc.promises.some((p) => p.actionId === data.actionId)) doc.promises.push({ actionId: data.actionId, amountCents: action.amountCents, promisedFor: action.promisedFor, by, at: e.occurredAt });
        caseDaily(run, doc, e.occurredAt, { promises: 1, promisedCents: action.amountCents });
        run.note(doc._id, e, `promessa de pagamento de ${brl(action.amountCents)} até ${action.promisedFor}, registrada por ${by}`);
        break;
      case 'collection-paused':
        doc.paused = { reason: action.reason, at: e.occurredAt, by };
        await setInvoiceFlags(run, doc, doc.invoiceIds, (i) => void (i.flags.paused = true));
        run.note(doc._id, e, `cobrança pausada por ${by} (${action.reason})${action.note ? ` — ${action.note}` : ''}`);
        break;
      case 'collection-resumed':
        doc.paused = null;
        await setInvoiceFlags(run, doc, doc.invoiceIds, (i) => void (i.flags.paused = false));
        run.note(doc._id, e, `cobrança retomada por ${by}`);
        break;
      case 'dispute-marked':
        run.note(doc._id, e, `contestação ${action.disputeId} registrada por ${by} (${action.reason})`);
        break;
      case 'score-reviewed':
        if (!doc.reviews.some((r) => r.actionId === data.actionId)) doc.reviews.push({ actionId: data.actionId, decision: action.decision, note: action.note, by, at: e.occurredAt });
        run.note(doc._id, e, `revisão humana da decisão automatizada (LGPD art. 20) por ${by}: ${action.decision === 'confirmed' ? 'mantida' : 'alterada'}`);
        break;
    }
    run.changedCase(doc);
  }),
  ...caseNotes(),
];

/** Legal-track events: on the case's timeline, and counted per day where the portfolio shows them. */
function caseNotes(): Projection[] {
  const note = <D extends AnyEventDefinition>(definition: D, text: (e: EventOf<D>) => string, counters?: (e: EventOf<D>) => Partial<Record<DailyField, number>>) =>
    projection(definition, async (e, run) => {
      const { caseId, debtorId } = (e as unknown as { data: { caseId: string; debtorId: string } }).data;
      const doc = await run.case(caseId, e.tenant, debtorId);
      if (counters) caseDaily(run, doc, e.occurredAt, counters(e));
      run.changedCase(doc, { queue: false });
      run.note(caseId, e, text(e));
    });
  return [
    note(BureauNoticeSentV1, (e) => `notificação prévia de negativação enviada pelo birô ${e.data.bureau} (${brl(e.data.amountCents)})`),
    note(BureauRegisteredV1, (e) => `dívida negativada no birô ${e.data.bureau} (${brl(e.data.amountCents)})`, () => ({ bureauRegistered: 1 })),
    note(BureauWithdrawnV1, (e) => `negativação baixada no birô ${e.data.bureau} (${e.data.reason}${e.data.withinDeadline ? '' : ', fora do prazo'})`, () => ({ bureauWithdrawn: 1 })),
    note(JudicialCaseOpenedV1, (e) => `caso encaminhado à cobrança judicial: processo ${e.data.processNumber}, ${e.data.court} (${brl(e.data.claimAmountCents)})`, (e) => ({ judicialOpened: 1, judicialClaimCents: e.data.claimAmountCents })),
    note(JudicialMovementRecordedV1, (e) => `movimentação judicial registrada: ${e.data.kind} em ${e.data.date}`),
    note(JudicialCaseClosedV1, (e) => `processo judicial ${e.data.processNumber} encerrado por acordo${e.data.agreedCents ? ` (${brl(e.data.agreedCents)})` : ''}`, (e) => ({ judicialClosed: 1, judicialAgreedCents: e.data.agreedCents ?? 0 })),
  ];
}
