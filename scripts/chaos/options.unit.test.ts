import { parseChaosArgs } from './options.ts';

const KNOWN = ['sigkill-notification', 'duplicates', 'kafka-restart'];

describe('chaos flags', () => {
  test('Given no flags, then every scenario at 30 invoices/s for 30 s', () => {
    const options = parseChaosArgs([], KNOWN);
    expect(options).toMatchObject({ short: false, rate: 30, seconds: 30, settleTimeoutS: 240 });
    expect(options).not.toHaveProperty('only');
  });

  test('Given --short, then the quick subset with a lighter feed, unless told otherwise', () => {
    expect(parseChaosArgs(['--short'], KNOWN)).toMatchObject({ short: true, rate: 25, seconds: 20 });
    expect(parseChaosArgs(['--short', '--rate', '40'], KNOWN)).toMatchObject({ short: true, rate: 40 });
  });

  test('Given --only, then those scenarios; an unknown name is refused with the known ones', () => {
    expect(parseChaosArgs(['--only', 'duplicates, kafka-restart'], KNOWN)).toMatchObject({ only: ['duplicates', 'kafka-restart'] });
    expect(() => parseChaosArgs(['--only', 'nope'], KNOWN)).toThrow(/unknown scenario nope; known: sigkill-notification/);
  });

  test('Given a bad number or an unknown flag, then an error names it', () => {
    expect(() => parseChaosArgs(['--rate', '0'], KNOWN)).toThrow('--rate');
    expect(() => parseChaosArgs(['--bogus'], KNOWN)).toThrow();
    expect(parseChaosArgs(['--help'], KNOWN)).toBe('help');
  });
});
