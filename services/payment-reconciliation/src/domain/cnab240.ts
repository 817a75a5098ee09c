// CNAB 240 return files of boleto collection (arquivo retorno de cobrança): a file header (record type 0), batches
// (1 header, 3 detail segments, 5 trailer) and a file trailer (9), in 240-character lines. Each title comes as a
// segment T (the title) followed by its segment U (the amounts paid).
import { createHash } from 'node:crypto';
import { ValidationError } from '@regua/errors';
import { layoutFor, type FieldSpec, type Layout, type RecordKind } from './cnab240-layouts.ts';

export const LINE_LENGTH = 240;
/** Movements that mean the money came in: 06 liquidação, 17 liquidação após baixa (paid after the write-off). */
export const SETTLEMENT_MOVEMENTS: ReadonlySet<string> = new Set(['06', '17']);

export interface Cnab240Issue {
  /** 1-based. */
  line: number;
  /** 1-based, as the positions in FEBRABAN's manual. */
  column: number;
  message: string;
}

/** A return file that cannot be trusted, with every problem found (not only the first). */
export class Cnab240Error extends ValidationError {
  readonly errors: readonly Cnab240Issue[];

  constructor(errors: readonly Cnab240Issue[]) {
    const [first] = errors;
    const summary = first ? `line ${first.line}, column ${first.column}: ${first.message}` : 'no detail';
    super(`CNAB 240 return file rejected (${errors.length} problem${errors.length === 1 ? '' : 's'}; first at ${summary})`, errors.map((e) => ({ path: `line ${e.line}, column ${e.column}`, message: e.message })));
    this.errors = errors;
  }
}

/** One title's segment T and segment U together. Amounts in centavos, dates as YYYY-MM-DD (null where the bank sent zeros). */
export interface Cnab240Title {
  /** The segment T's line. */
  line: number;
  batch: number;
  bankCode: string;
  agency: string;
  movementCode: string;
  nossoNumero: string;
  seuNumero: string;
  dueDate: string | null;
  faceValueCents: number;
  feeCents: number;
  reasonCodes: string;
  collectingBank: string;
  collectingAgency: string;
  paidCents: number;
  interestAndFineCents: number;
  discountCents: number;
  rebateCents: number;
  occurrenceDate: string | null;
  creditDate: string | null;
}

export interface Cnab240Return {
  bankCode: string;
  bankName: string;
  companyDocument: string;
  agreement: string;
  generatedOn: string | null;
  fileSequence: number;
  /** Titles whose movement is a settlement (`SETTLEMENT_MOVEMENTS`). */
  settlements: Cnab240Title[];
  /** Every other movement (entry confirmed, rejected, written off…), for the operators. */
  movements: Cnab240Title[];
}

export interface Cnab240Fingerprint {
  /** SHA-256 (hex) of the content with CRLF made LF and trailing blank lines dropped: the same file sent again. */
  sha256: string;
  bankCode: string;
  companyDocument: string;
  agreement: string;
  /** The header's NSA: another file that claims a sequence number already processed is for a human to look at. */
  fileSequence: number;
}

export type Values = ReadonlyMap<string, string>;

/**
 * Reads a return file, checking line lengths, record order, batch and sequence numbers, the trailers' counts,
 * numeric fields and dates. Throws a `Cnab240Error` listing every problem with its line and column.
 */
export function parseCnab240Return(content: string): Cnab240Return {
  const lines = linesOf(content);
  const issues: Cnab240Issue[] = [];
  const issue = (line: number, column: number, message: string) => issues.push({ line, column, message });
  if (lines.length === 0) throw new Cnab240Error([{ line: 1, column: 1, message: 'the file is empty' }]);

  const headerBank = lines[0]!.slice(0, 3);
  const layout = layoutFor(headerBank);
  const read = (kind: RecordKind, text: string, lineNo: number): Values => readFields(layout, kind, text, lineNo, issue);

  let header: Values | null = null;
  let batch: { line: number; number: number; records: number; nextSequence: number } | null = null;
  let pendingT: { line: number; values: Values; batch: number } | null = null;
  let batches = 0;
  let trailerSeen = false;
  const titles: Cnab240Title[] = [];

  const closePendingT = () => {
    if (pendingT) issue(pendingT.line, 14, `segment T at line ${pendingT.line} is not followed by its segment U`);
    pendingT = null;
  };

  for (const [index, text] of lines.entries()) {
    const lineNo = index + 1;
    const wellFormed = text.length === LINE_LENGTH;
    if (!wellFormed) issue(lineNo, Math.min(text.length, LINE_LENGTH) + 1, `line has ${text.length} characters, expected ${LINE_LENGTH}`);
    const recordType = text[7];
    if (trailerSeen) {
      issue(lineNo, 8, 'record after the file trailer');
      continue;
    }
    if (index === 0 && recordType !== '0') issue(lineNo, 8, `the file starts with record type ${recordType ?? 'none'}, expected 0 (file header)`);
    if (text.length >= 3 && text.slice(0, 3) !== headerBank) issue(lineNo, 1, `bank ${text.slice(0, 3)} differs from the file header's ${headerBank}`);
    const parse = (kind: RecordKind): Values => (wellFormed ? read(kind, text, lineNo) : new Map());
    const lote = text.slice(3, 7);

    switch (recordType) {
      case '0': {
        if (index !== 0) {
          issue(lineNo, 8, 'a second file header');
          continue;
        }
        header = parse('fileHeader');
        if (wellFormed && lote !== '0000') issue(lineNo, 4, `the file header's batch is ${lote}, expected 0000`);
        const fileKind = header.get('fileKind');
        if (fileKind !== undefined && /^\d$/.test(fileKind) && fileKind !== '2') issue(lineNo, 143, `file kind ${fileKind} is not a return file (2)`);
        continue;
      }
      case '1': {
        if (batch) {
          closePendingT();
          issue(lineNo, 8, `batch header while the batch opened at line ${batch.line} has no trailer`);
        }
        batches += 1;
        parse('batchHeader');
        if (wellFormed && lote !== String(batches).padStart(4, '0')) issue(lineNo, 4, `batch number ${lote}, expected ${String(batches).padStart(4, '0')}`);
        batch = { line: lineNo, number: batches, records: 1, nextSequence: 1 };
        continue;
      }
      case '2':
      case '3':
      case '4': {
        if (!batch) {
          issue(lineNo, 8, `record type ${recordType} outside a batch`);
          continue;
        }
        batch.records += 1;
        checkBatchNumber(lineNo, lote, batch.number, wellFormed);
        if (recordType !== '3') continue;
        const segment = text[13];
        const kind = segment === 'T' ? 'segmentT' : segment === 'U' ? 'segmentU' : null;
        const values = kind ? parse(kind) : new Map<string, string>();
        const sequence = text.slice(8, 13);
        if (wellFormed && /^\d{5}$/.test(sequence) && Number(sequence) !== batch.nextSequence) issue(lineNo, 9, `record sequence ${sequence}, expected ${String(batch.nextSequence).padStart(5, '0')}`);
        batch.nextSequence += 1;
        if (segment === 'T') {
          closePendingT();
          pendingT = { line: lineNo, values, batch: batch.number };
        } else if (segment === 'U') {
          if (!pendingT) issue(lineNo, 14, 'segment U without a segment T before it');
          else titles.push(titleOf(layout, pendingT.line, pendingT.batch, pendingT.values, values));
          pendingT = null;
        } else {
          // Optional segments (Y and others) carry nothing read here; one between a T and its U breaks the pair.
          closePendingT();
        }
        continue;
      }
      case '5': {
        if (!batch) {
          issue(lineNo, 8, 'batch trailer without a batch header');
          continue;
        }
        closePendingT();
        batch.records += 1;
        checkBatchNumber(lineNo, lote, batch.number, wellFormed);
        const count = parse('batchTrailer').get('recordCount');
        if (count !== undefined && /^\d+$/.test(count) && Number(count) !== batch.records) {
          issue(lineNo, 18, `batch trailer counts ${Number(count)} records, the batch has ${batch.records}`);
        }
        batch = null;
        continue;
      }
      case '9': {
        if (batch) {
          closePendingT();
          issue(lineNo, 8, `file trailer while the batch opened at line ${batch.line} has no trailer`);
          batch = null;
        }
        trailerSeen = true;
        const trailer = parse('fileTrailer');
        if (wellFormed && lote !== '9999') issue(lineNo, 4, `the file trailer's batch is ${lote}, expected 9999`);
        const batchCount = trailer.get('batchCount');
        const recordCount = trailer.get('recordCount');
        if (batchCount !== undefined && /^\d+$/.test(batchCount) && Number(batchCount) !== batches) issue(lineNo, 18, `file trailer counts ${Number(batchCount)} batches, the file has ${batches}`);
        if (recordCount !== undefined && /^\d+$/.test(recordCount) && Number(recordCount) !== lineNo) issue(lineNo, 24, `file trailer counts ${Number(recordCount)} records, the file has ${lineNo}`);
        continue;
      }
      default:
        if (index !== 0) issue(lineNo, 8, `unknown record type ${JSON.stringify(recordType ?? '')}`);
    }
  }

  function checkBatchNumber(lineNo: number, lote: string, expected: number, wellFormed: boolean) {
    if (wellFormed && lote !== String(expected).padStart(4, '0')) issue(lineNo, 4, `batch number ${lote}, expected ${String(expected).padStart(4, '0')} (the open batch's)`);
  }

  if (batch) {
    closePendingT();
    issue(lines.length, 8, `the file ends inside the batch opened at line ${batch.line}`);
  }
  if (!trailerSeen) issue(lines.length, 8, 'the file ends without a file trailer (record type 9)');
  if (issues.length > 0) throw new Cnab240Error(issues.sort((a, b) => a.line - b.line || a.column - b.column));

  return {
    bankCode: headerBank,
    bankName: header?.get('bankName') ?? '',
    companyDocument: header?.get('companyDocument')?.trim() ?? '',
    agreement: header?.get('agreement')?.trim() ?? '',
    generatedOn: dateOf(header?.get('generatedOn')),
    fileSequence: Number(header?.get('fileSequence') ?? 0),
    settlements: titles.filter((t) => SETTLEMENT_MOVEMENTS.has(t.movementCode)),
    movements: titles.filter((t) => !SETTLEMENT_MOVEMENTS.has(t.movementCode)),
  };
}

/**
 * What identifies a return file: the hash of its normalised content (the same file again) and, from its header,
 * bank, beneficiary, agreement and NSA (another file claiming a sequence number already seen). Reads only the header.
 */
export function fileFingerprint(content: string): Cnab240Fingerprint {
  const lines = linesOf(content);
  const first = lines[0] ?? '';
  const issues: Cnab240Issue[] = [];
  const issue = (line: number, column: number, message: string) => issues.push({ line, column, message });
  if (first.length !== LINE_LENGTH) issue(1, Math.min(first.length, LINE_LENGTH) + 1, `line has ${first.length} characters, expected ${LINE_LENGTH}`);
  else if (first[7] !== '0') issue(1, 8, `the file starts with record type ${first[7]}, expected 0 (file header)`);
  const values = issues.length === 0 ? readFields(layoutFor(first.slice(0, 3)), 'fileHeader', first, 1, issue) : new Map<string, string>();
  if (issues.length > 0) throw new Cnab240Error(issues);
  return {
    sha256: createHash('sha256').update(lines.join('\n')).digest('hex'),
    bankCode: first.slice(0, 3),
    companyDocument: values.get('companyDocument')?.trim() ?? '',
    agreement: values.get('agreement')?.trim() ?? '',
    fileSequence: Number(values.get('fileSequence')),
  };
}

/** Lines without their CR (CRLF or LF files); blank lines at the end of the file are dropped. */
function linesOf(content: string): string[] {
  const lines = content.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

export function readFields(layout: Layout, kind: RecordKind, text: string, lineNo: number, issue: (line: number, column: number, message: string) => void): Values {
  const values = new Map<string, string>();
  for (const spec of layout[kind]) {
    const raw = text.slice(spec.start - 1, spec.end);
    const problem = fieldProblem(spec, raw);
    if (problem) issue(lineNo, problem.column, problem.message);
    values.set(spec.name, spec.type === 'alpha' ? raw.trimEnd() : raw);
  }
  return values;
}

function fieldProblem(spec: FieldSpec, raw: string): { column: number; message: string } | null {
  if (spec.type === 'alpha') return null;
  const where = `${spec.name} (${spec.start}–${spec.end})`;
  const bad = raw.search(/\D/);
  if (bad >= 0) return { column: spec.start + bad, message: `${where} must be numeric, found ${JSON.stringify(raw[bad])} at column ${spec.start + bad}` };
  if (spec.type === 'date' && raw !== '00000000' && dateOf(raw) === null) return { column: spec.start, message: `${where} is not a calendar date as DDMMAAAA: ${raw}` };
  return null;
}

/** DDMMAAAA to YYYY-MM-DD; null for zeros or a date not on the calendar. */
export function dateOf(raw: string | undefined): string | null {
  if (raw === undefined || !/^\d{8}$/.test(raw) || raw === '00000000') return null;
  const iso = `${raw.slice(4, 8)}-${raw.slice(2, 4)}-${raw.slice(0, 2)}`;
  const utc = Date.UTC(Number(raw.slice(4, 8)), Number(raw.slice(2, 4)) - 1, Number(raw.slice(0, 2)));
  return Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== iso ? null : iso;
}

export function titleOf(layout: Layout, line: number, batch: number, t: Values, u: Values): Cnab240Title {
  const text = (values: Values, name: string) => values.get(name)?.trim() ?? '';
  /** An amount field in centavos, from the layout's implied decimal places. */
  const cents = (values: Values, name: string) => {
    const spec = layout[values === t ? 'segmentT' : 'segmentU'].find((f) => f.name === name);
    return Number(values.get(name) ?? 0) * 10 ** (2 - (spec?.decimals ?? 0));
  };
  return {
    line,
    batch,
    bankCode: text(t, 'bankCode'),
    agency: text(t, 'agency') + (text(t, 'agencyCheck') ? `-${text(t, 'agencyCheck')}` : ''),
    movementCode: text(t, 'movementCode'),
    nossoNumero: text(t, 'nossoNumero'),
    seuNumero: text(t, 'seuNumero'),
    dueDate: dateOf(t.get('dueDate')),
    faceValueCents: cents(t, 'faceValue'),
    feeCents: cents(t, 'fee'),
    reasonCodes: text(t, 'reasonCodes'),
    collectingBank: text(t, 'collectingBank'),
    collectingAgency: text(t, 'collectingAgency'),
    paidCents: cents(u, 'paid'),
    interestAndFineCents: cents(u, 'interestAndFine'),
    discountCents: cents(u, 'discount'),
    rebateCents: cents(u, 'rebate'),
    occurrenceDate: dateOf(u.get('occurrenceDate')),
    creditDate: dateOf(u.get('creditDate')),
  };
}
