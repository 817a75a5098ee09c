import { useScratchDatabase } from '@regua/mongo/testing';
import { bucketName } from '../src/domain/schedule-buckets.ts';
import { createSchedule, type ScheduleEntry } from '../src/store/schedule.ts';

const NOW = new Date('2026-11-24T13:05:00Z');
const MINUTE = 60_000;

describe('the reminder schedule on the real database', () => {
  const db = useScratchDatabase('schedule');

  const bucketNames = async () => (await db().db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('schedule_')).sort();

  test('a tick reads what is due now and leaves later entries, in this bucket and in later ones, untouched', async () => {
    const schedule = createSchedule(db());
    await schedule.add(
      [
        { caseId: 'due-yesterday', step: 0, dueAt: new Date(NOW.getTime() - 24 * 60 * MINUTE) },
        { caseId: 'due-a-minute-ago', step: 0, dueAt: new Date(NOW.getTime() - MINUTE) },
        { caseId: 'due-in-two-minutes', step: 0, dueAt: new Date(NOW.getTime() + 2 * MINUTE) },
        { caseId: 'due-tomorrow', step: 0, dueAt: new Date(NOW.getTime() + 24 * 60 * MINUTE) },
      ],
      new Date(NOW.getTime() - 25 * 60 * MINUTE),
    );
    expect(await bucketNames()).toHaveLength(3);

    const seen: ScheduleEntry[][] = [];
    const handled = await schedule.drainDue(NOW, 10, async (entries) => void seen.push(entries));

    expect(handled).toBe(2);
    expect(seen.flat().map((e) => e.caseId).sort()).toEqual(['due-a-minute-ago', 'due-yesterday']);
    // Yesterday's bucket is drained and closed: dropped. The current one keeps its later entry; tomorrow's is untouched.
    expect(await bucketNames()).toEqual([bucketName(NOW), bucketName(new Date(NOW.getTime() + 24 * 60 * MINUTE))]);
    const again: string[] = [];
    await schedule.drainDue(NOW, 10, async (entries) => void again.push(...entries.map((e) => e.caseId)));
    expect(again).toEqual([]);
    await schedule.drainDue(new Date(NOW.getTime() + 3 * MINUTE), 10, async (entries) => void again.push(...entries.map((e) => e.caseId)));
    expect(again).toEqual(['due-in-two-minutes']);
  });

  test('entries come in chunks of the asked size, and a chunk whose handler fails stays for the next tick', async () => {
    const schedule = createSchedule(db());
    await schedule.add(Array.from({ length: 25 }, (_, i) => ({ caseId: `case-${i}`, step: 0, dueAt: new Date(NOW.getTime() - MINUTE) })), new Date(NOW.getTime() - 2 * MINUTE));

    const sizes: number[] = [];
    await expect(
      schedule.drainDue(NOW, 10, async (entries) => {
        sizes.push(entries.length);
        if (sizes.length === 2) throw new Error('database went away');
      }),
    ).rejects.toThrow('database went away');
    expect(sizes).toEqual([10, 10]);

    const rest: string[] = [];
    await schedule.drainDue(NOW, 10, async (entries) => void rest.push(...entries.map((e) => e.caseId)));
    // The first chunk was done and removed; the failed one and the rest come again.
    expect(rest).toHaveLength(15);
  });

  test('the same case at the same time is scheduled once; a time in the past is due now', async () => {
    const schedule = createSchedule(db());
    const at = new Date(NOW.getTime() + 5 * MINUTE);
    await schedule.add([{ caseId: 'c1', step: 0, dueAt: at }], NOW);
    await schedule.add([{ caseId: 'c1', step: 0, dueAt: at }, { caseId: 'c2', step: 0, dueAt: new Date(NOW.getTime() - 60 * MINUTE) }], NOW);

    const due: ScheduleEntry[] = [];
    await schedule.drainDue(new Date(at.getTime() + 1), 10, async (entries) => void due.push(...entries));
    expect(due.map((e) => e.caseId).sort()).toEqual(['c1', 'c2']);
    expect(due.find((e) => e.caseId === 'c2')!.dueAt).toEqual(NOW);
  });

  test('two replicas draining the same closed bucket at once both finish, and every entry is handled', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [createSchedule(db()), createSchedule(db())];
      const yesterday = new Date(NOW.getTime() - 24 * 60 * MINUTE - round * 10 * MINUTE);
      const ids = Array.from({ length: 300 }, (_, i) => `case-${round}-${i}`);
      await a.add(ids.map((caseId) => ({ caseId, step: 0, dueAt: yesterday })), new Date(yesterday.getTime() - MINUTE));

      const seen = new Set<string>();
      const record = async (entries: ScheduleEntry[]) => void entries.forEach((e) => seen.add(e.caseId));
      await Promise.all([a.drainDue(NOW, 50, record), b.drainDue(NOW, 50, record)]);

      expect([...seen].sort()).toEqual([...ids].sort());
      expect(await bucketNames()).not.toContain(bucketName(yesterday));
    }
  });
});
