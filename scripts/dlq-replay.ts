// pnpm dlq:replay --group <consumer group> — sends a consumer group's dead letters back to their source topics.
import { parseArgs } from 'node:util';
import { DEAD_LETTER_REASONS, deadLetterKeyFrom, formatReplaySummary, replayDeadLetters } from '@regua/kafka-bus';

export interface ReplayArgs {
  group: string;
  namespace: string;
  brokers: string[];
  reasons: string[];
  fromOffset?: number;
  toOffset?: number;
  dryRun: boolean;
}

export const USAGE = `pnpm dlq:replay --group <consumer group id> [options]
  --group G          the consumer group whose dead letters go back (e.g. regua.scoring)
  --namespace NS     the KAFKA_NAMESPACE the services run with (default: $KAFKA_NAMESPACE or none)
  --brokers H:P,...  Kafka brokers (default: $KAFKA_BROKERS or 127.0.0.1:19092)
  --reason R         only dead letters with this dlq-reason; repeat or comma-separate for several
                     (${DEAD_LETTER_REASONS.join(', ')})
  --from-offset N    start at this dead-letter offset instead of where the last replay stopped
  --to-offset N      stop after this dead-letter offset (inclusive)
  --dry-run          decrypt and count, send nothing, leave the bookmark where it is
The key comes from DLQ_ENCRYPTION_KEY (outside production, the development key when unset).`;

const offset = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return Number(value);
};

export function parseReplayArgs(argv: string[], defaults: { brokers: string; namespace: string }): ReplayArgs | 'help' {
  const { values } = parseArgs({
    // pnpm forwards a `--` separator when one is typed before the flags.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      group: { type: 'string' },
      namespace: { type: 'string' },
      brokers: { type: 'string' },
      reason: { type: 'string', multiple: true },
      'from-offset': { type: 'string' },
      'to-offset': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (!values.group) throw new Error('--group is required');
  const reasons = (values.reason ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  const unknown = reasons.filter((r) => !(DEAD_LETTER_REASONS as readonly string[]).includes(r));
  if (unknown.length > 0) throw new Error(`--reason ${unknown.join(', ')} is not one of ${DEAD_LETTER_REASONS.join(', ')}`);
  const fromOffset = offset('from-offset', values['from-offset']);
  const toOffset = offset('to-offset', values['to-offset']);
  if (fromOffset !== undefined && toOffset !== undefined && fromOffset > toOffset) throw new Error('--from-offset must not be after --to-offset');
  const brokers = (values.brokers ?? defaults.brokers).split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('--brokers needs at least one host:port');
  return { group: values.group, namespace: values.namespace ?? defaults.namespace, brokers, reasons, fromOffset, toOffset, dryRun: values['dry-run'] ?? false };
}

async function main(): Promise<void> {
  const args = parseReplayArgs(process.argv.slice(2), { brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092', namespace: process.env.KAFKA_NAMESPACE ?? '' });
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const deadLetterKey = deadLetterKeyFrom({ configured: process.env.DLQ_ENCRYPTION_KEY, nodeEnv: process.env.NODE_ENV ?? 'development' });
  const summary = await replayDeadLetters({ ...args, deadLetterKey });
  console.log(formatReplaySummary(summary));
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`dlq:replay failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
