import { parseArgs } from 'node:util';

export interface BenchOptions {
  invoices: number;
  debtors: number;
  /** Offered load in feed records (invoice submissions) per second; undefined = as fast as possible. */
  rate?: number;
  /** Seconds from the first send until the bench stops waiting for the pipeline and reports what it has. */
  timeoutS: number;
  /** Records per HTTP request / Kafka send (at most 1,000, the batch door's limit). */
  batch: number;
  /** HTTP batch requests in flight at once when sending as fast as possible (the Kafka door sends one at a time). */
  concurrency: number;
  kafkaShare: number;
  updates: number;
  duplicates: number;
  invalid: number;
  seed: number;
  /** Messages per producer send in the raw Kafka limit and the plumbing baseline's feed. */
  rawBatch: number;
  skipRaw: boolean;
  /** Open cases already held before the run, seeded into every service's store; one whole run per value. */
  openCases: number[];
}

export const USAGE = `pnpm bench [options]
  --invoices N       distinct invoices to send (default 2000)
  --debtors M        debtors they belong to (default invoices / 2)
  --rate R           offered load, feed records per second (default: as fast as possible)
  --timeout S        stop waiting for the pipeline after S seconds and report partial figures (default 300)
  --batch B          records per HTTP batch request / Kafka send, at most 1000 (default 1000)
  --concurrency C    HTTP batch requests in flight when sending as fast as possible (default 2;
                     the Kafka door sends one batch at a time)
  --kafka-share F    share of records sent through the Kafka door (default 0.5)
  --updates F        updates, as a share of invoices (default 0.1)
  --duplicates F     resent event ids, as a share of invoices (default 0.05)
  --invalid F        invalid records, as a share of invoices (default 0.05)
  --seed N           feed generator seed (default 1)
  --raw-batch N      messages per send in the raw Kafka producer limit and the plumbing baseline's feed
                     (default 500, the outbox relay's batch)
  --skip-raw         do not measure the raw Kafka and FerretDB limits or the plumbing baseline
  --open-cases N     open cases already held: their state is written into every service's store before the
                     services start (default 1000). Several, comma-separated (1000,200000): the whole bench once
                     per value, each on a fresh stack, and a side-by-side comparison`;

const positive = (name: string, value: string | undefined, fallback: number, integer = true): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`);
  return n;
};

const share = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--${name} must be between 0 and 1, got ${value}`);
  return n;
};

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      invoices: { type: 'string' },
      debtors: { type: 'string' },
      rate: { type: 'string' },
      timeout: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      'kafka-share': { type: 'string' },
      updates: { type: 'string' },
      duplicates: { type: 'string' },
      invalid: { type: 'string' },
      seed: { type: 'string' },
      'raw-batch': { type: 'string' },
      'skip-raw': { type: 'boolean' },
      'open-cases': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const invoices = positive('invoices', values.invoices, 2000);
  const batch = positive('batch', values.batch, 1000);
  if (batch > 1000) throw new Error(`--batch must be at most 1000 (the batch door's limit), got ${batch}`);
  return {
    invoices,
    debtors: positive('debtors', values.debtors, Math.max(1, Math.round(invoices / 2))),
    ...(values.rate !== undefined ? { rate: positive('rate', values.rate, 0, false) } : {}),
    timeoutS: positive('timeout', values.timeout, 300, false),
    batch,
    concurrency: positive('concurrency', values.concurrency, 2),
    kafkaShare: share('kafka-share', values['kafka-share'], 0.5),
    updates: share('updates', values.updates, 0.1),
    duplicates: share('duplicates', values.duplicates, 0.05),
    invalid: share('invalid', values.invalid, 0.05),
    seed: positive('seed', values.seed, 1),
    rawBatch: positive('raw-batch', values['raw-batch'], 500),
    skipRaw: values['skip-raw'] ?? false,
    openCases: openCasesList(values['open-cases']),
  };
}

/** `1000` or `1000,200000`: whole numbers (0 seeds nothing), each once. */
function openCasesList(value: string | undefined): number[] {
  if (value === undefined) return [1000];
  const list = value.split(',').map((part) => part.trim());
  const numbers = list.map(Number);
  if (list.some((part) => !/^\d+$/.test(part)) || numbers.some((n) => !Number.isSafeInteger(n))) throw new Error(`--open-cases must be whole numbers separated by commas, got ${value}`);
  if (new Set(numbers).size !== numbers.length) throw new Error(`--open-cases lists a value twice: ${value}`);
  return numbers;
}
