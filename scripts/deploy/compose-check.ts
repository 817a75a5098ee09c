/**
 * Validates a Compose file the way `docker compose config` would before it runs anything, without Docker:
 * YAML (merge keys included) → variable interpolation → the Compose Specification's JSON schema → the references
 * the schema cannot check (services in depends_on, named volumes and networks declared at the top level).
 *
 *   node scripts/deploy/compose-check.ts <compose-spec.json> [docker-compose.yml]
 *
 * infra/scripts/check-deploy.sh fetches the schema (infra/scripts/install-compose-schema.sh) and runs this.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

export type Environment = Record<string, string | undefined>;

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose's interpolation: `${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+alt}`, `$$`. */
export function interpolate(text: string, env: Environment): string {
  return text.replace(VARIABLE, (whole, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const unsetOrEmpty = value === undefined || value === '';
    const nested = (text: string) => interpolate(text, env);
    switch (operator) {
      case ':-':
        return unsetOrEmpty ? nested(argument ?? '') : value;
      case '-':
        return value === undefined ? nested(argument ?? '') : value;
      case ':?':
      case '?':
        if (operator === ':?' ? unsetOrEmpty : value === undefined) throw new Error(`required variable ${name} is missing a value: ${argument ?? ''}`);
        return value!;
      case ':+':
        return unsetOrEmpty ? '' : nested(argument ?? '');
      case '+':
        return value === undefined ? '' : nested(argument ?? '');
      default:
        return value ?? '';
    }
  });
}

function interpolateAll(value: unknown, env: Environment): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env)]));
  return value;
}

/** Problems as `path: message`, empty when the file is valid. */
export function checkCompose(yamlText: string, schema: object, env: Environment = {}): string[] {
  let document: unknown;
  try {
    document = interpolateAll(parse(yamlText, { merge: true }), env);
  } catch (error) {
    return [`(file): ${(error as Error).message}`];
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(document)) {
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  return referenceProblems(document as ComposeDocument);
}

interface ComposeDocument {
  services?: Record<string, { depends_on?: string[] | Record<string, unknown>; volumes?: Array<string | { type?: string; source?: string }>; networks?: string[] | Record<string, unknown> } | null>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

function referenceProblems(document: ComposeDocument): string[] {
  const problems: string[] = [];
  const services = document.services ?? {};
  const volumes = new Set(Object.keys(document.volumes ?? {}));
  const networks = new Set(['default', ...Object.keys(document.networks ?? {})]);
  for (const [name, service] of Object.entries(services)) {
    if (!service) continue;
    const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
    for (const dependency of dependsOn) if (!(dependency in services)) problems.push(`/services/${name}/depends_on: no service named ${dependency}`);
    for (const mount of service.volumes ?? []) {
      const source = typeof mount === 'string' ? mount.split(':')[0]! : mount.type === 'volume' || mount.type === undefined ? (mount.source ?? '') : '';
      // A bind mount is a path (./x, /x, ~/x); anything else names a volume that must be declared.
      if (source && !/^[./~]/.test(source) && !source.includes('/') && !volumes.has(source)) problems.push(`/services/${name}/volumes: volume ${source} is not declared under the top-level volumes`);
    }
    const serviceNetworks = Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});
    for (const network of serviceNetworks) if (!networks.has(network)) problems.push(`/services/${name}/networks: network ${network} is not declared under the top-level networks`);
  }
  return problems;
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  const [schemaPath, composePath = 'docker-compose.yml'] = process.argv.slice(2);
  if (!schemaPath) {
    console.error('usage: node scripts/deploy/compose-check.ts <compose-spec.json> [docker-compose.yml]');
    process.exit(2);
  }
  // Validated as `docker compose` would see it with no variables set: every default applies.
  const problems = checkCompose(readFileSync(composePath, 'utf8'), JSON.parse(readFileSync(schemaPath, 'utf8')) as object, {});
  if (problems.length > 0) {
    console.error(`${composePath} does not match the Compose Specification:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`${composePath}: valid against the Compose Specification (${schemaPath})`);
}
