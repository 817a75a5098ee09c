import { txidFor } from '../domain/pix-brcode.ts';
import { caseSeuNumero, caseTxid, decideInstruments, mayBeCaseInstrument, ourNumberCandidate } from './plan.ts';

describe('which instruments a case needs', () => {
  const today = '2026-12-14';

  test('Given nothing open, then none', () => {
    expect(decideInstruments({ current: null, openCents: 0, today, days: 5 })).toMatchObject({ kind: 'none' });
  });

  test('Given an open amount and no instruments, then version 1, due in the configured days', () => {
    expect(decideInstruments({ current: null, openCents: 80_000, today, days: 5 })).toEqual({ kind: 'issue', version: 1, amountCents: 80_000, dueDate: '2026-12-19' });
  });

  test('Given instruments for the same amount, not yet due, then they stand (a redelivery issues nothing new)', () => {
    expect(decideInstruments({ current: { version: 1, amountCents: 80_000, dueDate: '2026-12-14' }, openCents: 80_000, today, days: 5 })).toEqual({ kind: 'keep', version: 1 });
  });

  test('Given another amount, or instruments past their due date, then a new version', () => {
    expect(decideInstruments({ current: { version: 1, amountCents: 80_000, dueDate: '2026-12-19' }, openCents: 30_000, today, days: 5 })).toMatchObject({ kind: 'issue', version: 2, amountCents: 30_000 });
    expect(decideInstruments({ current: { version: 2, amountCents: 80_000, dueDate: '2026-12-13' }, openCents: 80_000, today, days: 5 })).toMatchObject({ kind: 'issue', version: 3, dueDate: '2026-12-19' });
  });

  test("A version's txid: version 1 is the case's static txid; later ones differ, keep 25 letters and digits", () => {
    expect(caseTxid('case-1', 1)).toBe(txidFor({ caseId: 'case-1' }, 'static'));
    const v2 = caseTxid('case-1', 2);
    expect(v2).toMatch(/^[A-Z0-9]{25}$/);
    expect(v2).not.toBe(caseTxid('case-1', 1));
    expect(v2.endsWith('V002')).toBe(true);
  });

  test('A nosso número candidate is the convênio and 10 digits, the same for the same key and attempt', () => {
    const first = ourNumberCandidate('1234567', 't:case-1:1', 0);
    expect(first).toMatch(/^1234567\d{10}$/);
    expect(ourNumberCandidate('1234567', 't:case-1:1', 0)).toBe(first);
    expect(ourNumberCandidate('1234567', 't:case-1:1', 1)).not.toBe(first);
  });
});

describe("a CNAB settlement's seu número", () => {
  test("Given Régua's own seu número for a case boleto, or a blank one, then it may be a case instrument", () => {
    const ours = caseSeuNumero('12345670000004242');
    expect(ours).toBe('RGA0000004242');
    expect(ours.length).toBeLessThanOrEqual(15);
    expect(mayBeCaseInstrument(ours)).toBe(true);
    expect(mayBeCaseInstrument('')).toBe(true);
    expect(mayBeCaseInstrument(undefined)).toBe(true);
  });

  test("Given the creditor's invoice number as seu número, then it is no case instrument", () => {
    expect(mayBeCaseInstrument('INV-2026-0001')).toBe(false);
  });
});
