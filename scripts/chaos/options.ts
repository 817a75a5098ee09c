import { parseArgs } from 'node:util';

export interface ChaosOptions {
  /** The quick subset (notification killed mid-batch, duplicates), for a test run. */
  short: boolean;
  /** Scenario names to run, in the suite's order; undefined = all (or the short subset). */
  only?: string[];
  /** Offered load during each scenario, invoices per second. */
  rate: number;
  /** How long each scenario's feed lasts. */
  seconds: number;
  /** Longest wait, after the feed, for the pipeline to be quiet. */
  settleTimeoutS: number;
  seed: number;
}

export const USAGE = `pnpm chaos [options]
  --short            quick subset: notification SIGKILLed mid-batch, and the duplicates scenario
  --only a,b         run only these scenarios (names as in the report)
  --rate R           invoices per second offered during each scenario (default 30; --short: 25)
  --seconds S        how long each scenario's feed lasts (default 30; --short: 20)
  --settle S         longest wait after the feed for every reminder and a lag of 0 (default 240)
  --seed N           feed generator seed (default 7)`;

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
};

export function parseChaosArgs(argv: readonly string[], known: readonly string[]): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      short: { type: 'boolean', default: false },
      only: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      settle: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const short = values.short ?? false;
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return {
    short,
    ...(only && only.length > 0 ? { only } : {}),
    rate: positive('rate', values.rate, short ? 25 : 30),
    seconds: positive('seconds', values.seconds, short ? 20 : 30),
    settleTimeoutS: positive('settle', values.settle, 240),
    seed: Math.trunc(positive('seed', values.seed, 7)),
  };
}
