import fc from 'fast-check';
import { oneEditApart } from './emails.ts';

// The oracle: the optimal string alignment distance by its full matrix, written out apart from the code under test.
function osaDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

// A small alphabet, so that near strings (the interesting cases) come up often.
const domain = fc.string({ unit: fc.constantFrom('a', 'b', 'g', 'm', '.'), maxLength: 9 });

/** A string one random edit (or two) away from `s`, to reach distances 1 and 2 often. */
const edited = (s: string) =>
  fc.array(fc.tuple(fc.constantFrom('insert', 'delete', 'substitute', 'swap'), fc.nat(), fc.constantFrom('a', 'b', 'g')), { minLength: 1, maxLength: 2 }).map((edits) =>
    edits.reduce((text, [kind, at, letter]) => {
      const i = text.length === 0 ? 0 : at % text.length;
      if (kind === 'insert') return text.slice(0, i) + letter + text.slice(i);
      if (kind === 'delete') return text.slice(0, i) + text.slice(i + 1);
      if (kind === 'substitute') return text.slice(0, i) + letter + text.slice(i + 1);
      return text.length < 2 || i + 1 >= text.length ? text : text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
    }, s),
  );

describe('oneEditApart', () => {
  it('is true exactly when the optimal string alignment distance is 1, for unrelated strings', () => {
    fc.assert(fc.property(domain, domain, (a, b) => oneEditApart(a, b) === (osaDistance(a, b) === 1)), { numRuns: 2000 });
  });

  it('is true exactly when the optimal string alignment distance is 1, for strings one or two edits apart', () => {
    fc.assert(fc.property(domain.chain((a) => fc.tuple(fc.constant(a), edited(a))), ([a, b]) => oneEditApart(a, b) === (osaDistance(a, b) === 1) && oneEditApart(b, a) === oneEditApart(a, b)), { numRuns: 3000 });
  });

  it('recognises the slips a debtor makes in a provider name', () => {
    expect(oneEditApart('gmial.com', 'gmail.com')).toBe(true);
    expect(oneEditApart('gmai.com', 'gmail.com')).toBe(true);
    expect(oneEditApart('gmaill.com', 'gmail.com')).toBe(true);
    expect(oneEditApart('gnail.com', 'gmail.com')).toBe(true);
    expect(oneEditApart('gmail.com', 'gmail.com')).toBe(false);
    expect(oneEditApart('gmal.con', 'gmail.com')).toBe(false);
  });
});
