import type { Connection } from 'mongoose';
import { forEachConcurrently, insertManyIfAbsent } from '@regua/mongo';
import { upcastFeatures, type Features, type StoredFeatures } from '../domain/features.ts';
import type { LabelDates } from '../domain/label-outcome.ts';

/**
 * What a scored invoice teaches once its outcome is known: its features then, and when (if) it was paid, taken into
 * an agreement and that agreement broken (the earliest of each). How the recalibration reads them:
 * `outcomeOf` (domain/label-outcome.ts).
 */
export interface LabelDoc extends LabelDates {
  _id: string;
  tenant: string;
  features: Features;
  modelVersion: string;
  probability: number;
}

/** The dates an event sets on a label (paid; an agreement including the invoice accepted; that agreement broken). */
export type LabelDate = Exclude<keyof LabelDates, 'scoredAt'>;

const PREFIX = 'scoring_labels_';

/** `yyyymm` of a date, in UTC: the label collection of invoices first scored in that month. */
export function labelMonthOf(at: Date): string {
  return `${at.getUTCFullYear()}${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The `count` months up to and including `at`'s, newest first. */
export function monthsUpTo(at: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) => labelMonthOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - i, 1))));
}

/**
 * Labels live in one collection per month of first scoring (`scoring_labels_<yyyymm>`): written by `_id` on the hot
 * path, read whole only by the recalibration job, and dropped whole once older than the months kept.
 */
export function createLabelStore(db: Connection) {
  const month = (yyyymm: string) => db.collection<LabelDoc>(`${PREFIX}${yyyymm}`);
  return {
    async insertAll(yyyymm: string, docs: LabelDoc[]): Promise<void> {
      await insertManyIfAbsent({ collection: month(yyyymm) as never }, docs);
    },
    /**
     * An outcome's date on each invoice's label, by `_id`: the earliest counts (`$min`), so a redelivery or a later
     * payment (agreement, break) changes nothing.
     */
    async mark(field: LabelDate, entries: ReadonlyArray<{ month: string; invoiceId: string; at: Date }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ month: yyyymm, invoiceId, at }) => {
        await month(yyyymm).updateOne({ _id: invoiceId }, { $min: { [field]: at } });
      });
    },
    async remove(entries: ReadonlyArray<{ month: string; invoiceId: string }>): Promise<void> {
      await forEachConcurrently(entries, 8, async ({ month: yyyymm, invoiceId }) => {
        await month(yyyymm).deleteOne({ _id: invoiceId });
      });
    },
    /** Every label of the given months (the recalibration job's read), its features in today's shape. */
    async readMonths(months: readonly string[]): Promise<LabelDoc[]> {
      const existing = new Set(await this.months());
      const all: LabelDoc[] = [];
      for (const m of months) if (existing.has(m)) all.push(...(await month(m).find({}).toArray()));
      // Labels written before engagement or agreements were recorded lack their features: read as a debtor without them.
      return all.map((doc) => ({ ...doc, features: upcastFeatures(doc.features as StoredFeatures) }));
    },
    async months(): Promise<string[]> {
      const collections = await db.db!.listCollections({}, { nameOnly: true }).toArray();
      return collections.map((c) => c.name).filter((name) => name.startsWith(PREFIX)).map((name) => name.slice(PREFIX.length)).sort();
    },
    /** Drops months before `oldestKept` whole. */
    async dropBefore(oldestKept: string): Promise<string[]> {
      const dropped = (await this.months()).filter((m) => m < oldestKept);
      for (const m of dropped) await month(m).drop();
      return dropped;
    },
  };
}

export type LabelStore = ReturnType<typeof createLabelStore>;
