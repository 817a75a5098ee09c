import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, repoRoot } from '@regua/local-infra';

export interface SchemathesisOptions {
  /** Where the service serves its OpenAPI document. */
  schemaUrl: string;
  headers?: Record<string, string>;
  checks: string[];
  /** Test cases per operation and phase. */
  maxExamples: number;
  /** Same seed, same requests (Hypothesis is pinned with schemathesis in infra/scripts/lib.sh). */
  seed: number;
  /** Python file registering custom formats and the like (SCHEMATHESIS_HOOKS). */
  hooks?: string;
  /** Stops the run; the test fails rather than hangs. */
  timeoutMs?: number;
}

export interface SchemathesisCall {
  operation: string;
  status: number;
}

export interface SchemathesisResult {
  exitCode: number | null;
  seconds: number;
  /** Every response schemathesis received, by operation (`GET /v1/...`). */
  calls: SchemathesisCall[];
  /** Each distinct check failure: the operation, the check, and schemathesis's own account with a curl to replay it. */
  failures: Array<{ operation: string; check: string; message: string }>;
  /** Errors that stopped an operation (schema problems, network), as schemathesis tells them. */
  errors: string[];
  /** The CLI's own summary, for the test's failure message. */
  output: string;
}

/**
 * Runs schemathesis (installed under .cache by infra/scripts/install-schemathesis.sh, which this runs first: a no-op
 * once installed) against a running service and reads its NDJSON event report.
 */
export async function runSchemathesis(options: SchemathesisOptions): Promise<SchemathesisResult> {
  await promisify(execFile)('bash', [join(repoRoot, 'infra/scripts/install-schemathesis.sh')]);
  const reportDir = await mkdtemp(join(tmpdir(), 'regua-schemathesis-'));
  const ndjson = join(reportDir, 'events.ndjson');
  const args = [
    'run',
    options.schemaUrl,
    '--checks',
    options.checks.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--seed',
    String(options.seed),
    '--generation-deterministic',
    '--workers',
    '1',
    '--mode',
    'all',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    ndjson,
    '--no-color',
    '--continue-on-failure',
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
  ];
  const started = Date.now();
  try {
    // Run in the report's directory: schemathesis keeps a cache of crashes in ./.schemathesis.
    const { exitCode, output } = await run(join(cacheDir, 'bin', 'schemathesis'), args, reportDir, { ...process.env, ...(options.hooks ? { SCHEMATHESIS_HOOKS: options.hooks } : {}) }, options.timeoutMs ?? 90_000);
    const events = (await readFile(ndjson, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { exitCode, seconds: (Date.now() - started) / 1000, ...readEvents(events), output };
  } finally {
    if (!process.env.REGUA_KEEP_SCHEMATHESIS_REPORT) await rm(reportDir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, output });
    });
  });
}

/** Pulls the responses and failures out of schemathesis's NDJSON events (one JSON object per line, keyed by event type). */
function readEvents(events: Array<Record<string, unknown>>): Pick<SchemathesisResult, 'calls' | 'failures' | 'errors'> {
  const calls: SchemathesisCall[] = [];
  const failures: SchemathesisResult['failures'] = [];
  const errors: string[] = [];
  const seenFailures = new Set<string>();
  for (const event of events) {
    const [type, body] = Object.entries(event)[0] ?? [];
    walk(body, (node) => {
      const interaction = node as { request?: { method?: string; uri?: string }; response?: { status_code?: number } };
      if (interaction.request?.method && typeof interaction.response?.status_code === 'number') {
        calls.push({ operation: `${interaction.request.method} ${new URL(interaction.request.uri ?? '/', 'http://x').pathname}`, status: interaction.response.status_code });
      }
      const check = node as { name?: string; status?: string; failure_info?: { failure?: { title?: string; message?: string; operation?: string }; code?: string } };
      if (check.name && check.status === 'failure' && check.failure_info) {
        const failure = check.failure_info.failure ?? {};
        const message = `${failure.title ?? ''}: ${failure.message ?? ''}${check.failure_info.code ? `\n${check.failure_info.code}` : ''}`;
        const operation = failure.operation ?? '';
        const key = `${operation}|${check.name}|${failure.title ?? ''}`;
        if (!seenFailures.has(key)) {
          seenFailures.add(key);
          failures.push({ operation, check: check.name, message });
        }
      }
    });
    if (type === 'NonFatalError' || type === 'FatalError') errors.push(JSON.stringify(body).slice(0, 2000));
  }
  return { calls, failures, errors };
}

function walk(node: unknown, visit: (node: object) => void): void {
  if (Array.isArray(node)) node.forEach((item) => walk(item, visit));
  else if (node && typeof node === 'object') {
    visit(node);
    Object.values(node).forEach((value) => walk(value, visit));
  }
}
