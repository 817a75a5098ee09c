import { ValidationError } from '@regua/errors';
import { overwrite, returnFile, type TitleSpec } from '../../test/support/cnab240-file.ts';
import { Cnab240Error, fileFingerprint, parseCnab240Return, type Cnab240Issue } from './cnab240.ts';

const SETTLED: TitleSpec = {
  movementCode: '06', nossoNumero: '12345670000000123', seuNumero: 'INV-0001', dueDate: '10122026', faceValueCents: 123456, feeCents: 250,
  paidCents: 125925, interestAndFineCents: 2469, occurrenceDate: '12122026', creditDate: '13122026',
};
const ENTRY_CONFIRMED: TitleSpec = { movementCode: '02', nossoNumero: '12345670000000124', seuNumero: 'INV-0002', faceValueCents: 50000 };

function issuesOf(content: string): Cnab240Issue[] {
  try {
    parseCnab240Return(content);
  } catch (error) {
    if (error instanceof Cnab240Error) return [...error.errors];
    throw error;
  }
  throw new Error('expected a Cnab240Error');
}

describe('parseCnab240Return: a valid file', () => {
  const lines = returnFile({
    batches: [
      [SETTLED, ENTRY_CONFIRMED],
      [
        { movementCode: '09', nossoNumero: '12345670000000125', faceValueCents: 7000, reasonCodes: '09' },
        { movementCode: '17', nossoNumero: '12345670000000126', faceValueCents: 8000, paidCents: 7600, discountCents: 400, occurrenceDate: '01122026', creditDate: '02122026' },
      ],
    ],
  });

  test('Given the generated file, then every line is 240 characters and the trailers count what the manual says', () => {
    expect(lines.every((l) => l.length === 240)).toBe(true);
    expect(lines.map((l) => l[7]).join('')).toBe('01333351333359');
    expect(lines.at(-1)!.slice(17, 29)).toBe('000002000014');
  });

  test('Given a settlement (06) and an entry confirmation (02), then one is a settlement and the other a movement, with every field read', () => {
    const parsed = parseCnab240Return(lines.join('\n'));

    expect(parsed).toMatchObject({ bankCode: '001', bankName: 'BANCO EXEMPLO S.A.', companyDocument: '11222333000181', agreement: '1234567', generatedOn: '2026-11-25', fileSequence: 42 });
    expect(parsed.settlements[0]).toEqual({
      line: 3,
      batch: 1,
      bankCode: '001',
      agency: '01234-5',
      movementCode: '06',
      nossoNumero: '12345670000000123',
      seuNumero: 'INV-0001',
      dueDate: '2026-12-10',
      faceValueCents: 123456,
      feeCents: 250,
      reasonCodes: '',
      collectingBank: '237',
      collectingAgency: '04321',
      paidCents: 125925,
      interestAndFineCents: 2469,
      discountCents: 0,
      rebateCents: 0,
      occurrenceDate: '2026-12-12',
      creditDate: '2026-12-13',
    });
    expect(parsed.movements.map((m) => [m.line, m.movementCode, m.nossoNumero, m.dueDate, m.creditDate])).toEqual([
      [5, '02', '12345670000000124', '2026-12-10', null],
      [9, '09', '12345670000000125', '2026-12-10', null],
    ]);
  });

  test('Given a settlement after write-off (17), then it is a settlement too: the money came in', () => {
    const parsed = parseCnab240Return(lines.join('\n'));

    expect(parsed.settlements.map((s) => [s.movementCode, s.batch, s.paidCents, s.discountCents, s.creditDate])).toEqual([
      ['06', 1, 125925, 0, '2026-12-13'],
      ['17', 2, 7600, 400, '2026-12-02'],
    ]);
  });

  test('Given the same file with CRLF line ends and a final line break, then it parses the same', () => {
    expect(parseCnab240Return(`${lines.join('\r\n')}\r\n`)).toEqual(parseCnab240Return(lines.join('\n')));
  });

  test('Given an Itaú file, then its segment T is read with the bank override: nosso número at 41–48, seu número at 59–68', () => {
    const itau = returnFile({ bankCode: '341', batches: [[{ ...SETTLED, nossoNumero: '', seuNumero: '', tFields: [[38, 40, 109], [41, 48, 12345678], [49, 49, 3], [59, 68, 'INV-9']] }]] });

    expect(parseCnab240Return(itau.join('\n')).settlements[0]).toMatchObject({ bankCode: '341', nossoNumero: '12345678', seuNumero: 'INV-9', faceValueCents: 123456 });
  });
});

describe('parseCnab240Return: a file that cannot be trusted', () => {
  const valid = () => returnFile({ batches: [[SETTLED, ENTRY_CONFIRMED]] });

  test('Given a line of 239 characters, then the error is at that line, column 240', () => {
    const lines = valid();
    lines[3] = lines[3]!.slice(0, 239);

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 4, column: 240, message: 'line has 239 characters, expected 240' }]);
  });

  test('Given a line of 241 characters, then the error is at column 241', () => {
    const lines = valid();
    lines[2] = `${lines[2]} `;

    expect(issuesOf(lines.join('\r\n'))).toEqual([{ line: 3, column: 241, message: 'line has 241 characters, expected 240' }]);
  });

  test("Given a letter inside a segment T's face value, then the error points at that letter's column", () => {
    const lines = valid();
    lines[2] = overwrite(lines[2]!, 90, 'X');

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 3, column: 90, message: 'faceValue (82–96) must be numeric, found "X" at column 90' }]);
  });

  test("Given blanks in a segment U's amount paid, then the error points at the first blank", () => {
    const lines = valid();
    lines[3] = overwrite(lines[3]!, 78, '   ');

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 4, column: 78, message: 'paid (78–92) must be numeric, found " " at column 78' }]);
  });

  test('Given a credit date of 31 February, then the error is at the start of the date', () => {
    const lines = valid();
    lines[3] = overwrite(lines[3]!, 146, '31022026');

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 4, column: 146, message: 'creditDate (146–153) is not a calendar date as DDMMAAAA: 31022026' }]);
  });

  test("Given a batch trailer whose record count is off, then the error is at the count's column", () => {
    const lines = valid();
    lines[6] = overwrite(lines[6]!, 18, '000007');

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 7, column: 18, message: 'batch trailer counts 7 records, the batch has 6' }]);
  });

  test("Given a file trailer whose batch and record counts are off, then both are reported", () => {
    const lines = valid();
    lines[7] = overwrite(lines[7]!, 18, '000002000009');

    expect(issuesOf(lines.join('\n'))).toEqual([
      { line: 8, column: 18, message: 'file trailer counts 2 batches, the file has 1' },
      { line: 8, column: 24, message: 'file trailer counts 9 records, the file has 8' },
    ]);
  });

  test('Given a segment T without its segment U, then the error is at the T', () => {
    const lines = returnFile({ batches: [[{ ...SETTLED, withoutU: true }, ENTRY_CONFIRMED]] });

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 3, column: 14, message: 'segment T at line 3 is not followed by its segment U' }]);
  });

  test('Given a segment T last in its batch, then the error is at the T', () => {
    const lines = returnFile({ batches: [[ENTRY_CONFIRMED, { ...SETTLED, withoutU: true }]] });

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 5, column: 14, message: 'segment T at line 5 is not followed by its segment U' }]);
  });

  test('Given a segment U with no T before it, then the error is at the U', () => {
    const lines = valid();
    lines.splice(2, 1);
    // Keep the counts and sequence right so that the missing T is the only problem.
    lines[2] = overwrite(lines[2]!, 9, '00001');
    lines[3] = overwrite(lines[3]!, 9, '00002');
    lines[4] = overwrite(lines[4]!, 9, '00003');
    lines[5] = overwrite(lines[5]!, 18, '000005');
    lines[6] = overwrite(lines[6]!, 24, '000007');

    expect(issuesOf(lines.join('\n'))).toEqual([{ line: 3, column: 14, message: 'segment U without a segment T before it' }]);
  });

  test('Given records out of order, then each is reported at column 8', () => {
    const lines = valid();
    const [header, batchHeader, ...rest] = lines;

    expect(issuesOf([batchHeader, header, ...rest].join('\n'))).toEqual(
      expect.arrayContaining([
        { line: 1, column: 8, message: 'the file starts with record type 1, expected 0 (file header)' },
        { line: 2, column: 8, message: 'a second file header' },
      ]),
    );
    expect(issuesOf([...lines, lines[2]!].join('\n'))).toEqual([{ line: 9, column: 8, message: 'record after the file trailer' }]);
    expect(issuesOf(lines.slice(0, -1).join('\n'))).toEqual([{ line: 7, column: 8, message: 'the file ends without a file trailer (record type 9)' }]);
  });

  test('Given a remessa (file kind 1), then it is not taken for a return file', () => {
    expect(issuesOf(returnFile({ fileKind: 1, batches: [[SETTLED]] }).join('\n'))).toEqual([{ line: 1, column: 143, message: 'file kind 1 is not a return file (2)' }]);
  });

  test('Given several problems, then all are reported in line order, and the error is a validation error naming the first', () => {
    const lines = valid();
    lines[2] = overwrite(lines[2]!, 74, '99999999');
    lines[3] = lines[3]!.slice(0, 200);
    lines[6] = overwrite(lines[6]!, 18, '000001');

    let caught: unknown;
    try {
      parseCnab240Return(lines.join('\n'));
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Cnab240Error).errors).toEqual([
      { line: 3, column: 74, message: 'dueDate (74–81) is not a calendar date as DDMMAAAA: 99999999' },
      { line: 4, column: 201, message: 'line has 200 characters, expected 240' },
      { line: 7, column: 18, message: 'batch trailer counts 1 records, the batch has 6' },
    ]);
    expect((caught as Cnab240Error).message).toBe('CNAB 240 return file rejected (3 problems; first at line 3, column 74: dueDate (74–81) is not a calendar date as DDMMAAAA: 99999999)');
    expect((caught as Cnab240Error).issues[0]).toEqual({ path: 'line 3, column 74', message: 'dueDate (74–81) is not a calendar date as DDMMAAAA: 99999999' });
  });

  test('Given an empty file, then it is rejected at line 1', () => {
    expect(issuesOf('\r\n')).toEqual([{ line: 1, column: 1, message: 'the file is empty' }]);
  });
});

describe('fileFingerprint', () => {
  const lines = returnFile({ nsa: 731, batches: [[SETTLED]] });

  test('Given the same file with LF, CRLF or a final line break, then the fingerprint is the same, with the NSA from the header', () => {
    const lf = fileFingerprint(lines.join('\n'));

    expect(lf).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bankCode: '001', companyDocument: '11222333000181', agreement: '1234567', fileSequence: 731 });
    expect(fileFingerprint(`${lines.join('\r\n')}\r\n`)).toEqual(lf);
  });

  test('Given one character changed, then the hash differs but the NSA does not (a file claiming a sequence already seen)', () => {
    const changed = [...lines];
    changed[3] = overwrite(changed[3]!, 78, '000000000125926');

    expect(fileFingerprint(changed.join('\n')).sha256).not.toBe(fileFingerprint(lines.join('\n')).sha256);
    expect(fileFingerprint(changed.join('\n')).fileSequence).toBe(731);
  });

  test('Given a header with a non-numeric NSA, then the fingerprint is refused with the column', () => {
    const changed = [...lines];
    changed[0] = overwrite(changed[0]!, 160, 'A');

    expect(() => fileFingerprint(changed.join('\n'))).toThrow('line 1, column 160: fileSequence (158–163) must be numeric, found "A" at column 160');
  });
});
