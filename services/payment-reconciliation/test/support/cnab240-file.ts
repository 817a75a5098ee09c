// CNAB 240 return files for tests. The generator writes each field at the positions of FEBRABAN's CNAB 240 manual,
// typed here again rather than read from cnab240-layouts.ts, so a wrong position in the layouts fails the tests
// instead of agreeing with itself.

export type Field = [start: number, end: number, value: string | number];

/** One 240-character record: numbers right-aligned with zeros, text left-aligned with spaces. */
export function record(fields: Field[]): string {
  const chars = Array.from({ length: 240 }, () => ' ');
  for (const [start, end, value] of fields) {
    const width = end - start + 1;
    const text = typeof value === 'number' ? String(value).padStart(width, '0') : value.padEnd(width, ' ');
    if (text.length !== width) throw new Error(`${JSON.stringify(value)} does not fit positions ${start}–${end}`);
    chars.splice(start - 1, width, ...text);
  }
  return chars.join('');
}

export interface TitleSpec {
  movementCode?: string;
  nossoNumero: string;
  seuNumero?: string;
  dueDate?: string;
  faceValueCents: number;
  feeCents?: number;
  reasonCodes?: string;
  paidCents?: number;
  interestAndFineCents?: number;
  discountCents?: number;
  rebateCents?: number;
  occurrenceDate?: string;
  creditDate?: string;
  /** Leaves the segment U out (a broken file). */
  withoutU?: boolean;
  /** Bank-specific segment T fields that replace the generic ones. */
  tFields?: Field[];
}

export interface FileSpec {
  bankCode?: string;
  nsa?: number;
  fileKind?: number;
  batches: TitleSpec[][];
}

/** A return file as lines, valid unless a title asks otherwise: headers, T/U pairs, trailers with the right counts. */
export function returnFile({ bankCode = '001', nsa = 42, fileKind = 2, batches }: FileSpec): string[] {
  const lines = [
    record([
      [1, 3, bankCode], [4, 7, 0], [8, 8, '0'], [18, 18, '2'], [19, 32, '11222333000181'], [33, 52, '1234567'], [53, 57, 1234], [58, 58, '5'],
      [59, 70, 123456], [71, 71, '7'], [73, 102, 'REGUA COBRANCAS LTDA'], [103, 132, 'BANCO EXEMPLO S.A.'], [143, 143, fileKind],
      [144, 151, '25112026'], [152, 157, '083000'], [158, 163, nsa], [164, 166, '107'], [167, 171, 1600],
    ]),
  ];
  batches.forEach((titles, b) => {
    const lote = b + 1;
    const batchLines = [
      record([
        [1, 3, bankCode], [4, 7, lote], [8, 8, '1'], [9, 9, 'T'], [10, 11, 1], [14, 16, '060'], [18, 18, '2'], [19, 33, '011222333000181'],
        [34, 53, '1234567'], [54, 58, 1234], [59, 59, '5'], [60, 71, 123456], [72, 72, '7'], [74, 103, 'REGUA COBRANCAS LTDA'],
        [184, 191, nsa], [192, 199, '25112026'], [200, 207, 0],
      ]),
    ];
    for (const title of titles) {
      const movement = title.movementCode ?? '06';
      const common = (segment: string): Field[] => [[1, 3, bankCode], [4, 7, lote], [8, 8, '3'], [9, 13, batchLines.length], [14, 14, segment], [16, 17, movement]];
      batchLines.push(
        record([
          ...common('T'), [18, 22, 1234], [23, 23, '5'], [24, 35, 123456], [36, 36, '7'], [38, 57, title.nossoNumero], [58, 58, '1'],
          [59, 73, title.seuNumero ?? ''], [74, 81, title.dueDate ?? '10122026'], [82, 96, title.faceValueCents], [97, 99, '237'], [100, 104, 4321],
          [105, 105, '0'], [106, 130, 'CASE-1'], [131, 132, 9], [133, 133, '1'], [134, 148, '000052998224725'], [149, 188, 'FULANO DE TAL'],
          [199, 213, title.feeCents ?? 0], [214, 223, title.reasonCodes ?? ''], ...(title.tFields ?? []),
        ]),
      );
      if (title.withoutU) continue;
      const paid = title.paidCents ?? 0;
      batchLines.push(
        record([
          ...common('U'), [18, 32, title.interestAndFineCents ?? 0], [33, 47, title.discountCents ?? 0], [48, 62, title.rebateCents ?? 0], [63, 77, 0],
          [78, 92, paid], [93, 107, Math.max(0, paid - (title.feeCents ?? 0))], [108, 122, 0], [123, 137, 0],
          [138, 145, title.occurrenceDate ?? '00000000'], [146, 153, title.creditDate ?? '00000000'],
        ]),
      );
    }
    const faceTotal = titles.reduce((sum, t) => sum + t.faceValueCents, 0);
    batchLines.push(record([[1, 3, bankCode], [4, 7, lote], [8, 8, '5'], [18, 23, batchLines.length + 1], [24, 29, titles.length], [30, 46, faceTotal]]));
    lines.push(...batchLines);
  });
  lines.push(record([[1, 3, bankCode], [4, 7, 9999], [8, 8, '9'], [18, 23, batches.length], [24, 29, lines.length + 1]]));
  return lines;
}

/** Replaces the characters of `line` from `column` (1-based) on. */
export function overwrite(line: string, column: number, text: string): string {
  return line.slice(0, column - 1) + text + line.slice(column - 1 + text.length);
}
