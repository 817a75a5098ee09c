import type { Connection } from 'mongoose';
import { isDuplicateKeyError, readById } from '@regua/mongo';
import type { JudicialStatus, Movement } from '../domain/judicial.ts';
import { updateVersioned, type Mutation, type Versioned } from './versioned.ts';

export interface RecordedMovement extends Movement {
  movementId: string;
  recordedAt: Date;
  source: 'api' | 'file';
}

/** A case's judicial track (`_id` = case id). */
export interface JudicialCaseDoc extends Versioned {
  tenant: string;
  debtorId: string;
  invoiceIds: string[];
  processNumber: string;
  court: string;
  lawFirm: string;
  claimAmountCents: number;
  amicableContact: 'stop' | 'continue';
  status: JudicialStatus;
  openedAt: Date;
  closedOn?: string;
  movements: RecordedMovement[];
}

/** `judicial_cases` by case id, and `judicial_process_numbers` (`tenant:processNumber` → case id) for the file import. */
export function createJudicialStore(db: Connection) {
  const cases = db.collection<JudicialCaseDoc>('judicial_cases');
  const numbers = db.collection<{ _id: string; caseId: string }>('judicial_process_numbers');
  return {
    get: (caseId: string) => readById<JudicialCaseDoc>({ collection: cases }, caseId),
    update: (caseId: string, mutate: Mutation<JudicialCaseDoc>) => updateVersioned(cases, caseId, mutate),
    /** Claims a process number for a case; false when another case of the tenant holds it. */
    async claimNumber(tenant: string, processNumber: string, caseId: string): Promise<boolean> {
      const id = `${tenant}:${processNumber}`;
      try {
        await numbers.insertOne({ _id: id, caseId });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return (await readById<{ caseId: string }>({ collection: numbers }, id))?.caseId === caseId;
      }
    },
    caseOfNumber: async (tenant: string, processNumber: string) => (await readById<{ caseId: string }>({ collection: numbers }, `${tenant}:${processNumber}`))?.caseId,
  };
}

export type JudicialStore = ReturnType<typeof createJudicialStore>;
