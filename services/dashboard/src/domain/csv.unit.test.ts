import { toCsv } from './csv.ts';

describe('toCsv', () => {
  test('quotes what needs quoting and leaves numbers alone', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: -12 }])).toBe('a,b,c\r\n"x,y","say ""hi""",-12\r\n');
  });
  test('defuses formulas a spreadsheet would run', () => {
    expect(toCsv([{ a: '=HYPERLINK("x")' }])).toBe(`a\r\n"'=HYPERLINK(""x"")"\r\n`);
  });
  test('flattens a nested object as JSON, and empty values as nothing', () => {
    expect(toCsv([{ a: { low: 0.1 }, b: null }], ['a', 'b'])).toBe('a,b\r\n"{""low"":0.1}",\r\n');
  });
});
