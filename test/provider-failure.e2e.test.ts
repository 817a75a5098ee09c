// A provider that fails: the step is not recorded as done, and it goes out on a later try, once.
import { randomUUID } from 'node:crypto';
import { exampleInvoice, exampleSubmission } from '@regua/contracts';
import type { MessageChannel, OutboundMessage } from '@regua/notification';
import { waitFor } from '@regua/testing';
import { manualClock, startPipeline, type Pipeline } from './support/pipeline.ts';

const TUESDAY_MORNING = new Date('2026-11-24T13:00:00Z');

describe('a provider that fails a send', () => {
  const clock = manualClock(TUESDAY_MORNING);
  const attempts: OutboundMessage[] = [];
  const taken: string[] = [];
  // Down (every channel, so no fallback can stand in) until the test brings it back.
  let down = true;
  const flaky: MessageChannel = {
    send: async (message) => {
      attempts.push(message);
      if (down) throw new Error('provider timed out');
      taken.push(message.reference);
    },
  };
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline(clock, { channel: flaky });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  test('the failed step is sent again by a later tick, and then recorded once', async () => {
    const response = await fetch(`http://127.0.0.1:${pipeline.ingestion.port}/v1/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': pipeline.apiKey },
      body: JSON.stringify(exampleSubmission(randomUUID(), '2026-11-20T12:00:00-03:00', exampleInvoice({ externalId: 'INV-FLAKY-1' }))),
    });
    const { invoiceId } = (await response.json()) as { invoiceId: string };
    await waitFor('the first attempt', () => attempts.length >= 1);

    // Failed: nothing recorded (the record made before the call is taken back once it fails), the case still at its first step.
    await waitFor('the failed step forgotten', async () => (await pipeline.notification.cases.deliveriesFor(invoiceId)).length === 0 || undefined);
    expect((await pipeline.notification.cases.caseOf(invoiceId))?.timeline.some((t) => t.what.includes(' sent by '))).toBe(false);

    // The provider is back: the next ticks send the step, each contact once.
    down = false;
    clock.advance(61_000);
    await pipeline.notification.dispatcher.runDue();
    await pipeline.notification.dispatcher.runDue();
    expect(taken.length).toBeGreaterThan(0);
    expect(new Set(taken).size).toBe(taken.length);
    expect(await pipeline.notification.cases.deliveriesFor(invoiceId)).toHaveLength(taken.length);
    expect((await pipeline.notification.cases.caseOf(invoiceId))?.timeline.filter((t) => t.what.includes(' sent by '))).toHaveLength(1);
  });
});
