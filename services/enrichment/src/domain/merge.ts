import type { z } from 'zod';
import type { ContactPointSchema, ContactSourceRecordSchema, RankedContactPointsSchema, RejectedContactSchema } from '@regua/contracts';

export type ContactPoint = z.infer<typeof ContactPointSchema>;
export type ContactSourceRecord = z.infer<typeof ContactSourceRecordSchema>;
export type RejectedContact = z.infer<typeof RejectedContactSchema>;
export type RankedContactPoints = z.infer<typeof RankedContactPointsSchema>;

export type Channel = 'whatsapp' | 'sms' | 'voice' | 'email';

/** A raw value as enrichment's validators read it: normalised, what it can be used for, and how sound its form is. */
export interface ValidatedContact {
  value: string;
  kind: ContactPoint['kind'];
  channels: readonly Channel[];
  /** 1 for a value that looks right; lower for one that is valid but doubtful (a suspected typo, a disposable box). */
  validity: number;
}

/** How a raw value becomes a contact point: the same validators that cleaned the creditor's contacts. */
export interface ContactValidator {
  phone(raw: string): ValidatedContact | undefined;
  email(raw: string): ValidatedContact | undefined;
}

/** What the creditor sent (raw) and what enrichment's validators made of it (cleaned, the authority on validity). */
export interface CreditorContacts {
  raw: { phones: readonly string[]; emails: readonly string[] };
  cleaned: { mobilePhones: readonly string[]; landlines: readonly string[]; emails: readonly string[] };
  /** When the creditor asserted them: the invoice event's time. */
  assertedAt: Date;
}

/** What a data bureau knows of the person, each value with its own confidence and last-seen date. */
export interface BureauContacts {
  phones: ReadonlyArray<{ number: string; confidence: number; lastSeenAt?: Date }>;
  emails: ReadonlyArray<{ address: string; confidence: number; lastSeenAt?: Date }>;
}

export interface MergePolicy {
  /** How far a creditor's contact is trusted before anyone confirms it. */
  creditorConfidence: number;
  /** A value last seen this many days ago counts half as much as one seen today. */
  halfLifeDays: number;
}

export const DEFAULT_MERGE_POLICY: MergePolicy = { creditorConfidence: 0.6, halfLifeDays: 365 };

const DAY_MS = 86_400_000;

/**
 * Merges the creditor's and the bureau's contact points: one point per normalised value, carrying every source's
 * raw value, confidence and date (nothing the creditor sent is lost: values that fail validation are kept under
 * `rejected`), then ranks them per channel. Only values valid for a channel are in its list (a landline is voice
 * only); they are ordered by validity × confidence decayed by the age of the last sighting, then by recency, then
 * the creditor's before the bureau's, then first given first.
 */
export function mergeContactPoints(input: { creditor: CreditorContacts; bureau?: BureauContacts; validate: ContactValidator; now: Date; policy?: MergePolicy }): RankedContactPoints {
  const policy = input.policy ?? DEFAULT_MERGE_POLICY;
  const points = new Map<string, Candidate>();
  const rejected: RejectedContact[] = [];
  const add = (valid: ValidatedContact, record: ContactSourceRecord) => {
    const known = points.get(valid.value);
    points.set(valid.value, {
      point: summarise({ value: valid.value, kind: known?.point.kind ?? valid.kind, sources: [...(known?.point.sources ?? []), record] }),
      channels: known?.channels ?? valid.channels,
      validity: Math.max(known?.validity ?? 0, valid.validity),
    });
  };

  const { creditor } = input;
  const asserted = creditor.assertedAt.toISOString();
  const creditorRecord = (raw: string): ContactSourceRecord => ({ source: 'creditor', raw, confidence: policy.creditorConfidence, lastVerifiedAt: asserted });
  // enrich.ts's cleaned lists decide which of the creditor's values are valid, and their kind; each raw value is
  // paired to its cleaned one through the validator, so the original stays next to the normalised value.
  const cleaned: Array<[readonly string[], ValidatedContact['kind'], readonly Channel[], readonly string[], (raw: string) => ValidatedContact | undefined]> = [
    [creditor.cleaned.mobilePhones, 'mobile', ['whatsapp', 'sms', 'voice'], creditor.raw.phones, input.validate.phone],
    [creditor.cleaned.landlines, 'landline', ['voice'], creditor.raw.phones, input.validate.phone],
    [creditor.cleaned.emails, 'email', ['email'], creditor.raw.emails, input.validate.email],
  ];
  const kept = new Set<string>();
  for (const [values, kind, channels, raws, validate] of cleaned) {
    for (const value of values) {
      kept.add(value);
      const paired = raws.map((raw) => ({ raw, valid: validate(raw) })).filter((r) => r.valid?.value === value);
      const fallback: ValidatedContact = { value, kind, channels, validity: 1 };
      if (paired.length === 0) add(fallback, creditorRecord(value));
      for (const { raw, valid } of paired) add({ ...fallback, channels: valid!.channels, validity: valid!.validity }, creditorRecord(raw));
    }
  }
  for (const raw of creditor.raw.phones) if (!kept.has(input.validate.phone(raw)?.value ?? '')) rejected.push({ source: 'creditor', kind: 'phone', raw });
  for (const raw of creditor.raw.emails) if (!kept.has(input.validate.email(raw)?.value ?? '')) rejected.push({ source: 'creditor', kind: 'email', raw });

  for (const phone of input.bureau?.phones ?? []) {
    const valid = input.validate.phone(phone.number);
    if (!valid) rejected.push({ source: 'bureau', kind: 'phone', raw: phone.number });
    else add(valid, bureauRecord(phone.number, phone.confidence, phone.lastSeenAt));
  }
  for (const email of input.bureau?.emails ?? []) {
    const valid = input.validate.email(email.address);
    if (!valid) rejected.push({ source: 'bureau', kind: 'email', raw: email.address });
    else add(valid, bureauRecord(email.address, email.confidence, email.lastSeenAt));
  }

  const ranked = rank([...points.values()], input.now, policy);
  const forChannel = (channel: Channel) => ranked.filter((c) => c.channels.includes(channel)).map((c) => c.point);
  return { whatsapp: forChannel('whatsapp'), sms: forChannel('sms'), voice: forChannel('voice'), email: forChannel('email'), rejected };
}

interface Candidate {
  point: ContactPoint;
  channels: readonly Channel[];
  validity: number;
}

/** The flat lists the event always carried, now best first: what scoring and notification read. */
export function contactLists(ranked: RankedContactPoints): { emails: string[]; mobilePhones: string[]; landlines: string[] } {
  return {
    emails: ranked.email.map((p) => p.value),
    mobilePhones: ranked.whatsapp.map((p) => p.value),
    landlines: ranked.voice.filter((p) => p.kind === 'landline').map((p) => p.value),
  };
}

/** Confidence decayed by how long ago the value was last seen (a value never dated counts as one half-life old). */
export function effectiveConfidence(point: Pick<ContactPoint, 'confidence' | 'lastVerifiedAt'>, now: Date, policy: MergePolicy = DEFAULT_MERGE_POLICY): number {
  const ageDays = point.lastVerifiedAt ? Math.max(0, (now.getTime() - Date.parse(point.lastVerifiedAt)) / DAY_MS) : policy.halfLifeDays;
  return point.confidence * 0.5 ** (ageDays / policy.halfLifeDays);
}

/** Best first: validity × confidence decayed by age, then the latest sighting, then the creditor's, then first given. */
function rank(candidates: Candidate[], now: Date, policy: MergePolicy): Candidate[] {
  const keyed = candidates.map((candidate, order) => ({
    candidate,
    order,
    score: candidate.validity * effectiveConfidence(candidate.point, now, policy),
    seen: candidate.point.lastVerifiedAt ? Date.parse(candidate.point.lastVerifiedAt) : 0,
    fromCreditor: candidate.point.sources.some((s) => s.source === 'creditor'),
  }));
  keyed.sort((a, b) => b.score - a.score || b.seen - a.seen || Number(b.fromCreditor) - Number(a.fromCreditor) || a.order - b.order);
  return keyed.map((k) => k.candidate);
}

/**
 * Two sources agreeing are surer than either: independent evidence, combined as 1 − Π(1 − c) over the sources (each
 * source counted once, at its highest confidence: a creditor repeating a number is not a second witness). The most
 * recent sighting is kept.
 */
function summarise(point: Pick<ContactPoint, 'value' | 'kind' | 'sources'>): ContactPoint {
  const bySource = new Map<string, number>();
  for (const s of point.sources) bySource.set(s.source, Math.max(bySource.get(s.source) ?? 0, s.confidence));
  const confidence = 1 - [...bySource.values()].reduce((doubt, c) => doubt * (1 - c), 1);
  const lastVerifiedAt = point.sources.map((s) => s.lastVerifiedAt).filter((d): d is string => d !== undefined).sort().at(-1);
  return { value: point.value, kind: point.kind, confidence: round(confidence), ...(lastVerifiedAt ? { lastVerifiedAt } : {}), sources: point.sources };
}

function bureauRecord(raw: string, confidence: number, lastSeenAt: Date | undefined): ContactSourceRecord {
  return { source: 'bureau', raw, confidence: Math.min(1, Math.max(0, confidence)), ...(lastSeenAt ? { lastVerifiedAt: lastSeenAt.toISOString() } : {}) };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
