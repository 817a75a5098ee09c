import { checkMovementsHeader, movementFromRow } from './movements-csv.ts';
import { movementIdOf, statusAfter } from './judicial.ts';

describe('judicial movements file', () => {
  test('the header must name the required columns and no unknown one', () => {
    expect(checkMovementsHeader(['process_number', 'kind', 'date', 'description'])).toEqual([]);
    expect(checkMovementsHeader(['process_number', 'kind', 'data', 'constructor'])).toEqual(['unknown column "data"', 'unknown column "constructor"', 'missing column "date"']);
  });

  test('a valid line becomes a movement with its process number formatted', () => {
    const row = { process_number: '10023451020238260100', kind: 'agreement-in-court', date: '2026-05-04', amount_cents: '350000', description: 'acordo homologado' };
    expect(movementFromRow(row, 2)).toEqual({ ok: true, line: 2, processNumber: '1002345-10.2023.8.26.0100', movement: { kind: 'agreement-in-court', date: '2026-05-04', amountCents: 350_000, description: 'acordo homologado' } });
  });

  test('every error of a line names its line, column and field', () => {
    const row = { process_number: '1002345-11.2023.8.26.0100', kind: 'hearing-scheduled', date: '2026-02-30', amount_cents: '12.50' };
    const parsed = movementFromRow(row, 7);
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors.map(({ line, column, path }) => ({ line, column, path }))).toEqual([
      { line: 7, column: 'process_number', path: 'processNumber' },
      { line: 7, column: 'date', path: 'date' },
      { line: 7, column: 'amount_cents', path: 'amountCents' },
    ]);
    expect(errors[0]!.message).toContain('check digits');
    // What a kind needs is checked once the values themselves are valid.
    const hearing = movementFromRow({ process_number: '1002345-10.2023.8.26.0100', kind: 'hearing-scheduled', date: '2026-02-27' }, 8);
    expect(hearing.ok ? [] : hearing.errors).toEqual([{ line: 8, column: 'hearing_at', path: 'hearingAt', message: 'a scheduled hearing needs its date and time' }]);
  });

  test('a movement without an id gets one from its content: the same line twice is the same movement', () => {
    const movement = { kind: 'sentence' as const, date: '2026-06-01', sentence: 'favourable' as const };
    expect(movementIdOf('1002345-10.2023.8.26.0100', movement)).toBe(movementIdOf('1002345-10.2023.8.26.0100', { ...movement }));
    expect(movementIdOf('1002345-10.2023.8.26.0100', movement)).not.toBe(movementIdOf('1002345-10.2023.8.26.0100', { ...movement, date: '2026-06-02' }));
    expect(movementIdOf('x', { ...movement, movementId: 'firm-77' })).toBe('firm-77');
  });

  test('an agreement in court closes the judicial case, archiving ends it, other movements keep it open', () => {
    expect(statusAfter('open', 'agreement-in-court')).toBe('closed');
    expect(statusAfter('open', 'archived')).toBe('archived');
    expect(statusAfter('open', 'hearing-scheduled')).toBe('open');
    expect(statusAfter('closed', 'archived')).toBe('closed');
  });
});
