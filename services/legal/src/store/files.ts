import type { Connection } from 'mongoose';
import { readById } from '@regua/mongo';
import type { BureauFileState } from '../domain/negativacao.ts';
import { updateVersioned, type Mutation, type Versioned } from './versioned.ts';

export interface TimelineEntry {
  at: Date;
  what: string;
}

/** One case's credit-bureau registration: the current cycle, and the earlier ones (at most 10) for the timeline. */
export interface BureauFileDoc extends Versioned, BureauFileState {
  tenant: string;
  debtorId: string;
  bureau: string;
  /** 1 for the first request; each new request after a withdrawal or cancellation starts the next. */
  cycle: number;
  requestedBy: 'operator' | 'cadence-exhausted';
  requestedAt: Date;
  noticeAttempts: number;
  lastError?: string;
  timeline: TimelineEntry[];
  previous: Array<Omit<BureauFileDoc, 'previous' | '_id' | 'version'>>;
}

export const MAX_PREVIOUS_CYCLES = 10;

/** `bureau_files`: one document per case (`_id` = case id), read and written by `_id` under its version. */
export function createBureauFiles(db: Connection) {
  const files = db.collection<BureauFileDoc>('bureau_files');
  return {
    get: (caseId: string) => readById<BureauFileDoc>({ collection: files }, caseId),
    update: (caseId: string, mutate: Mutation<BureauFileDoc>) => updateVersioned(files, caseId, mutate),
  };
}

export type BureauFiles = ReturnType<typeof createBureauFiles>;
