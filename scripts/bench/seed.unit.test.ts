import { bucketName } from '../../services/notification/src/domain/schedule-buckets.ts';
import { SEED_CHUNK, seedChunk } from './seed.ts';

const OPTIONS = { tenant: 'bench-seed', seed: 1, now: new Date('2026-11-20T12:00:00Z'), openCases: 3 * SEED_CHUNK };

describe('bench seed', () => {
  test('Given three chunks, then every id is distinct across them and belongs to the seed tenant', () => {
    const chunks = [0, 1, 2].map((k) => seedChunk(OPTIONS, k * SEED_CHUNK, SEED_CHUNK));
    const ids = chunks.flatMap((c) => c.links.map((l) => l.invoiceId));
    expect(new Set(ids).size).toBe(3 * SEED_CHUNK);
    expect(ids.every((id) => id.startsWith('bench-seed:SEED-'))).toBe(true);
    // One case per debtor (two invoices each), every case distinct across chunks.
    const debtors = new Set(chunks.flatMap((c) => c.cases.map((d) => d.debtorId)));
    expect(debtors.size).toBe((3 * SEED_CHUNK) / 2);
    expect(new Set(chunks.flatMap((c) => c.cases.map((d) => d._id))).size).toBe((3 * SEED_CHUNK) / 2);
    expect(new Set(chunks.flatMap((c) => c.receipts.map((r) => r._id))).size).toBe(3 * SEED_CHUNK);
  });

  test('Given a chunk, then each case is open with its due step sent and the next one due after the run starts, in several buckets', () => {
    const chunk = seedChunk(OPTIONS, 0, SEED_CHUNK);
    for (const list of [chunk.invoices, chunk.receipts, chunk.profiles, chunk.scores, chunk.links, chunk.receivables]) expect(list).toHaveLength(SEED_CHUNK);
    for (const list of [chunk.cases, chunk.deliveries]) expect(list).toHaveLength(SEED_CHUNK / 2);
    // Cases whose cadence has a step left wait for it (the others are done: an operator's work).
    expect(chunk.wakes.length).toBeGreaterThan(0);
    expect(chunk.wakes.length).toBeLessThanOrEqual(SEED_CHUNK / 2);
    expect(chunk.cases.every((c) => c.status === 'open' && c.invoices.length === 2 && c.openedAt.getTime() < OPTIONS.now.getTime())).toBe(true);
    expect(chunk.deliveries.every((d) => d._id === `${d.caseId}:${d.step}:${d.channel}` && chunk.cases.find((c) => c._id === d.caseId)!.settledSteps.includes(d.step))).toBe(true);
    expect(chunk.wakes.every((w) => w.dueAt.getTime() >= OPTIONS.now.getTime())).toBe(true);
    expect(new Set(chunk.wakes.map((w) => bucketName(w.dueAt))).size).toBeGreaterThan(3);
  });

  test('Given the same options, then the same portfolio', () => {
    expect(seedChunk(OPTIONS, SEED_CHUNK, 10)).toEqual(seedChunk(OPTIONS, SEED_CHUNK, 10));
  });
});
