import { buildEnvelope, causedBy, debtorKey, DebtorEnrichedV1, InvoiceRegisteredV1, type EventOf } from '@regua/contracts';
import { onBatch, type EventPublisher, type OutgoingMessage } from '@regua/kafka-bus';
import { derivedEventId, type Clock } from '@regua/service-kit';
import type { Logger } from '@regua/telemetry';
import type { BureauAnswer } from '../bureau/contract.ts';
import { cacheKey, type BureauLookup, type BureauOutcome } from '../bureau/lookup.ts';
import { normalizeEmail, normalizePhone } from '../domain/contacts.ts';
import { enrichInvoiceDebtor, type EnrichedProfile } from '../domain/enrich.ts';
import { contactLists, mergeContactPoints, type BureauContacts, type ContactValidator } from '../domain/merge.ts';
import type { BureauStatus, ProfileDoc, ProfileStore } from '../store/profiles.ts';

/** The creditor's contacts are cleaned by these (enrich.ts); the bureau's are held to the same. */
const validate: ContactValidator = {
  phone: (raw) => {
    const phone = normalizePhone(raw);
    if (!phone) return undefined;
    return { value: phone.e164, kind: phone.kind, channels: phone.kind === 'mobile' ? ['whatsapp', 'sms', 'voice'] : ['voice'], validity: 1 };
  },
  email: (raw) => {
    const email = normalizeEmail(raw);
    return email ? { value: email, kind: 'email', channels: ['email'], validity: 1 } : undefined;
  },
};

/**
 * A run of registered invoices: the run's debtors looked up at the bureau (cache, budget, then HTTP, concurrently),
 * contact points merged and ranked, profiles stored with one insert (a redelivered invoice is already there and keeps
 * its first profile), then one publish. The enriched event's id derives from the cause's, so a redelivery republishes
 * the same ids and scoring drops them.
 */
export function onInvoiceRegistered(deps: { store: ProfileStore; publisher: EventPublisher; clock: Clock; logger: Logger; source: string; bureau?: BureauLookup }) {
  return onBatch(InvoiceRegisteredV1, async (items) => {
    const now = deps.clock.now();
    const events = items.map((item) => item.value);
    const outcomes = deps.bureau ? await deps.bureau.lookupAll(events.flatMap((e) => (e.data.invoice.debtor.taxId.type === 'cpf' ? [{ tenant: e.tenant, cpf: e.data.invoice.debtor.taxId.number }] : []))) : new Map<string, BureauOutcome>();
    const enriched = events.map((event) => {
      const outcome = event.data.invoice.debtor.taxId.type === 'cpf' ? outcomes.get(cacheKey(event.tenant, event.data.invoice.debtor.taxId.number)) : undefined;
      return { event, outcome, ...enrichWithBureau(event, outcome, now) };
    });
    const docs: ProfileDoc[] = enriched.map(({ event, profile, discardedContacts, outcome }) => ({
      _id: profile.invoiceId,
      tenant: event.tenant,
      debtorId: profile.debtorId,
      profile,
      discardedContacts,
      bureau: bureauStatus(outcome, deps.bureau !== undefined, event),
      sourceEventId: event.id,
      enrichedAt: now,
    }));
    await deps.store.saveAll(docs);
    const messages: OutgoingMessage[] = enriched.map(({ event, profile }) => ({
      topic: DebtorEnrichedV1.topic,
      key: debtorKey(event.tenant, profile.debtorId),
      envelope: buildEnvelope(DebtorEnrichedV1, causedBy(event, { id: derivedEventId(event.id, DebtorEnrichedV1.type), occurredAt: now, source: deps.source }), profile),
    }));
    await deps.publisher.publish(messages);
    for (const [i, { event, profile, discardedContacts }] of enriched.entries()) {
      deps.logger.info({ invoiceId: profile.invoiceId, correlationId: event.correlationId, discardedContacts, bureau: docs[i]!.bureau?.status, mobiles: profile.contacts.mobilePhones.length, emails: profile.contacts.emails.length }, 'debtor enriched');
    }
  });
}

/** enrich.ts's profile (the creditor's data, cleaned), its contacts merged with the bureau's and ranked. */
function enrichWithBureau(event: EventOf<typeof InvoiceRegisteredV1>, outcome: BureauOutcome | undefined, now: Date): { profile: EnrichedProfile; discardedContacts: number } {
  const { invoice, invoiceId } = event.data;
  const { profile, discardedContacts } = enrichInvoiceDebtor(invoiceId, invoice);
  const contactPoints = mergeContactPoints({
    creditor: { raw: { phones: invoice.debtor.phones, emails: invoice.debtor.emails }, cleaned: profile.contacts, assertedAt: new Date(event.occurredAt) },
    ...(outcome?.status === 'answered' ? { bureau: bureauContacts(outcome.answer) } : {}),
    validate,
    now,
  });
  return { profile: { ...profile, contacts: contactLists(contactPoints), contactPoints }, discardedContacts };
}

function bureauContacts(answer: BureauAnswer): BureauContacts | undefined {
  if (!answer.found) return undefined;
  const date = (d: string | undefined) => (d ? { lastSeenAt: new Date(d) } : {});
  return {
    phones: answer.phones.map((p) => ({ number: p.number, confidence: p.confidence, ...date(p.lastSeenAt) })),
    emails: answer.emails.map((e) => ({ address: e.address, confidence: e.confidence, ...date(e.lastSeenAt) })),
  };
}

function bureauStatus(outcome: BureauOutcome | undefined, configured: boolean, event: EventOf<typeof InvoiceRegisteredV1>): BureauStatus {
  if (!configured) return { status: 'disabled' };
  if (!outcome) return { status: event.data.invoice.debtor.taxId.type === 'cpf' ? 'unavailable' : 'not-a-person' };
  if (outcome.status !== 'answered') return { status: outcome.status, cacheId: outcome.cacheId };
  return { status: outcome.answer.found ? 'found' : 'not-found', cacheId: outcome.cacheId, fromCache: outcome.fromCache };
}
