import type { Express, Request } from 'express';
import { apiKeyIndex, requireApiKey, tenantOf } from '@regua/auth';
import { CnpjSchema } from '@regua/contracts';
import { formatPath, NotFoundError, toFieldIssues, ValidationError } from '@regua/errors';
import { jsonBody, refuseLargerThan } from '@regua/http';
import { systemClock, type Clock } from '@regua/service-kit';
import { validateCadenceConfig, type ConfigIssue } from '../domain/cadence-spec.ts';
import { CreditorProfileSchema, DEFAULT_TEMPLATES, PreviewSampleSchema, previewTemplate, templateCatalog, validateTemplate, validateTemplates, type MessageTemplate } from '../domain/message-templates.ts';
import type { CadenceStore, CurrentVersion } from '../store/cadences.ts';

const MAX_BODY_BYTES = 512 * 1024;

const issuesAt = (prefix: Array<string | number>, issues: readonly ConfigIssue[]) => toFieldIssues(issues.map((i) => ({ path: [...prefix, ...i.path], message: i.message })));

const catalogKeys = (own: readonly MessageTemplate[]) => templateCatalog(own).map(({ id, channel }) => ({ id, channel }));

/**
 * The version a write is based on, from `If-Match` (`"3"`, `W/"3"` or `3`; `*` checks nothing) or the body's
 * `version`; undefined when neither is given (the write then only loses to a concurrent one).
 */
function expectedVersion(req: Request, bodyVersion: unknown): number | undefined {
  const header = req.header('if-match')?.trim();
  const fromHeader = header === undefined || header === '*' ? undefined : Number(header.replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));
  if (fromHeader !== undefined && !(Number.isSafeInteger(fromHeader) && fromHeader >= 0)) throw new ValidationError('If-Match must be a version the API gave, such as "3"', [{ path: 'If-Match', message: 'a version number' }]);
  if (bodyVersion !== undefined && !(typeof bodyVersion === 'number' && Number.isSafeInteger(bodyVersion) && bodyVersion >= 0)) throw new ValidationError('version must be a whole number', [{ path: 'version', message: 'a version number' }]);
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) throw new ValidationError('If-Match and version disagree', [{ path: 'version', message: `If-Match says ${fromHeader}` }]);
  return fromHeader ?? (bodyVersion as number | undefined);
}

const asObject = (body: unknown, what: string): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError(`the body must be ${what} as JSON`, [{ path: 'body', message: 'an object' }]);
  return body as Record<string, unknown>;
};

const cnpjParam = (req: Request) => {
  const parsed = CnpjSchema.safeParse(req.params.cnpj);
  if (!parsed.success) throw new ValidationError('invalid CNPJ', [{ path: 'cnpj', message: parsed.error.issues[0]?.message ?? 'invalid CNPJ' }]);
  return parsed.data;
};

const versionView = <T, K extends string>(tenant: string, key: K, current: CurrentVersion<T>) =>
  ({ tenant, version: current.version, isDefault: current.version === 0, updatedAt: current.updatedAt, [key]: current.value, previousVersions: current.previousVersions }) as { tenant: string; version: number; isDefault: boolean; updatedAt: Date | null; previousVersions: CurrentVersion<T>['previousVersions'] } & Record<K, T>;

/**
 * A tenant's collection set-up, with its own key and only its own: cadences and strategies, message templates and
 * its creditors' identification. Writes make a new version (earlier ones stay readable, and a case keeps the one
 * it started with); a write based on a version that is no longer current answers 409.
 */
export function cadenceRoutes(store: CadenceStore, apiKeys: Map<string, string>, clock: Clock = systemClock) {
  const authenticate = requireApiKey(apiKeyIndex(apiKeys));
  const body = [refuseLargerThan(MAX_BODY_BYTES), authenticate, jsonBody(MAX_BODY_BYTES)];
  return (app: Express) => {
    app.get('/v1/cadences', authenticate, async (_req, res) => {
      const tenant = tenantOf(res);
      const current = await store.current(tenant);
      res.setHeader('etag', `"${current.version}"`).json(versionView(tenant, 'config', current));
    });

    app.put('/v1/cadences', ...body, async (req, res) => {
      const { version, ...config } = asObject(req.body, 'the cadence configuration');
      const expected = expectedVersion(req, version);
      const tenant = tenantOf(res);
      const templates = await store.templates(tenant);
      const result = validateCadenceConfig(config, catalogKeys(templates.value));
      if (!result.success) throw new ValidationError('invalid cadence configuration', issuesAt([], result.issues));
      const stored = await store.replace(tenant, result.data, clock.now(), expected);
      res.setHeader('etag', `"${stored.version}"`).json(versionView(tenant, 'config', stored));
    });

    app.get('/v1/cadences/versions/:version', authenticate, async (req, res) => {
      const tenant = tenantOf(res);
      const raw = req.params.version as string;
      const found = /^\d{1,9}$/.test(raw) ? await store.cadenceVersion(tenant, Number(raw)) : null;
      if (!found) throw new NotFoundError(`no version ${raw} of this creditor's cadences`);
      res.json({ tenant, version: found.version, isDefault: found.version === 0, updatedAt: found.updatedAt, config: found.value });
    });

    app.get('/v1/templates', authenticate, async (_req, res) => {
      const tenant = tenantOf(res);
      const current = await store.templates(tenant);
      res.setHeader('etag', `"${current.version}"`).json({ ...versionView(tenant, 'templates', current), defaults: DEFAULT_TEMPLATES });
    });

    app.put('/v1/templates', ...body, async (req, res) => {
      const { version, templates: list, ...rest } = asObject(req.body, '{ "templates": [...] }');
      const unexpected = Object.keys(rest);
      if (unexpected.length > 0) throw new ValidationError('unexpected fields', unexpected.map((path) => ({ path, message: 'not a field of this body' })));
      const expected = expectedVersion(req, version);
      const result = validateTemplates(list ?? null);
      if (!result.success) throw new ValidationError('invalid templates', issuesAt(['templates'], result.issues));
      const tenant = tenantOf(res);
      const cadences = await store.current(tenant);
      const stillValid = validateCadenceConfig(cadences.value, catalogKeys(result.data));
      if (!stillValid.success) {
        const issues = stillValid.issues.map((i) => ({ path: 'templates', message: `${formatPath(i.path)} of the cadences (version ${cadences.version}): ${i.message}` }));
        throw new ValidationError('the cadences use templates this list would remove', issues);
      }
      const stored = await store.replaceTemplates(tenant, result.data, clock.now(), expected);
      res.setHeader('etag', `"${stored.version}"`).json({ ...versionView(tenant, 'templates', stored), defaults: DEFAULT_TEMPLATES });
    });

    app.post('/v1/templates\\:preview', ...body, async (req, res) => {
      const { template, sample, ...rest } = asObject(req.body, '{ "template": {...}, "sample": {...} }');
      const unexpected = Object.keys(rest);
      if (unexpected.length > 0) throw new ValidationError('unexpected fields', unexpected.map((path) => ({ path, message: 'not a field of this body' })));
      const checked = validateTemplate(template ?? null);
      const parsedSample = PreviewSampleSchema.safeParse(sample ?? {});
      const issues = [...(checked.success ? [] : issuesAt(['template'], checked.issues)), ...(parsedSample.success ? [] : issuesAt(['sample'], parsedSample.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message }))))];
      if (!checked.success || !parsedSample.success) throw new ValidationError('the template cannot be previewed', issues);
      const rendered = previewTemplate(checked.data, parsedSample.data);
      res.json({ ...rendered, length: rendered.text.length });
    });

    app.get('/v1/creditors/:cnpj', authenticate, async (req, res) => {
      const cnpj = cnpjParam(req);
      const found = await store.creditor(tenantOf(res), cnpj);
      if (!found) throw new NotFoundError(`no creditor ${cnpj} for this tenant`);
      res.json(found);
    });

    app.put('/v1/creditors/:cnpj', ...body, async (req, res) => {
      const cnpj = cnpjParam(req);
      const given = asObject(req.body, 'the creditor (name, address)');
      const parsed = CreditorProfileSchema.safeParse({ ...given, cnpj: given.cnpj ?? cnpj });
      if (!parsed.success) throw new ValidationError('invalid creditor', toFieldIssues(parsed.error.issues));
      if (parsed.data.cnpj !== cnpj) throw new ValidationError('the body names another CNPJ than the path', [{ path: 'cnpj', message: `the path says ${cnpj}` }]);
      res.json(await store.putCreditor(tenantOf(res), parsed.data, clock.now()));
    });
  };
}

