import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';

/** Who saw or did what, when (`audit_log_<yyyymm>`): insert only, never updated or deleted by the dashboard. */
export interface AuditRecord {
  _id: string;
  at: Date;
  actor: string;
  roles: string[];
  tenant: string;
  action: 'case-viewed' | 'case-action' | 'queue-exported' | 'login' | 'login-failed';
  caseId: string | null;
  /** Personal data the answer held, and whether it was shown in clear. */
  personalData: { fields: string[]; unmasked: string[] } | null;
  detail: string | null;
}

const monthOf = (at: Date) => at.toISOString().slice(0, 7).replace('-', '');

/**
 * The audit log, one collection per UTC month: reading a month reads only that month's records, and the tenant
 * (a top-level equality) narrows it further.
 */
export function createAuditLog(db: Connection) {
  const collection = (month: string) => db.collection<AuditRecord>(`audit_log_${month}`);
  return {
    async record(entry: Omit<AuditRecord, '_id'>): Promise<string> {
      const _id = randomUUID();
      await collection(monthOf(entry.at)).insertOne({ _id, ...entry });
      return _id;
    },
    async read(tenant: string, month: string, limit = 500): Promise<AuditRecord[]> {
      const records = await collection(month).find({ tenant }).toArray();
      return records.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
    },
    monthOf,
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
