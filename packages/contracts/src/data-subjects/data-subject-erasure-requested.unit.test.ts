import { buildEnvelope } from '../envelope.ts';
import { topicSpec } from '../topics.ts';
import { DataSubjectErasureRequestedV1, ERASURE_INVOICES_PER_EVENT } from './data-subject-erasure-requested.v1.ts';

describe('DataSubjectErasureRequested v1', () => {
  const context = { id: '6f1c2f0e-5d43-4a53-9a56-0a8f5e1d2c01', occurredAt: new Date('2026-11-26T12:00:00Z'), source: 'ingestion', tenant: 'bank', correlationId: 'req-1' };
  const data = { requestId: 'req-1', invoices: [{ invoiceId: 'bank:INV-1', debtorId: 'CUST-1' }], part: 0, parts: 1 };

  test('Given ids only, then the event is valid and declared in the topic registry', () => {
    expect(DataSubjectErasureRequestedV1.schema.safeParse(buildEnvelope(DataSubjectErasureRequestedV1, context, data)).success).toBe(true);
    expect(topicSpec(DataSubjectErasureRequestedV1.topic)).toMatchObject({ declared: true, kind: 'event' });
  });

  test('Given a tax id or a name alongside the ids, then the event is refused: it never carries them', () => {
    expect(DataSubjectErasureRequestedV1.schema.safeParse({ ...buildEnvelope(DataSubjectErasureRequestedV1, context, data), data: { ...data, taxId: '52998224725' } }).success).toBe(false);
    expect(DataSubjectErasureRequestedV1.schema.safeParse({ ...buildEnvelope(DataSubjectErasureRequestedV1, context, data), data: { ...data, invoices: [{ invoiceId: 'bank:INV-1', debtorId: 'CUST-1', name: 'Maria' }] } }).success).toBe(false);
  });

  test('Given no invoices, too many, or a part beyond the parts, then it is refused', () => {
    const parse = (d: object) => DataSubjectErasureRequestedV1.schema.safeParse({ ...buildEnvelope(DataSubjectErasureRequestedV1, context, data), data: { ...data, ...d } }).success;
    expect(parse({ invoices: [] })).toBe(false);
    expect(parse({ invoices: Array.from({ length: ERASURE_INVOICES_PER_EVENT + 1 }, (_, i) => ({ invoiceId: `bank:${i}`, debtorId: 'C' })) })).toBe(false);
    expect(parse({ part: 1, parts: 1 })).toBe(false);
  });
});
