import type { Connection } from 'mongoose';
import { normalizeCnpj } from '@regua/contracts';
import { ConflictError } from '@regua/errors';
import { insertManyIfAbsent, isDuplicateKeyError } from '@regua/mongo';
import { DEFAULT_CADENCE_CONFIG, type TenantCadenceConfig } from '../domain/cadence-spec.ts';
import type { CreditorProfile, MessageTemplate } from '../domain/message-templates.ts';

/** One version of a tenant's document; version 0 is the built-in default, never stored. */
export interface Versioned<T> {
  version: number;
  value: T;
  /** null for the built-in default. */
  updatedAt: Date | null;
}

export interface CurrentVersion<T> extends Versioned<T> {
  /** The versions before it the current document still lists, newest first (every version stays readable). */
  previousVersions: Array<{ version: number; updatedAt: Date }>;
}

export interface CreditorRecord extends CreditorProfile {
  updatedAt: Date;
}

/**
 * A tenant's cadences and strategies, its message templates and its creditors' identification. Configurations are
 * versioned: a replace makes a new version and every version stays readable for good, so a case keeps following the
 * version it started with. A replace is optimistic: given the version it was based on, it refuses (ConflictError) if
 * another replace came first, and never overwrites one silently.
 */
export interface CadenceStore {
  current(tenant: string): Promise<CurrentVersion<TenantCadenceConfig>>;
  replace(tenant: string, config: TenantCadenceConfig, at: Date, expectedVersion?: number): Promise<CurrentVersion<TenantCadenceConfig>>;
  cadenceVersion(tenant: string, version: number): Promise<Versioned<TenantCadenceConfig> | null>;
  templates(tenant: string): Promise<CurrentVersion<MessageTemplate[]>>;
  replaceTemplates(tenant: string, templates: MessageTemplate[], at: Date, expectedVersion?: number): Promise<CurrentVersion<MessageTemplate[]>>;
  templateVersion(tenant: string, version: number): Promise<Versioned<MessageTemplate[]> | null>;
  creditor(tenant: string, cnpj: string): Promise<CreditorRecord | null>;
  putCreditor(tenant: string, profile: CreditorProfile, at: Date): Promise<CreditorRecord>;
}

/** How many earlier versions a tenant's current document lists (all of them stay in the versions collection). */
export const LISTED_PREVIOUS_VERSIONS = 20;

interface VersionEntry<T> {
  version: number;
  value: T;
  updatedAt: Date;
}

/**
 * As stored, the value sits under its own name (`config`, `templates`): `{ version, config, updatedAt }`. The head
 * document (`_id` = tenant) holds the current version and lists the ones just before it in `previous`; a version
 * document (`_id` = `tenant:version`) is written once and never changed.
 */
type Stored = Record<string, unknown> & { _id: string; version: number; updatedAt: Date };
type StoredHead = Stored & { previous: Array<Record<string, unknown> & { version: number; updatedAt: Date }> };

interface CreditorDoc extends CreditorRecord {
  /** `tenant:cnpj`, the CNPJ as stored (upper-case, no punctuation). */
  _id: string;
  tenant: string;
}

/**
 * Every read is by `_id` (on FerretDB anything else scans). A replace writes the tenant's current document first
 * (the optimistic check), then inserts the new version into the versions collection; should it stop between the
 * two, the next replace inserts the version it finds current, and reads of a version fall back to the current
 * document meanwhile.
 */
function versionedDocuments<T>(db: Connection, names: { head: string; versions: string; field: string; what: string }, fallback: T) {
  const heads = db.collection<StoredHead>(names.head);
  const versions = db.collection<Stored>(names.versions);
  const entry = (doc: { version: number; updatedAt: Date } & Record<string, unknown>): VersionEntry<T> => ({ version: doc.version, value: doc[names.field] as T, updatedAt: doc.updatedAt });
  const stored = (e: VersionEntry<T>) => ({ version: e.version, [names.field]: e.value, updatedAt: e.updatedAt });
  const readHead = async (tenant: string) => {
    const doc = await heads.findOne({ _id: tenant });
    return doc ? { ...entry(doc), previous: doc.previous.map(entry) } : null;
  };
  const conflict = (currentVersion?: number) =>
    currentVersion === undefined ? new ConflictError(`the ${names.what} changed meanwhile: read them again`) : new ConflictError(`the ${names.what} are at version ${currentVersion} now: read them again`, [{ path: 'version', message: `the current version is ${currentVersion}` }]);
  const view = (doc: (VersionEntry<T> & { previous: Array<VersionEntry<T>> }) | null): CurrentVersion<T> =>
    doc
      ? { version: doc.version, value: doc.value, updatedAt: doc.updatedAt, previousVersions: doc.previous.map(({ version, updatedAt }) => ({ version, updatedAt })) }
      : { version: 0, value: fallback, updatedAt: null, previousVersions: [] };
  const versionDoc = (tenant: string, e: VersionEntry<T>): Stored => ({ _id: `${tenant}:${e.version}`, tenant, ...stored(e) });
  return {
    async current(tenant: string): Promise<CurrentVersion<T>> {
      return view(await readHead(tenant));
    },
    async replace(tenant: string, value: T, at: Date, expectedVersion?: number): Promise<CurrentVersion<T>> {
      const current = await readHead(tenant);
      const currentVersion = current?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== currentVersion) throw conflict(currentVersion);
      const earlier = current ? [{ version: current.version, value: current.value, updatedAt: current.updatedAt }, ...current.previous].slice(0, LISTED_PREVIOUS_VERSIONS) : [];
      const next = { version: currentVersion + 1, value, updatedAt: at, previous: earlier };
      const doc: StoredHead = { _id: tenant, ...stored(next), previous: earlier.map(stored) };
      if (current) {
        const { matchedCount } = await heads.replaceOne({ _id: tenant, version: current.version }, doc);
        if (matchedCount !== 1) throw conflict();
      } else {
        try {
          await heads.insertOne(doc);
        } catch (error) {
          if (isDuplicateKeyError(error)) throw conflict();
          throw error;
        }
      }
      await insertManyIfAbsent({ collection: versions }, [...(current ? [versionDoc(tenant, current)] : []), versionDoc(tenant, next)]);
      return view(next);
    },
    async version(tenant: string, version: number): Promise<Versioned<T> | null> {
      if (version === 0) return { version: 0, value: fallback, updatedAt: null };
      if (!Number.isSafeInteger(version) || version < 0) return null;
      const kept = await versions.findOne({ _id: `${tenant}:${version}` });
      if (kept) return entry(kept);
      const head = await readHead(tenant);
      const found = head && (head.version === version ? head : head.previous.find((p) => p.version === version));
      return found ? { version: found.version, value: found.value, updatedAt: found.updatedAt } : null;
    },
  };
}

/**
 * `notification_cadence_configs` and `notification_cadence_versions`: a tenant's cadences and strategies (the
 * built-in ones as version 0 until it stores its own). `notification_templates` and `notification_template_versions`:
 * its own message templates (none as version 0: the built-in ones serve). `notification_creditors`: each creditor's
 * name, CNPJ and address, as its messages show them.
 */
export function createCadenceStore(db: Connection): CadenceStore {
  const cadences = versionedDocuments<TenantCadenceConfig>(db, { head: 'notification_cadence_configs', versions: 'notification_cadence_versions', field: 'config', what: 'cadences' }, DEFAULT_CADENCE_CONFIG);
  const templates = versionedDocuments<MessageTemplate[]>(db, { head: 'notification_templates', versions: 'notification_template_versions', field: 'templates', what: 'templates' }, []);
  const creditors = db.collection<CreditorDoc>('notification_creditors');
  const creditorId = (tenant: string, cnpj: string) => `${tenant}:${normalizeCnpj(cnpj)}`;
  return {
    current: (tenant) => cadences.current(tenant),
    replace: (tenant, config, at, expectedVersion) => cadences.replace(tenant, config, at, expectedVersion),
    cadenceVersion: (tenant, version) => cadences.version(tenant, version),
    templates: (tenant) => templates.current(tenant),
    replaceTemplates: (tenant, list, at, expectedVersion) => templates.replace(tenant, list, at, expectedVersion),
    templateVersion: (tenant, version) => templates.version(tenant, version),
    async creditor(tenant, cnpj) {
      const doc = await creditors.findOne({ _id: creditorId(tenant, cnpj) });
      if (!doc) return null;
      const { _id: _ignored, tenant: _tenant, ...record } = doc;
      return record;
    },
    async putCreditor(tenant, profile, at) {
      const record: CreditorRecord = { ...profile, cnpj: normalizeCnpj(profile.cnpj), updatedAt: at };
      await creditors.replaceOne({ _id: creditorId(tenant, profile.cnpj) }, { tenant, ...record }, { upsert: true });
      return record;
    },
  };
}
