// The service as the stack runs it: main.ts in its own Node process with the OpenTelemetry preload, configured by
// environment only; ready on /readyz, serving its OpenAPI document, stopped cleanly by SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { serviceTestEnv, uniqueName, waitFor } from '@regua/testing';

const serviceDir = join(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('legal main.ts', () => {
  test('starts from the environment alone, answers ready and its OpenAPI document, and stops on SIGTERM', async () => {
    const port = await freePort();
    const namespace = `${uniqueName('legal_main')}.`;
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', './src/instrumentation.ts', 'src/main.ts'], {
      cwd: serviceDir,
      env: { ...process.env, ...serviceTestEnv(namespace, { HTTP_PORT: String(port), LEGAL_API_KEYS: 'bank:a-key-for-the-test', LEGAL_BUREAU_URL: 'http://127.0.0.1:9', LEGAL_BUREAU_TOKEN: 't', LOG_LEVEL: 'warn' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor('legal ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${output}`);
      });
      const document = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/cases/{caseId}/bureau-registration', '/v1/cases/{caseId}/judicial', '/v1/judicial/movements:import', '/v1/cases/{caseId}/legal']));
      expect((await fetch(`http://127.0.0.1:${port}/v1/legal/settings`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/v1/legal/settings`, { headers: { 'x-api-key': 'a-key-for-the-test' } })).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
  });
});
