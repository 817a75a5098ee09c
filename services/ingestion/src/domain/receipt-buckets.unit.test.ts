import { expiredBuckets, keptBuckets, receiptBucket } from './receipt-buckets.ts';

describe('receipt buckets', () => {
  test('a receipt goes into the bucket of its UTC month', () => {
    expect(receiptBucket(new Date('2026-11-30T23:59:59Z'))).toBe('ingestion_receipts_202611');
    // 21:30 in São Paulo on 31 December is already January in UTC.
    expect(receiptBucket(new Date('2026-12-31T21:30:00-03:00'))).toBe('ingestion_receipts_202701');
  });

  test('the kept buckets are this month and the ones before, newest first, across a year end', () => {
    expect(keptBuckets(new Date('2027-01-31T12:00:00Z'), 3)).toEqual(['ingestion_receipts_202701', 'ingestion_receipts_202612', 'ingestion_receipts_202611']);
  });

  test('only receipt buckets older than the kept months expire', () => {
    const names = ['ingestion_receipts_202608', 'ingestion_receipts_202609', 'ingestion_receipts_202610', 'ingestion_receipts_202611', 'invoices', 'outbox', 'ingestion_receipts'];
    expect(expiredBuckets(names, new Date('2026-11-15T00:00:00Z'), 2)).toEqual(['ingestion_receipts_202608', 'ingestion_receipts_202609']);
  });
});
