import { overwrite, returnFile, type TitleSpec } from '../../test/support/cnab240-file.ts';
import { Cnab240Error, fileFingerprint, parseCnab240Return, type Cnab240Issue, type Cnab240Title } from './cnab240.ts';
import { IssueList, normalisedLines, scanCnab240 } from './cnab240-stream.ts';

const SETTLED: TitleSpec = {
  movementCode: '06', nossoNumero: '12345670000000123', seuNumero: 'INV-0001', dueDate: '10122026', faceValueCents: 123456, feeCents: 250,
  paidCents: 125925, interestAndFineCents: 2469, occurrenceDate: '12122026', creditDate: '13122026',
};
const ENTRY_CONFIRMED: TitleSpec = { movementCode: '02', nossoNumero: '12345670000000124', seuNumero: 'INV-0002', faceValueCents: 50000 };

/** The content cut into pieces of `size` characters, as a stream delivers it (a CRLF may fall across two). */
function* chunked(content: string, size: number): Generator<string> {
  for (let i = 0; i < content.length; i += size) yield content.slice(i, i + size);
}

async function streamIssues(content: string, size = 97): Promise<Cnab240Issue[]> {
  try {
    await scanCnab240(chunked(content, size));
  } catch (error) {
    if (error instanceof Cnab240Error) return [...error.errors];
    throw error;
  }
  throw new Error('expected a Cnab240Error');
}

function wholeIssues(content: string): Cnab240Issue[] {
  try {
    parseCnab240Return(content);
  } catch (error) {
    if (error instanceof Cnab240Error) return [...error.errors];
    throw error;
  }
  throw new Error('expected a Cnab240Error');
}

const valid = () => returnFile({ batches: [[SETTLED, ENTRY_CONFIRMED], [SETTLED]] });
const broken: Array<[string, () => string]> = [
  ['a line of 239 characters', () => { const l = valid(); l[3] = l[3]!.slice(0, 239); return l.join('\n'); }],
  ['a line of 241 characters, CRLF line ends', () => { const l = valid(); l[2] = `${l[2]} `; return `${l.join('\r\n')}\r\n`; }],
  ['a letter in a numeric column', () => { const l = valid(); l[2] = overwrite(l[2]!, 90, 'X'); return l.join('\n'); }],
  ['a date not on the calendar', () => { const l = valid(); l[3] = overwrite(l[3]!, 146, '31022026'); return l.join('\n'); }],
  ['a batch trailer whose count is off', () => { const l = valid(); l[6] = overwrite(l[6]!, 18, '000007'); return l.join('\n'); }],
  ['a file trailer whose counts are off', () => { const l = valid(); l[l.length - 1] = overwrite(l[l.length - 1]!, 18, '000003000099'); return l.join('\n'); }],
  ['a segment T without its U', () => returnFile({ batches: [[{ ...SETTLED, withoutU: true }, ENTRY_CONFIRMED], [SETTLED]] }).join('\n')],
  ['a segment T last in its batch', () => returnFile({ batches: [[ENTRY_CONFIRMED, { ...SETTLED, withoutU: true }]] }).join('\n')],
  ['records out of order', () => { const [h, b, ...rest] = valid(); return [b, h, ...rest].join('\n'); }],
  ['a record after the trailer', () => { const l = valid(); return [...l, l[2]!].join('\n'); }],
  ['no file trailer', () => valid().slice(0, -1).join('\n')],
  ['the file ends inside a batch', () => valid().slice(0, 5).join('\n')],
  ['a remessa (file kind 1)', () => returnFile({ fileKind: 1, batches: [[SETTLED]] }).join('\n')],
  ['another bank on a line', () => { const l = valid(); l[3] = overwrite(l[3]!, 1, '237'); return l.join('\n'); }],
  ['a blank line inside the file, blank lines at its end', () => { const l = valid(); l.splice(4, 0, '   '); return `${l.join('\n')}\n\n  \n`; }],
  ['an empty file', () => '\r\n'],
  ['several problems', () => { const l = valid(); l[2] = overwrite(l[2]!, 74, '99999999'); l[3] = l[3]!.slice(0, 200); l[6] = overwrite(l[6]!, 18, '000001'); return l.join('\n'); }],
];

describe('scanCnab240: a file that cannot be trusted is refused with the problems parseCnab240Return reports', () => {
  test.each(broken)('Given %s, then the same problems, at the same lines and columns', async (_name, content) => {
    const expected = wholeIssues(content());

    expect(expected.length).toBeGreaterThan(0);
    expect(await streamIssues(content())).toEqual(expected);
    // Whatever the stream's chunk sizes.
    expect(await streamIssues(content(), 1)).toEqual(expected);
    expect(await streamIssues(content(), 4096)).toEqual(expected);
  });

  test('Given the three problems named in the issue, then each is where parseCnab240Return says', async () => {
    const lines = valid();
    lines[2] = lines[2]!.slice(0, 239);
    lines[3] = overwrite(lines[3]!, 80, 'A');
    lines[lines.length - 1] = overwrite(lines[lines.length - 1]!, 24, '000099');

    expect(await streamIssues(lines.join('\r\n'))).toEqual([
      { line: 3, column: 240, message: 'line has 239 characters, expected 240' },
      { line: 4, column: 80, message: 'paid (78–92) must be numeric, found "A" at column 80' },
      { line: lines.length, column: 24, message: `file trailer counts 99 records, the file has ${lines.length}` },
    ]);
  });

  test('Given a file with thousands of bad lines, then only the first 100 problems are kept, in line order, and nothing is handed out after the refusal', async () => {
    const titles = Array.from({ length: 3000 }, (_, i) => ({ ...SETTLED, nossoNumero: String(i + 1) }));
    const lines = returnFile({ batches: [titles] }).map((line, i) => (i > 1 && i % 2 === 0 && i < 5000 ? overwrite(line, 82, 'Z') : line));

    const issues = await streamIssues(lines.join('\n'), 8192);

    expect(issues).toHaveLength(100);
    expect(issues).toEqual(wholeIssues(lines.join('\n')).slice(0, 100));
  });
});

describe('scanCnab240: a valid file', () => {
  test('Given a valid file in any chunking, then its titles and fingerprint are those of parseCnab240Return and fileFingerprint', async () => {
    const content = `${valid().join('\r\n')}\r\n\r\n`;
    const parsed = parseCnab240Return(content);
    const seen: Array<[Cnab240Title, string]> = [];

    const summary = await scanCnab240(chunked(content, 33), (title, kind) => {
      seen.push([title, kind]);
    });

    expect(seen.filter(([, k]) => k === 'settlement').map(([t]) => t)).toEqual(parsed.settlements);
    expect(seen.filter(([, k]) => k === 'movement').map(([t]) => t)).toEqual(parsed.movements);
    const { sha256, companyDocument, agreement, fileSequence, bankCode } = fileFingerprint(content);
    expect(summary).toEqual({ sha256, bankCode, companyDocument, agreement, fileSequence, bankName: parsed.bankName, generatedOn: parsed.generatedOn, lines: 12, settlements: 2, movements: 1 });
  });

  test('Given a slow consumer of titles, then the reading waits for it', async () => {
    const order: string[] = [];
    await scanCnab240([valid().join('\n')], async (title) => {
      order.push(`start ${title.line}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${title.line}`);
    });

    expect(order).toEqual(['start 3', 'end 3', 'start 5', 'end 5', 'start 9', 'end 9']);
  });
});

describe('normalisedLines and IssueList', () => {
  test('Given CR, CRLF across chunks and trailing blank lines, then lines come as parseCnab240Return splits them', async () => {
    const lines: string[] = [];
    for await (const line of normalisedLines(['a\r', '\nb\n', '\n  c\r\r\n', '\n \n', '\r\n'])) lines.push(line);

    expect(lines).toEqual(['a', 'b', '', '  c\r']);
  });

  test('Given problems out of order and past the limit, then the first ones by line and column are kept, and all counted', () => {
    const list = new IssueList(3);
    for (const line of [9, 2, 7, 1, 8, 3, 5]) list.add(line, 1, `at ${line}`);

    expect(list.sorted().map((i) => i.line)).toEqual([1, 2, 3]);
    expect(list.total).toBe(7);
  });
});
