import type { Express, RequestHandler } from 'express';
import { parse } from 'csv-parse';
import { InvoiceSubmissionV1Schema, type InvoiceSubmissionV1 } from '@regua/contracts';
import { AppError, toFieldIssues, ValidationError } from '@regua/errors';
import { checkHeader, columnFor, CSV_COLUMNS, rowToCandidate } from '../domain/csv-columns.ts';
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

/**
 * POST /v1/invoices:upload (text/csv). The body is streamed through the parser and ingested in chunks
 * of 500 lines, so memory stays flat however large the file. Answers 200 with a per-line report: line
 * numbers are the file's own (the header is line 1).
 */
export function csvUploadRoute(deps: { ingest: IngestService; guard: RequestHandler[]; maxLines: number }) {
  return (app: Express) => {
    app.post('/v1/invoices\\:upload', ...deps.guard, async (req, res) => {
      if (!req.is('text/csv')) throw new AppError('validation', 'send the file as Content-Type: text/csv');
      const tenant = tenantOf(res);
      const report: CsvReport = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, results: [], errors: [] };
      let headerProblems: string[] | undefined;
      const parser = req.pipe(
        parse({
          bom: true,
          trim: true,
          skip_empty_lines: true,
          info: true,
          columns: (header: string[]) => {
            headerProblems = checkHeader(header);
            return header;
          },
        }),
      );

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

      try {
        for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
          if (headerProblems?.length) break;
          if (report.lines >= deps.maxLines) {
            report.stoppedAt = { line: info.lines, reason: `more than ${deps.maxLines} lines; split the file` };
            break;
          }
          report.lines++;
          const parsed = InvoiceSubmissionV1Schema.safeParse(rowToCandidate(record));
          if (parsed.success) chunk.push({ line: info.lines, submission: parsed.data });
          else {
            report.rejected++;
            report.errors.push({ line: info.lines, issues: toFieldIssues(parsed.error.issues).map((issue) => ({ ...issue, ...optionalColumn(issue.path) })) });
          }
          if (chunk.length >= CHUNK) await flush();
        }
      } catch (error) {
        const csvError = error as { code?: string; lines?: number; message: string };
        if (!csvError.code?.startsWith('CSV_')) throw error;
        report.stoppedAt = { line: csvError.lines ?? report.lines + 1, reason: csvError.message };
      } finally {
        req.unpipe();
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

export const CSV_COLUMN_NAMES = Object.keys(CSV_COLUMNS);
