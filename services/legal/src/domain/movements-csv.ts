import { formatPath } from '@regua/errors';
import { MovementSchema, ProcessNumberSchema, type Movement } from './judicial.ts';

/**
 * The movements file a law firm sends: one movement per line, a header naming the columns (any order). Every value
 * is text; numbers are integer centavos. Columns: process_number, kind, date (required); movement_id, hearing_at,
 * sentence, amount_cents, description (optional).
 */
const COLUMNS = new Map<string, { field: keyof Movement | 'processNumber'; required: boolean }>([
  ['process_number', { field: 'processNumber', required: true }],
  ['kind', { field: 'kind', required: true }],
  ['date', { field: 'date', required: true }],
  ['movement_id', { field: 'movementId', required: false }],
  ['hearing_at', { field: 'hearingAt', required: false }],
  ['sentence', { field: 'sentence', required: false }],
  ['amount_cents', { field: 'amountCents', required: false }],
  ['description', { field: 'description', required: false }],
]);
const COLUMN_OF_FIELD = new Map([...COLUMNS].map(([column, spec]) => [spec.field as string, column]));

export interface CsvLineError {
  line: number;
  column?: string;
  path: string;
  message: string;
}

export function checkMovementsHeader(columns: readonly string[]): string[] {
  const problems = columns.filter((c) => !COLUMNS.has(c)).map((c) => `unknown column "${c}"`);
  for (const [name, spec] of COLUMNS) if (spec.required && !columns.includes(name)) problems.push(`missing column "${name}"`);
  return problems;
}

export type CsvMovement = { ok: true; line: number; processNumber: string; movement: Movement } | { ok: false; errors: CsvLineError[] };

/** One data line (`line` is its number in the file, the header being line 1) as a movement, or its errors. */
export function movementFromRow(row: Record<string, string>, line: number): CsvMovement {
  const errors: CsvLineError[] = [];
  const candidate: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(row)) {
    const spec = COLUMNS.get(column);
    const value = raw.trim();
    if (!spec || value === '' || spec.field === 'processNumber') continue;
    if (spec.field === 'amountCents') candidate.amountCents = /^\d+$/.test(value) ? Number(value) : value;
    else candidate[spec.field] = value;
  }
  const processNumber = ProcessNumberSchema.safeParse(row.process_number ?? '');
  if (!processNumber.success) errors.push({ line, column: 'process_number', path: 'processNumber', message: processNumber.error.issues[0]!.message });
  const movement = MovementSchema.safeParse(candidate);
  if (!movement.success) {
    for (const issue of movement.error.issues) {
      const path = formatPath(issue.path);
      const column = COLUMN_OF_FIELD.get(String(issue.path[0] ?? ''));
      errors.push({ line, ...(column ? { column } : {}), path, message: issue.message });
    }
  }
  if (errors.length > 0 || !processNumber.success || !movement.success) return { ok: false, errors };
  return { ok: true, line, processNumber: processNumber.data, movement: movement.data };
}
