import { BANK_LAYOUTS, FEBRABAN_240, layoutFor, type Layout, type RecordKind } from './cnab240-layouts.ts';

const KINDS: RecordKind[] = ['fileHeader', 'batchHeader', 'segmentT', 'segmentU', 'batchTrailer', 'fileTrailer'];
const AMOUNTS = ['faceValue', 'fee', 'interestAndFine', 'discount', 'rebate', 'paid'];

const position = (layout: Layout, kind: RecordKind, name: string) => {
  const spec = layout[kind].find((f) => f.name === name);
  return spec && [spec.start, spec.end];
};

describe.each([['FEBRABAN', '000'], ...Object.entries(BANK_LAYOUTS).map(([code, bank]) => [bank.bankName, code])])('the %s layout (bank %s)', (_, bankCode) => {
  const layout = layoutFor(bankCode!);

  test.each(KINDS)('Given its %s fields, then each lies inside the 240 columns and none overlaps another', (kind) => {
    const fields = [...layout[kind]].sort((a, b) => a.start - b.start);

    for (const [i, f] of fields.entries()) {
      expect([f.name, f.start >= 1 && f.start <= f.end && f.end <= 240]).toEqual([f.name, true]);
      const next = fields[i + 1];
      if (next) expect([f.name, next.name, f.end < next.start]).toEqual([f.name, next.name, true]);
    }
    expect(new Set(fields.map((f) => f.name)).size).toBe(fields.length);
  });

  test('Given its amounts, then each is numeric with two implied decimals (centavos)', () => {
    const amounts = [...layout.segmentT, ...layout.segmentU].filter((f) => AMOUNTS.includes(f.name));

    expect(amounts.map((f) => [f.name, f.type, f.decimals])).toEqual(AMOUNTS.map((name) => [name, 'numeric', 2]));
  });

  test('Given the control fields, then every record starts with bank (1–3), batch (4–7) and record type (8)', () => {
    for (const kind of KINDS) {
      expect([kind, position(layout, kind, 'bankCode'), position(layout, kind, 'batch'), position(layout, kind, 'recordType')]).toEqual([kind, [1, 3], [4, 7], [8, 8]]);
    }
  });
});

describe('FEBRABAN_240', () => {
  test('Given segment T and U, then the positions are those of the manual', () => {
    expect(['movementCode', 'nossoNumero', 'dueDate', 'faceValue', 'fee', 'reasonCodes'].map((n) => position(FEBRABAN_240, 'segmentT', n))).toEqual([
      [16, 17],
      [38, 57],
      [74, 81],
      [82, 96],
      [199, 213],
      [214, 223],
    ]);
    expect(['interestAndFine', 'discount', 'rebate', 'paid', 'occurrenceDate', 'creditDate'].map((n) => position(FEBRABAN_240, 'segmentU', n))).toEqual([
      [18, 32],
      [33, 47],
      [48, 62],
      [78, 92],
      [138, 145],
      [146, 153],
    ]);
    expect(position(FEBRABAN_240, 'fileHeader', 'fileSequence')).toEqual([158, 163]);
  });
});

describe('layoutFor', () => {
  test('Given a bank without overrides, then it gets the FEBRABAN layout itself', () => {
    expect(layoutFor('001')).toBe(FEBRABAN_240);
    expect(layoutFor('237')).toBe(FEBRABAN_240);
  });

  test("Given Itaú, then its override replaces nosso número and seu número and leaves the other fields as FEBRABAN's", () => {
    const itau = layoutFor('341');

    expect(position(itau, 'segmentT', 'nossoNumero')).toEqual([41, 48]);
    expect(position(itau, 'segmentT', 'seuNumero')).toEqual([59, 68]);
    expect(position(itau, 'segmentT', 'wallet')).toEqual([38, 40]);
    expect(itau.segmentT.filter((f) => !['nossoNumero', 'seuNumero', 'wallet', 'nossoNumeroCheck'].includes(f.name))).toEqual(
      FEBRABAN_240.segmentT.filter((f) => !['nossoNumero', 'seuNumero'].includes(f.name)),
    );
    expect(itau.segmentU).toEqual(FEBRABAN_240.segmentU);
  });
});
