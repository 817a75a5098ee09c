import type { CollectionStatistics } from '@regua/local-infra';
import { storeOpsBetween, storeOpsTotal } from './store-ops.ts';

const stats = (collection: string, counts: Partial<CollectionStatistics> = {}): CollectionStatistics => ({ collection, indexScans: 0, sequentialScans: 0, rowsScanned: 0, inserted: 0, updated: 0, deleted: 0, ...counts });

describe('store operations of a run', () => {
  test("a run's cost is the counters' growth, services' collections only, busiest first", () => {
    const before = [stats('regua_dashboard.invoices', { indexScans: 100, inserted: 50 }), stats('regua_scoring.scores', { indexScans: 7 }), stats('plumbing_x.cases', { indexScans: 1 })];
    const after = [
      stats('regua_dashboard.invoices', { indexScans: 400, inserted: 80, updated: 20 }),
      stats('regua_scoring.scores', { indexScans: 7 }),
      stats('regua_notification.cases', { indexScans: 900, rowsScanned: 5 }),
      stats('plumbing_x.cases', { indexScans: 99 }),
    ];
    const ops = storeOpsBetween(before, after);
    expect(ops).toEqual([
      { collection: 'regua_notification.cases', indexScans: 900, rowsScanned: 5, inserted: 0, updated: 0, deleted: 0 },
      { collection: 'regua_dashboard.invoices', indexScans: 300, rowsScanned: 0, inserted: 30, updated: 20, deleted: 0 },
    ]);
    expect(storeOpsTotal(ops)).toEqual({ indexScans: 1200, rowsScanned: 5, inserted: 30, updated: 20, deleted: 0 });
  });
});
