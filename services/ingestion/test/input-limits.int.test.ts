import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startIngestionHarness, submission, type IngestionHarness } from './support.ts';

const fixture = readFileSync(new URL('./fixtures/invoices.csv', import.meta.url), 'utf8');
const [HEADER, TEMPLATE] = fixture.trim().split('\n') as [string, string];
/** A valid line of its own: fresh event id and invoice. */
const csvLine = (externalId: string) => TEMPLATE.replace(/8d6e3f7a-1c2b-4d5e-9f00-000000000001/, randomUUID()).replace('CSV-0001', externalId);

type ErrorBody = { error: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

describe('input limits: sizes are enforced before (or while) reading, never after parsing', () => {
  let h: IngestionHarness;
  beforeAll(async () => {
    h = await startIngestionHarness({ INGESTION_JSON_MAX_BYTES: '20000', INGESTION_CSV_MAX_BYTES: '8000', INGESTION_CSV_MAX_RECORD_BYTES: '1024' });
  });
  afterAll(async () => {
    await h?.service.stop();
  });

  const upload = (csv: string | ReadableStream<Uint8Array>, key = h.tenants.a.key) =>
    fetch(h.url('/v1/invoices:upload'), { method: 'POST', headers: { 'content-type': 'text/csv', 'x-api-key': key }, body: csv, duplex: 'half' } as RequestInit);

  test('a JSON body whose Content-Length is over the limit gets 413 with a JSON error, before credentials are even looked at', async () => {
    const big = JSON.stringify({ invoices: Array.from({ length: 40 }, () => submission()) });
    expect(big.length).toBeGreaterThan(20000);
    for (const key of [h.tenants.a.key, 'not-a-key']) {
      const response = await h.post('/v1/invoices:batch', big, key);
      expect(response.status).toBe(413);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({ code: 'validation', message: 'request body is larger than 20000 bytes' });
    }
    // Within the limit, the same route takes it.
    expect((await h.post('/v1/invoices:batch', { invoices: [submission()] })).status).toBe(202);
  });

  test('a CSV upload whose Content-Length is over the limit gets 413 before reading', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => csvLine(`LIMIT-CL-${i}`));
    const response = await upload([HEADER, ...lines].join('\n'));
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.message).toBe('the CSV file is larger than 8000 bytes');
  });

  test('a CSV upload streamed without a length is cut at the byte limit with 413, saying how many lines went in', async () => {
    const encoder = new TextEncoder();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(encoder.encode(`${HEADER}\n`));
        if (sent >= 200) return controller.close();
        controller.enqueue(encoder.encode(`${csvLine(`LIMIT-STREAM-${sent}`)}\n`));
        sent++;
      },
    });
    const response = await upload(body);
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.message).toMatch(/^the CSV file is larger than 8000 bytes: split it\. \d+ lines were ingested before reading stopped; send the fixed file again/);
    expect((await h.get('/v1/invoices/LIMIT-STREAM-199')).status).toBe(404);
  });

  test('a CSV line over the per-line limit gets 422 naming the line, and nothing after it is read', async () => {
    const long = csvLine('LIMIT-LONG').replace('Maria da Silva', 'M'.repeat(2000));
    const response = await upload([HEADER, csvLine('LIMIT-BEFORE-LONG'), long, csvLine('LIMIT-AFTER-LONG')].join('\n'));
    expect(response.status).toBe(422);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.message).toMatch(/^line 3 is longer than 1024 bytes\. \d lines were ingested before reading stopped/);
    expect(error.details).toEqual([{ path: 'line 3', message: 'longer than 1024 bytes' }]);
    expect((await h.get('/v1/invoices/LIMIT-AFTER-LONG')).status).toBe(404);
  });

  test.each(['constructor', '__proto__', 'toString'])('a CSV column named %s is an unknown column (400 naming it), not a server error', async (name) => {
    const response = await upload([`${HEADER},${name}`, `${csvLine(`LIMIT-${name}`)},x`].join('\n'));
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.details).toEqual([{ path: 'header', message: `unknown column "${name}"` }]);
  });
});
