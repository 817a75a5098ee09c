import { BankInvoiceMessageV1Schema, InvoiceSubmissionV1Schema, isValidCpf } from '@regua/contracts';
import { corruptCpf, generateCpf, generateFeed, kafkaDoorMessage, planChunks, seededRandom, seededUuid, type FeedOptions } from './feed.ts';

const OPTIONS: FeedOptions = { tenant: 'bench-bank', invoices: 400, debtors: 150, updates: 0.1, duplicates: 0.05, invalid: 0.05, kafkaShare: 0.5, seed: 7, now: new Date('2026-11-20T12:00:00Z') };

describe('bench feed', () => {
  test('Given a seed, then generated CPFs have valid check digits and a corrupted one never does', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const cpf = generateCpf(random);
      expect(isValidCpf(cpf)).toBe(true);
      expect(isValidCpf(corruptCpf(cpf))).toBe(false);
    }
  });

  test('Given the same options, then the feed is the same; another seed gives another feed', () => {
    expect(generateFeed(OPTIONS)).toEqual(generateFeed(OPTIONS));
    expect(generateFeed({ ...OPTIONS, seed: 8 }).records[0]!.submission.eventId).not.toBe(generateFeed(OPTIONS).records[0]!.submission.eventId);
    expect(seededUuid(seededRandom(1))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('Given shares of updates, duplicates and invalid records, then the feed holds that many of each on top of the invoices, over the debtors', () => {
    const feed = generateFeed(OPTIONS);
    expect(feed.counts).toMatchObject({ new: 400, update: 40, duplicate: 20, invalid: 20, total: 480, debtors: 150 });
    expect(feed.counts.http + feed.counts.kafka).toBe(480);
    expect(feed.counts.kafka / 480).toBeGreaterThan(0.35);
    expect(feed.counts.kafka / 480).toBeLessThan(0.65);
    expect(new Set(feed.expectedInvoiceIds).size).toBe(400);
    expect(new Set(feed.records.filter((r) => r.kind === 'new').map((r) => r.debtorExternalId)).size).toBe(150);
    expect(feed.expectedInvoiceIds[0]).toBe('bench-bank:BENCH-0000001');
  });

  test('Given the feed, then valid records pass the contract and invalid ones fail it, through either door', () => {
    const feed = generateFeed(OPTIONS);
    for (const record of feed.records) {
      const valid = record.kind !== 'invalid';
      expect(InvoiceSubmissionV1Schema.safeParse(record.submission).success).toBe(valid);
      expect(BankInvoiceMessageV1Schema.safeParse(JSON.parse(kafkaDoorMessage('bench-bank', record))).success).toBe(valid);
    }
    expect(feed.records.filter((r) => r.kind === 'invalid').every((r) => !feed.expectedInvoiceIds.includes(r.invoiceId))).toBe(true);
  });

  test('Given updates and duplicates, then they come after what they repeat: updates later in time with a new amount, duplicates with the same event id', () => {
    const feed = generateFeed(OPTIONS);
    const position = new Map(feed.records.filter((r) => r.kind === 'new').map((r) => [r.invoiceId, feed.records.indexOf(r)]));
    for (const [i, record] of feed.records.entries()) {
      if (record.kind !== 'update' && record.kind !== 'duplicate') continue;
      const original = feed.records[position.get(record.invoiceId)!]!;
      expect(i).toBeGreaterThan(position.get(record.invoiceId)!);
      if (record.kind === 'duplicate') {
        expect(record.submission.eventId).toBe(original.submission.eventId);
      } else {
        expect(record.submission.eventId).not.toBe(original.submission.eventId);
        expect(Date.parse(record.submission.occurredAt)).toBeGreaterThan(Date.parse(original.submission.occurredAt));
        expect(record.submission.invoice.amountCents).not.toBe(original.submission.invoice.amountCents);
        expect(record.submission.invoice.externalId).toBe(original.submission.invoice.externalId);
      }
    }
  });
});

describe('send plan', () => {
  test('Given no rate, then chunks are the batch size and all due at once', () => {
    expect(planChunks(2500, 1000)).toEqual([
      { from: 0, to: 1000, atMs: 0 },
      { from: 1000, to: 2000, atMs: 0 },
      { from: 2000, to: 2500, atMs: 0 },
    ]);
  });

  test('Given a rate, then chunks hold a tenth of a second of records and are spread evenly', () => {
    const chunks = planChunks(500, 1000, 100);
    expect(chunks).toHaveLength(50);
    expect(chunks[1]).toEqual({ from: 10, to: 20, atMs: 100 });
    expect(chunks.at(-1)).toEqual({ from: 490, to: 500, atMs: 4900 });
    expect(planChunks(3, 1000, 2).map((c) => c.atMs)).toEqual([0, 500, 1000]);
    expect(planChunks(20_000, 1000, 50_000)[0]!.to).toBe(1000);
  });
});
