import { contactLists, effectiveConfidence, mergeContactPoints, type ContactValidator } from './merge.ts';

const NOW = new Date('2026-11-26T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

/** A validator of the shape enrichment wires (digits to E.164; 9-digit subscriber mobile, else landline). */
const validate: ContactValidator = {
  phone: (raw) => {
    let digits = raw.replace(/\D/g, '');
    if (digits.startsWith('55') && digits.length >= 12) digits = digits.slice(2);
    if (digits.length !== 10 && digits.length !== 11) return undefined;
    const mobile = digits.length === 11;
    return { value: `+55${digits}`, kind: mobile ? 'mobile' : 'landline', channels: mobile ? ['whatsapp', 'sms', 'voice'] : ['voice'], validity: 1 };
  },
  email: (raw) => {
    const value = raw.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return undefined;
    return { value, kind: 'email', channels: ['email'], validity: value.endsWith('@mailinator.com') ? 0.2 : 1 };
  },
};

const creditor = {
  raw: { phones: ['(11) 98765-4321', '11 3456-7890', '123'], emails: ['Maria.Silva@Example.com', 'not-an-email'] },
  cleaned: { mobilePhones: ['+5511987654321'], landlines: ['+551134567890'], emails: ['maria.silva@example.com'] },
  assertedAt: daysAgo(1),
};

describe('merging and ranking contact points', () => {
  test('Given only the creditor, then every value keeps its raw input next to the normalised one, and invalid ones are kept as rejected', () => {
    const ranked = mergeContactPoints({ creditor, validate, now: NOW });
    expect(ranked.whatsapp).toEqual([{ value: '+5511987654321', kind: 'mobile', confidence: 0.6, lastVerifiedAt: daysAgo(1).toISOString(), sources: [{ source: 'creditor', raw: '(11) 98765-4321', confidence: 0.6, lastVerifiedAt: daysAgo(1).toISOString() }] }]);
    expect(ranked.email[0]!.sources[0]!.raw).toBe('Maria.Silva@Example.com');
    expect(ranked.rejected).toEqual([
      { source: 'creditor', kind: 'phone', raw: '123' },
      { source: 'creditor', kind: 'email', raw: 'not-an-email' },
    ]);
    expect(contactLists(ranked)).toEqual({ mobilePhones: ['+5511987654321'], landlines: ['+551134567890'], emails: ['maria.silva@example.com'] });
  });

  test('Given the bureau confirms a creditor number in another format, then it is one point with both sources and a combined confidence', () => {
    const ranked = mergeContactPoints({ creditor, bureau: { phones: [{ number: '+55 11 98765-4321', confidence: 0.5, lastSeenAt: daysAgo(3) }], emails: [] }, validate, now: NOW });
    expect(ranked.whatsapp).toHaveLength(1);
    const point = ranked.whatsapp[0]!;
    expect(point.sources.map((s) => [s.source, s.raw])).toEqual([
      ['creditor', '(11) 98765-4321'],
      ['bureau', '+55 11 98765-4321'],
    ]);
    expect(point.confidence).toBeCloseTo(1 - 0.4 * 0.5);
    expect(point.lastVerifiedAt).toBe(daysAgo(1).toISOString());
  });

  test('Given the creditor sends the same number twice in two formats, then its confidence is not counted twice', () => {
    const ranked = mergeContactPoints({ creditor: { ...creditor, raw: { ...creditor.raw, phones: ['(11) 98765-4321', '+55 11 987654321'] } }, validate, now: NOW });
    expect(ranked.whatsapp[0]!.sources).toHaveLength(2);
    expect(ranked.whatsapp[0]!.confidence).toBe(0.6);
  });

  test('Given a recent, confident bureau mobile and an old one, then the channels rank recent-and-confident first and the stale one last', () => {
    const ranked = mergeContactPoints({
      creditor,
      bureau: {
        phones: [
          { number: '21999990000', confidence: 0.95, lastSeenAt: daysAgo(1500) },
          { number: '21988887777', confidence: 0.9, lastSeenAt: daysAgo(10) },
        ],
        emails: [],
      },
      validate,
      now: NOW,
    });
    expect(ranked.whatsapp.map((p) => p.value)).toEqual(['+5521988887777', '+5511987654321', '+5521999990000']);
    expect(ranked.sms).toEqual(ranked.whatsapp);
  });

  test('Given a landline, then it is ranked for voice only, among the mobiles', () => {
    const ranked = mergeContactPoints({ creditor, validate, now: NOW });
    expect(ranked.whatsapp.map((p) => p.value)).not.toContain('+551134567890');
    expect(ranked.voice.map((p) => p.value).sort()).toEqual(['+551134567890', '+5511987654321']);
  });

  test('Given a doubtful e-mail (a disposable box), then a confident address ranks above it whatever their confidence', () => {
    const ranked = mergeContactPoints({
      creditor: { ...creditor, raw: { phones: [], emails: [] }, cleaned: { mobilePhones: [], landlines: [], emails: [] } },
      bureau: { phones: [], emails: [{ address: 'x@mailinator.com', confidence: 0.99, lastSeenAt: daysAgo(1) }, { address: 'maria@uol.com.br', confidence: 0.6, lastSeenAt: daysAgo(30) }] },
      validate,
      now: NOW,
    });
    expect(ranked.email.map((p) => p.value)).toEqual(['maria@uol.com.br', 'x@mailinator.com']);
  });

  test('Given equal evidence, then the creditor\'s value comes before the bureau\'s, and the bureau\'s invalid values are kept as rejected', () => {
    const ranked = mergeContactPoints({
      creditor: { ...creditor, raw: { phones: ['11987654321'], emails: [] }, cleaned: { mobilePhones: ['+5511987654321'], landlines: [], emails: [] } },
      bureau: { phones: [{ number: '11912345678', confidence: 0.6, lastSeenAt: daysAgo(1) }, { number: '999', confidence: 0.9 }], emails: [] },
      validate,
      now: NOW,
    });
    expect(ranked.whatsapp.map((p) => p.value)).toEqual(['+5511987654321', '+5511912345678']);
    expect(ranked.rejected).toEqual([{ source: 'bureau', kind: 'phone', raw: '999' }]);
  });

  test('Given a value seen one half-life ago, then it counts half', () => {
    expect(effectiveConfidence({ confidence: 0.8, lastVerifiedAt: daysAgo(365).toISOString() }, NOW)).toBeCloseTo(0.4);
    expect(effectiveConfidence({ confidence: 0.8 }, NOW)).toBeCloseTo(0.4);
  });
});
