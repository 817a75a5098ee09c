import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startIngestionHarness, type IngestionHarness } from './support.ts';

const fixture = readFileSync(new URL('./fixtures/invoices.csv', import.meta.url), 'utf8');

describe('the CSV door', () => {
  let h: IngestionHarness;
  beforeAll(async () => {
    h = await startIngestionHarness({ INGESTION_CSV_MAX_LINES: '5000' });
  });
  afterAll(async () => {
    await h?.service.stop();
  });

  const upload = (csv: string | ReadableStream, key = h.tenants.a.key) =>
    fetch(h.url('/v1/invoices:upload'), { method: 'POST', headers: { 'content-type': 'text/csv', 'x-api-key': key }, body: csv, duplex: 'half' } as RequestInit);

  type Report = { lines: number; accepted: number; duplicates: number; rejected: number; results: Array<{ line: number; outcome: string }>; errors: Array<{ line: number; issues: Array<{ path: string; column?: string }> }>; stoppedAt?: { line: number } };

  test('a valid file is ingested line by line, and sending it again reports duplicates', async () => {
    const first = (await (await upload(fixture)).json()) as Report;
    expect(first).toMatchObject({ lines: 3, accepted: 3, rejected: 0 });
    expect(first.results.map((r) => [r.line, r.outcome])).toEqual([[2, 'registered'], [3, 'registered'], [4, 'registered']]);
    const state = (await (await h.get('/v1/invoices/CSV-0002')).json()) as { invoice: { debtor: { name: string; emails: string[] } }; history: Array<{ door: string }> };
    expect(state.invoice.debtor).toMatchObject({ name: 'Souza, João', emails: ['joao@example.com', 'joao.souza@example.com'] });
    expect(state.history[0]!.door).toBe('csv');

    const again = (await (await upload(fixture)).json()) as Report;
    expect(again).toMatchObject({ lines: 3, accepted: 0, duplicates: 3 });
  });

  test('bad lines are reported with their line number, contract path and column; good lines still go in', async () => {
    const [header, line1, line2] = fixture.trim().split('\n').map((l) => l.replace(/8d6e3f7a-1c2b-4d5e-9f00-00000000000\d/, randomUUID()));
    const badUf = line2!.replace(',RJ,', ',XX,');
    const badAmount = line1!.replace(',19990,', ',199.90,').replace('CSV-0001', 'CSV-0009');
    const report = (await (await upload([header, badAmount, badUf, line1].join('\n'))).json()) as Report;
    expect(report).toMatchObject({ lines: 3, accepted: 1, rejected: 2 });
    expect(report.errors).toEqual([
      { line: 2, issues: [expect.objectContaining({ path: 'invoice.amountCents', column: 'amount_cents' })] },
      { line: 3, issues: [expect.objectContaining({ path: 'invoice.debtor.address.uf', column: 'debtor_uf' })] },
    ]);
    expect(report.results.map((r) => r.line)).toEqual([4]);
  });

  test('a header with an unknown column is refused before any line is read', async () => {
    const response = await upload(fixture.replace('currency', 'moeda'));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: Array<{ message: string }> } };
    expect(body.error.details.map((d) => d.message)).toEqual(['unknown column "moeda"', 'missing column "currency"']);
  });

  test('a large file is streamed in chunks: 3,000 lines are all accepted', async () => {
    const [header, template] = fixture.trim().split('\n');
    const lines = Array.from({ length: 3000 }, (_, i) => template!.replace(/8d6e3f7a-1c2b-4d5e-9f00-000000000001/, randomUUID()).replace('CSV-0001', `CSV-BIG-${i}`));
    const encoder = new TextEncoder();
    let next = 0;
    // A real stream, sent in pieces, so the server never has the whole file at once.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (next === 0) controller.enqueue(encoder.encode(`${header}\n`));
        const slice = lines.slice(next, next + 250);
        next += 250;
        if (slice.length === 0) controller.close();
        else controller.enqueue(encoder.encode(`${slice.join('\n')}\n`));
      },
    });
    const report = (await (await upload(body)).json()) as Report;
    expect(report).toMatchObject({ lines: 3000, accepted: 3000, rejected: 0 });
  });

  test('a CSV syntax error stops the report at its line; other content types are refused', async () => {
    const broken = `${fixture.trim()}\n"unclosed,quote\n`;
    const report = (await (await upload(broken.replace(/8d6e3f7a-1c2b-4d5e-9f00-00000000000(\d)/g, () => randomUUID()))).json()) as Report;
    expect(report.stoppedAt?.line).toBeGreaterThanOrEqual(5);
    expect(report.accepted).toBe(3);
    const wrongType = await fetch(h.url('/v1/invoices:upload'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': h.tenants.a.key }, body: '{}' });
    expect(wrongType.status).toBe(400);
  });
});
