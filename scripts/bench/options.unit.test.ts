import { parseBenchArgs } from './options.ts';

describe('bench flags', () => {
  test('Given no flags, then 2,000 invoices over 1,000 debtors, as fast as possible, within 300 s', () => {
    expect(parseBenchArgs([])).toMatchObject({ invoices: 2000, debtors: 1000, timeoutS: 300, batch: 1000, kafkaShare: 0.5, skipRaw: false });
    expect(parseBenchArgs([])).not.toHaveProperty('rate');
  });

  test('Given --invoices and --rate, then debtors follow the invoices and the rate is kept', () => {
    expect(parseBenchArgs(['--invoices', '500', '--rate', '100'])).toMatchObject({ invoices: 500, debtors: 250, rate: 100 });
  });

  test('Given --open-cases, then one run per value, in the order given; without it, 1,000', () => {
    expect(parseBenchArgs([])).toMatchObject({ openCases: [1000] });
    expect(parseBenchArgs(['--open-cases', '1000,200000'])).toMatchObject({ openCases: [1000, 200000] });
    expect(parseBenchArgs(['--open-cases', '0'])).toMatchObject({ openCases: [0] });
  });

  test('Given a bad value, then the error names the flag', () => {
    expect(() => parseBenchArgs(['--invoices', '-3'])).toThrow('--invoices');
    expect(() => parseBenchArgs(['--batch', '5000'])).toThrow('--batch');
    expect(() => parseBenchArgs(['--kafka-share', '2'])).toThrow('--kafka-share');
    expect(() => parseBenchArgs(['--open-cases', '1000,2e5'])).toThrow('--open-cases');
    expect(() => parseBenchArgs(['--open-cases', '1000,1000'])).toThrow('--open-cases');
    expect(() => parseBenchArgs(['--open-cases', ''])).toThrow('--open-cases');
    expect(() => parseBenchArgs(['--nope'])).toThrow();
  });
});
