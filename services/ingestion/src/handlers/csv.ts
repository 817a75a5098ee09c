import { Transform } from 'node:stream';
import type { Express, RequestHandler } from 'express';
import { parse } from 'csv-parse';
import { InvoiceSubmissionV1Schema, type InvoiceSubmissionV1 } from '@regua/contracts';
import { AppError, toFieldIssues, ValidationError } from '@regua/errors';
import { PayloadTooLargeError, refuseLargerThan, UnprocessableError } from '@regua/http';
import { checkHeader, columnFor, CSV_COLUMNS, rowToCandidate } from '../domain/csv-columns.ts';
import { bindCreditor, type CreditorRegistry } from '../domain/creditors.ts';
import type { IngestResult, IngestService } from '../ingest-service.ts';
import { tenantOf } from './auth.ts';

const CHUNK = 500;

export interface CsvReport {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  results: Array<{ line: number } & IngestResult>;
  errors: Array<{ line: number; issues: Array<{ path: string; column?: string; message: string }> }>;
  /** Set when reading stopped early (CSV syntax error or too many lines); lines before it were processed. */
  stoppedAt?: { line: number; reason: string };
}

export interface CsvUploadDeps {
  ingest: IngestService;
  guard: RequestHandler[];
  maxLines: number;
  /** The whole file: by Content-Length before reading, and counted while streaming (413). */
  maxBytes: number;
  /** One line (record): 422 naming the line. */
  maxRecordBytes: number;
  /** Undefined: any CNPJ (development without a registry). */
  creditors: CreditorRegistry | undefined;
}

class FileTooLarge extends Error {}

/** Passes bytes on until more than `maxBytes` went through, then fails: the parser stops, the rest is not read. */
function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > maxBytes ? new FileTooLarge() : null, chunk);
    },
  });
}

/**
 * POST /v1/invoices:upload (text/csv). The body is streamed through the parser and ingested in chunks
 * of 500 lines, so memory stays flat however large the file. Answers 200 with a per-line report: line
 * numbers are the file's own (the header is line 1). A file over the byte limit gets 413, a line over the
 * record limit 422 naming it, both saying how many lines went in before reading stopped.
 */
export function csvUploadRoute(deps: CsvUploadDeps) {
  return (app: Express) => {
    app.post('/v1/invoices\\:upload', refuseLargerThan(deps.maxBytes, 'the CSV file'), ...deps.guard, async (req, res) => {
      if (!req.is('text/csv')) throw new AppError('validation', 'send the file as Content-Type: text/csv');
      const tenant = tenantOf(res);
      const report: CsvReport = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, results: [], errors: [] };
      let headerProblems: string[] | undefined;
      const limited = byteLimit(deps.maxBytes);
      const parser = parse({
        bom: true,
        trim: true,
        skip_empty_lines: true,
        info: true,
        max_record_size: deps.maxRecordBytes,
        columns: (header: string[]) => {
          headerProblems = checkHeader(header);
          return header;
        },
      });
      limited.on('error', (error) => parser.destroy(error));
      req.pipe(limited).pipe(parser);

      let chunk: Array<{ line: number; submission: InvoiceSubmissionV1 }> = [];
      const flush = async () => {
        if (chunk.length === 0) return;
        const results = await deps.ingest.ingestBatch(tenant, chunk.map((c) => c.submission), 'csv');
        results.forEach((result, i) => {
          report.results.push({ line: chunk[i]!.line, ...result });
          if (result.outcome === 'duplicate') report.duplicates++;
          else report.accepted++;
        });
        chunk = [];
      };
      const reject = (line: number, issues: CsvReport['errors'][number]['issues']) => {
        report.rejected++;
        report.errors.push({ line, issues });
      };

      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
          if (headerProblems?.length) break;
          if (report.lines >= deps.maxLines) {
            report.stoppedAt = { line: info.lines, reason: `more than ${deps.maxLines} lines; split the file` };
            break;
          }
          report.lines++;
          const parsed = InvoiceSubmissionV1Schema.safeParse(rowToCandidate(record));
          if (!parsed.success) {
            reject(info.lines, toFieldIssues(parsed.error.issues).map((issue) => ({ ...issue, ...optionalColumn(issue.path) })));
            continue;
          }
          const bound = bindCreditor(deps.creditors, tenant, parsed.data);
          if (!bound.ok) reject(info.lines, [{ path: bound.path, column: 'creditor_cnpj', message: bound.message }]);
          else chunk.push({ line: info.lines, submission: bound.submission });
          if (chunk.length >= CHUNK) await flush();
        }
      } catch (error) {
        // Lines read before the limit are ingested (those still in the parser's buffer are not): the caller is told
        // how many, and that sending the fixed file again is safe, since lines already in come back as duplicates.
        const ingested = async () => {
          await flush();
          res.setHeader('connection', 'close');
          return `${report.accepted + report.duplicates} lines were ingested before reading stopped; send the fixed file again (lines already in come back as duplicates)`;
        };
        if (error instanceof FileTooLarge) {
          throw new PayloadTooLargeError(`the CSV file is larger than ${deps.maxBytes} bytes: split it. ${await ingested()}`, [{ path: 'body', message: `over ${deps.maxBytes} bytes` }]);
        }
        const csvError = error as { code?: string; lines?: number; message: string };
        if (csvError.code === 'CSV_MAX_RECORD_SIZE') {
          const line = csvError.lines ?? report.lines + 2;
          throw new UnprocessableError(`line ${line} is longer than ${deps.maxRecordBytes} bytes. ${await ingested()}`, [{ path: `line ${line}`, message: `longer than ${deps.maxRecordBytes} bytes` }]);
        }
        if (!csvError.code?.startsWith('CSV_')) throw error;
        report.stoppedAt = { line: csvError.lines ?? report.lines + 1, reason: csvError.message };
      } finally {
        req.unpipe();
        limited.unpipe();
      }
      if (headerProblems?.length) throw new ValidationError('the CSV header does not match the layout', headerProblems.map((message) => ({ path: 'header', message })));
      await flush();
      report.results.sort((a, b) => a.line - b.line);
      res.status(200).json(report);
    });
  };
}

function optionalColumn(path: string): { column?: string } {
  const column = columnFor(path);
  return column ? { column } : {};
}

export const CSV_COLUMN_NAMES = [...CSV_COLUMNS.keys()];
