import { outcomeOf } from './label-outcome.ts';

const SCORED = new Date('2026-11-01T12:00:00Z');
const day = (n: number) => new Date(SCORED.getTime() + n * 86_400_000);
const WINDOW = 30;

describe('outcomeOf: what a label teaches the recalibration', () => {
  test('Given a payment within the window, then paid', () => {
    expect(outcomeOf({ scoredAt: SCORED, paidAt: day(10) }, day(11), WINDOW)).toBe(true);
  });

  test('Given nothing by the end of the window, then not paid; before it, unknown', () => {
    expect(outcomeOf({ scoredAt: SCORED }, day(29), WINDOW)).toBeUndefined();
    expect(outcomeOf({ scoredAt: SCORED }, day(30), WINDOW)).toBe(false);
  });

  test('Given an agreement made within the window and still running, then unknown, even long after the window', () => {
    expect(outcomeOf({ scoredAt: SCORED, agreementAt: day(5) }, day(200), WINDOW)).toBeUndefined();
  });

  test('Given that agreement broken, then not paid', () => {
    expect(outcomeOf({ scoredAt: SCORED, agreementAt: day(5), brokenAt: day(70) }, day(71), WINDOW)).toBe(false);
  });

  test('Given that agreement settled (its invoices reconciled, paidAt after the window), then paid', () => {
    expect(outcomeOf({ scoredAt: SCORED, agreementAt: day(5), paidAt: day(95) }, day(96), WINDOW)).toBe(true);
  });

  test('Given an agreement made only after the window, then the label stays not paid', () => {
    expect(outcomeOf({ scoredAt: SCORED, agreementAt: day(45) }, day(46), WINDOW)).toBe(false);
    expect(outcomeOf({ scoredAt: SCORED, agreementAt: day(45), paidAt: day(120) }, day(121), WINDOW)).toBe(false);
  });
});
