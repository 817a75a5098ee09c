// CNAB 240 return files read line by line, for files too large to hold parsed: the checks of `parseCnab240Return`
// fed one line at a time, keeping only counters, the open batch, a pending segment T and the first problems found.
import { createHash } from 'node:crypto';
import { Cnab240Error, dateOf, LINE_LENGTH, readFields, SETTLEMENT_MOVEMENTS, titleOf, type Cnab240Issue, type Cnab240Title, type Values } from './cnab240.ts';
import { layoutFor, type Layout, type RecordKind } from './cnab240-layouts.ts';

/** Problems kept per file: enough to fix a file, bounded whatever the file. */
export const MAX_ISSUES = 100;

/**
 * The first `limit` problems in (line, column) order, and how many there were in all. Problems arrive almost in
 * order (a segment T left without its U is reported at its own line, one line back), so sorting and cutting now and
 * then keeps exactly the first `limit`.
 */
export class IssueList {
  private items: Cnab240Issue[] = [];
  private readonly limit: number;
  total = 0;

  constructor(limit = MAX_ISSUES) {
    this.limit = limit;
  }

  add(line: number, column: number, message: string): void {
    this.total += 1;
    this.items.push({ line, column, message });
    if (this.items.length >= 2 * this.limit) this.cut();
  }

  sorted(): Cnab240Issue[] {
    this.cut();
    return [...this.items];
  }

  private cut(): void {
    this.items.sort((a, b) => a.line - b.line || a.column - b.column);
    this.items.length = Math.min(this.items.length, this.limit);
  }
}

/** What a whole read of a file found, besides its titles. */
export interface Cnab240Summary {
  /** SHA-256 (hex) of the normalised content, as `fileFingerprint` computes it. */
  sha256: string;
  bankCode: string;
  bankName: string;
  companyDocument: string;
  agreement: string;
  generatedOn: string | null;
  fileSequence: number;
  lines: number;
  settlements: number;
  movements: number;
}

type TitleSink = (title: Cnab240Title, kind: 'settlement' | 'movement') => void | Promise<void>;

/**
 * Lines of a text stream as `parseCnab240Return` sees them: split on LF, a CR before it dropped, blank lines at the
 * end of the file never yielded (a blank line is held until a line with text follows it).
 */
export async function* normalisedLines(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<string> {
  let rest = '';
  const blanks: string[] = [];
  const emit = function* (line: string) {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') {
      blanks.push(text);
      return;
    }
    yield* blanks.splice(0);
    yield text;
  };
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield* emit(part);
  }
  yield* emit(rest);
}

/**
 * Reads a return file once, line by line: the same checks, with the same messages, as `parseCnab240Return`, and the
 * fingerprint's hash on the way. Each title (segment T with its U) is handed to `onTitle` as soon as its U is read,
 * and awaited, so a slow consumer holds the reading back. Throws a `Cnab240Error` with the first `MAX_ISSUES`
 * problems (line and column) after the last line; titles handed out before then come from a file that may still
 * be refused, so a caller that applies anything reads the file twice: once to check it, once to apply it.
 */
export async function scanCnab240(chunks: AsyncIterable<string> | Iterable<string>, onTitle?: TitleSink, maxIssues = MAX_ISSUES): Promise<Cnab240Summary> {
  const hash = createHash('sha256');
  const issues = new IssueList(maxIssues);
  const issue = (line: number, column: number, message: string) => issues.add(line, column, message);

  let layout: Layout | null = null;
  let headerBank = '';
  let header: Values | null = null;
  let batch: { line: number; number: number; records: number; nextSequence: number } | null = null;
  let pendingT: { line: number; values: Values; batch: number } | null = null;
  let batches = 0;
  let trailerSeen = false;
  let lineNo = 0;
  let settlements = 0;
  let movements = 0;

  const closePendingT = () => {
    if (pendingT) issue(pendingT.line, 14, `segment T at line ${pendingT.line} is not followed by its segment U`);
    pendingT = null;
  };
  const checkBatchNumber = (lote: string, expected: number, wellFormed: boolean) => {
    if (wellFormed && lote !== String(expected).padStart(4, '0')) issue(lineNo, 4, `batch number ${lote}, expected ${String(expected).padStart(4, '0')} (the open batch's)`);
  };

  /** One line through the checks; the title it completes, if any. */
  const step = (text: string): Cnab240Title | null => {
    const index = lineNo;
    lineNo += 1;
    if (index === 0) {
      headerBank = text.slice(0, 3);
      layout = layoutFor(headerBank);
    }
    const wellFormed = text.length === LINE_LENGTH;
    if (!wellFormed) issue(lineNo, Math.min(text.length, LINE_LENGTH) + 1, `line has ${text.length} characters, expected ${LINE_LENGTH}`);
    const recordType = text[7];
    if (trailerSeen) {
      issue(lineNo, 8, 'record after the file trailer');
      return null;
    }
    if (index === 0 && recordType !== '0') issue(lineNo, 8, `the file starts with record type ${recordType ?? 'none'}, expected 0 (file header)`);
    if (text.length >= 3 && text.slice(0, 3) !== headerBank) issue(lineNo, 1, `bank ${text.slice(0, 3)} differs from the file header's ${headerBank}`);
    const parse = (kind: RecordKind): Values => (wellFormed ? readFields(layout!, kind, text, lineNo, issue) : new Map());
    const lote = text.slice(3, 7);

    switch (recordType) {
      case '0': {
        if (index !== 0) {
          issue(lineNo, 8, 'a second file header');
          return null;
        }
        header = parse('fileHeader');
        if (wellFormed && lote !== '0000') issue(lineNo, 4, `the file header's batch is ${lote}, expected 0000`);
        const fileKind = header.get('fileKind');
        if (fileKind !== undefined && /^\d$/.test(fileKind) && fileKind !== '2') issue(lineNo, 143, `file kind ${fileKind} is not a return file (2)`);
        return null;
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
        return null;
      }
      case '2':
      case '3':
      case '4': {
        if (!batch) {
          issue(lineNo, 8, `record type ${recordType} outside a batch`);
          return null;
        }
        batch.records += 1;
        checkBatchNumber(lote, batch.number, wellFormed);
        if (recordType !== '3') return null;
        const segment = text[13];
        const kind = segment === 'T' ? 'segmentT' : segment === 'U' ? 'segmentU' : null;
        const values = kind ? parse(kind) : new Map<string, string>();
        const sequence = text.slice(8, 13);
        if (wellFormed && /^\d{5}$/.test(sequence) && Number(sequence) !== batch.nextSequence) issue(lineNo, 9, `record sequence ${sequence}, expected ${String(batch.nextSequence).padStart(5, '0')}`);
        batch.nextSequence += 1;
        if (segment === 'T') {
          closePendingT();
          pendingT = { line: lineNo, values, batch: batch.number };
          return null;
        }
        if (segment === 'U') {
          const t: { line: number; values: Values; batch: number } | null = pendingT;
          pendingT = null;
          if (!t) {
            issue(lineNo, 14, 'segment U without a segment T before it');
            return null;
          }
          return titleOf(layout!, t.line, t.batch, t.values, values);
        }
        // Optional segments (Y and others) carry nothing read here; one between a T and its U breaks the pair.
        closePendingT();
        return null;
      }
      case '5': {
        if (!batch) {
          issue(lineNo, 8, 'batch trailer without a batch header');
          return null;
        }
        closePendingT();
        batch.records += 1;
        checkBatchNumber(lote, batch.number, wellFormed);
        const count = parse('batchTrailer').get('recordCount');
        if (count !== undefined && /^\d+$/.test(count) && Number(count) !== batch.records) issue(lineNo, 18, `batch trailer counts ${Number(count)} records, the batch has ${batch.records}`);
        batch = null;
        return null;
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
        return null;
      }
      default:
        if (index !== 0) issue(lineNo, 8, `unknown record type ${JSON.stringify(recordType ?? '')}`);
        return null;
    }
  };

  for await (const text of normalisedLines(chunks)) {
    hash.update(lineNo === 0 ? text : `\n${text}`);
    const title = step(text);
    if (!title) continue;
    const kind = SETTLEMENT_MOVEMENTS.has(title.movementCode) ? 'settlement' : 'movement';
    if (kind === 'settlement') settlements += 1;
    else movements += 1;
    await onTitle?.(title, kind);
  }

  if (lineNo === 0) throw new Cnab240Error([{ line: 1, column: 1, message: 'the file is empty' }]);
  if (batch !== null) {
    closePendingT();
    issue(lineNo, 8, `the file ends inside the batch opened at line ${(batch as { line: number }).line}`);
  }
  if (!trailerSeen) issue(lineNo, 8, 'the file ends without a file trailer (record type 9)');
  if (issues.total > 0) throw new Cnab240Error(issues.sorted());

  const head = header as Values | null;
  return {
    sha256: hash.digest('hex'),
    bankCode: headerBank,
    bankName: head?.get('bankName') ?? '',
    companyDocument: head?.get('companyDocument')?.trim() ?? '',
    agreement: head?.get('agreement')?.trim() ?? '',
    generatedOn: dateOf(head?.get('generatedOn')),
    fileSequence: Number(head?.get('fileSequence') ?? 0),
    lines: lineNo,
    settlements,
    movements,
  };
}
