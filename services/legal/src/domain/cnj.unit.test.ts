import { cnjCheckDigits, parseCnjNumber } from './cnj.ts';

describe('CNJ unified process number (Res. CNJ 65/2008, ISO 7064 mod 97-10)', () => {
  // The first is the example of the CNJ's DataJud public API documentation; the others were computed here and checked
  // independently: the 20 digits in the order N A J TR O DD leave 1 mod 97 (BigInt arithmetic).
  test.each(['0000832-35.2018.4.01.3202', '1002345-10.2023.8.26.0100', '5001234-03.2024.4.03.6100', '0710802-17.2018.8.07.0001'])('%s is valid', (number) => {
    const parsed = parseCnjNumber(number);
    expect(parsed).toMatchObject({ ok: true, value: { formatted: number } });
    const digits = number.replace(/\D/g, '');
    const reordered = `${digits.slice(0, 7)}${digits.slice(9)}${digits.slice(7, 9)}`;
    expect(BigInt(reordered) % 97n).toBe(1n);
  });

  test('the 20 digits without punctuation are accepted and formatted', () => {
    expect(parseCnjNumber('10023451020238260100')).toMatchObject({ ok: true, value: { formatted: '1002345-10.2023.8.26.0100', year: 2023, segment: '8', court: '26', origin: '0100' } });
  });

  test('computes the check digits of the other parts', () => {
    expect(cnjCheckDigits({ sequence: '1002345', year: '2023', segment: '8', court: '26', origin: '0100' })).toBe('10');
    expect(cnjCheckDigits({ sequence: '0000832', year: '2018', segment: '4', court: '01', origin: '3202' })).toBe('35');
  });

  test.each([
    ['1002345-11.2023.8.26.0100', 'check digits'],
    ['1002345-10.2024.8.26.0100', 'check digits'], // a digit of the year changed
    ['1002354-10.2023.8.26.0100', 'check digits'], // two digits swapped
    ['1002345-10.2023.0.26.0100', 'segment'],
    ['1002345-10.2023.8.26.010', 'NNNNNNN-DD'],
    ['not a number', 'NNNNNNN-DD'],
  ])('%s is refused (%s)', (number, words) => {
    const parsed = parseCnjNumber(number);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(words);
  });
});
