import { planReceipts, type ReceiptDelays } from './receipts.ts';
import { seededRandom } from './random.ts';
import { ProviderSandboxEnvSchema } from './config.ts';

const DELAYS: ReceiptDelays = { deliveredMs: [100, 200], readMs: [1_000, 2_000], replyMs: [5_000, 6_000] };

describe('receipt plans', () => {
  test('Given the same seed, then the same plan', () => {
    const plan = () => planReceipts('whatsapp', seededRandom(7), DELAYS, { failed: 0.2, read: 0.5, reply: 0.3 }, ['PARAR', 'já paguei']);
    expect(plan()).toEqual(plan());
  });

  test('Given a message read and replied to, then delivered, read and replied in that order, each delay within its range', () => {
    const plan = planReceipts('email', seededRandom(1), DELAYS, { failed: 0, read: 0, reply: 1 }, ['já paguei']);
    expect(plan.map((p) => [p.status, p.providerStatus])).toEqual([
      ['delivered', 'delivered'],
      ['read', 'open'],
      ['replied', 'inbound'],
    ]);
    const [delivered, read, replied] = plan.map((p) => p.afterMs) as [number, number, number];
    expect(delivered).toBeGreaterThanOrEqual(100);
    expect(delivered).toBeLessThanOrEqual(200);
    expect(read - delivered).toBeGreaterThanOrEqual(1_000);
    expect(replied - read).toBeGreaterThanOrEqual(5_000);
    expect(plan[2]!.replyText).toBe('já paguei');
  });

  test('Across many messages, the shares come out near the rates', () => {
    const random = seededRandom(3);
    const plans = Array.from({ length: 2_000 }, () => planReceipts('whatsapp', random, DELAYS, { failed: 0.1, read: 0.5, reply: 0.2 }, ['x']));
    const share = (status: string) => plans.filter((plan) => plan.some((p) => p.status === status)).length / plans.length;
    expect(share('failed')).toBeCloseTo(0.1, 1);
    expect(share('replied')).toBeCloseTo(0.9 * 0.2, 1);
    expect(share('read')).toBeCloseTo(0.9 * (0.2 + 0.8 * 0.5), 1);
  });

  test('Given a failure, then it is the only receipt', () => {
    expect(planReceipts('whatsapp', seededRandom(1), DELAYS, { failed: 1, read: 1, reply: 1 }, ['x'])).toEqual([{ afterMs: expect.any(Number), status: 'failed', providerStatus: 'failed', error: expect.stringContaining('131026') }]);
  });

  test('Voice has no replies and SMS no read receipts', () => {
    expect(planReceipts('voice', seededRandom(1), DELAYS, { failed: 0, read: 1, reply: 1 }, ['x']).map((p) => p.status)).toEqual(['delivered', 'read']);
    expect(planReceipts('sms', seededRandom(1), DELAYS, { failed: 0, read: 1, reply: 0 }, ['x']).map((p) => p.status)).toEqual(['delivered']);
  });
});

describe('the sandbox\'s environment', () => {
  test('Given nothing, then port 8087, the demo credentials, receipts off, and no faults', () => {
    const env = ProviderSandboxEnvSchema.parse({});
    expect(env).toMatchObject({ PROVIDER_SANDBOX_PORT: 8087, PROVIDER_SANDBOX_HOST: '127.0.0.1', PROVIDER_SANDBOX_DELIVERED_MS: [300, 3_000], PROVIDER_SANDBOX_SERVER_ERROR_RATE: 0 });
    expect(env.PROVIDER_SANDBOX_WEBHOOK_URL).toBeUndefined();
  });

  test('Given ranges and rates, then they are read; a rate above 1 is refused', () => {
    expect(ProviderSandboxEnvSchema.parse({ PROVIDER_SANDBOX_DELIVERED_MS: '0', PROVIDER_SANDBOX_READ_MS: '10-20', PROVIDER_SANDBOX_FAILED_RATE: '0.5' })).toMatchObject({ PROVIDER_SANDBOX_DELIVERED_MS: [0, 0], PROVIDER_SANDBOX_READ_MS: [10, 20], PROVIDER_SANDBOX_FAILED_RATE: 0.5 });
    expect(ProviderSandboxEnvSchema.safeParse({ PROVIDER_SANDBOX_REPLY_RATE: '1.5' }).success).toBe(false);
  });
});
