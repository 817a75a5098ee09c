import { parseReplayArgs } from './dlq-replay.ts';

const defaults = { brokers: '127.0.0.1:19092', namespace: '' };

describe('dlq:replay flags', () => {
  test('Given only --group, then every reason, from the bookmark, on the default brokers, for real', () => {
    expect(parseReplayArgs(['--group', 'regua.scoring'], defaults)).toEqual({ group: 'regua.scoring', namespace: '', brokers: ['127.0.0.1:19092'], reasons: [], fromOffset: undefined, toOffset: undefined, dryRun: false });
  });

  test('Given every flag, then each is kept; reasons may repeat or be comma-separated', () => {
    const args = parseReplayArgs(['--', '--group', 'g', '--namespace', 'staging.', '--brokers', 'k1:9092, k2:9092', '--reason', 'retries-exhausted,handler-rejected', '--reason', 'invalid-json', '--from-offset', '0', '--to-offset', '12', '--dry-run'], defaults);
    expect(args).toEqual({ group: 'g', namespace: 'staging.', brokers: ['k1:9092', 'k2:9092'], reasons: ['retries-exhausted', 'handler-rejected', 'invalid-json'], fromOffset: 0, toOffset: 12, dryRun: true });
  });

  test('Given --help, then help', () => {
    expect(parseReplayArgs(['--help'], defaults)).toBe('help');
  });

  test('Given a missing group, an unknown reason, a bad or inverted offset, or an unknown flag, then the error says which', () => {
    expect(() => parseReplayArgs([], defaults)).toThrow('--group');
    expect(() => parseReplayArgs(['--group', 'g', '--reason', 'retries-exausted'], defaults)).toThrow('--reason retries-exausted');
    expect(() => parseReplayArgs(['--group', 'g', '--from-offset', '-1'], defaults)).toThrow('--from-offset');
    expect(() => parseReplayArgs(['--group', 'g', '--to-offset', '1.5'], defaults)).toThrow('--to-offset');
    expect(() => parseReplayArgs(['--group', 'g', '--from-offset', '5', '--to-offset', '4'], defaults)).toThrow('--from-offset must not be after');
    expect(() => parseReplayArgs(['--group', 'g', '--nope'], defaults)).toThrow();
  });
});
