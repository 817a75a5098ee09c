// CNAB 240 return-file (arquivo retorno de cobrança) layouts as data. Positions are 1-based and inclusive, as in
// FEBRABAN's "Layout Padrão CNAB 240" (v10.x, cobrança). Only the fields the parser reads are listed: a field
// listed is validated (numeric, date), a field left out is not read at all.

/** `numeric`: digits only; `alpha`: any characters, trailing spaces dropped; `date`: DDMMAAAA, all zeros for none. */
export type FieldType = 'numeric' | 'alpha' | 'date';

export interface FieldSpec {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly type: FieldType;
  /** Implied decimal places of a numeric amount (2: centavos). */
  readonly decimals?: number;
}

export type RecordKind = 'fileHeader' | 'batchHeader' | 'segmentT' | 'segmentU' | 'batchTrailer' | 'fileTrailer';

export type Layout = Readonly<Record<RecordKind, readonly FieldSpec[]>>;

const field = (name: string, start: number, end: number, type: FieldType, decimals?: number): FieldSpec => ({ name, start, end, type, ...(decimals === undefined ? {} : { decimals }) });

/** Control fields every record starts with: bank, batch (lote), record type. */
const control = [field('bankCode', 1, 3, 'numeric'), field('batch', 4, 7, 'numeric'), field('recordType', 8, 8, 'numeric')];
/** Detail records add their sequence number in the batch and the segment letter. */
const detail = [...control, field('sequence', 9, 13, 'numeric'), field('segment', 14, 14, 'alpha'), field('movementCode', 16, 17, 'numeric')];

export const FEBRABAN_240: Layout = {
  fileHeader: [
    ...control,
    // Alphanumeric: CNPJs may carry letters from July 2026 (IN RFB 2.229/2024).
    field('companyDocument', 19, 32, 'alpha'),
    field('agreement', 33, 52, 'alpha'),
    field('companyName', 73, 102, 'alpha'),
    field('bankName', 103, 132, 'alpha'),
    /** 1 remessa, 2 retorno. */
    field('fileKind', 143, 143, 'numeric'),
    field('generatedOn', 144, 151, 'date'),
    /** NSA: the file's sequence number, one more with every file the bank sends this beneficiary. */
    field('fileSequence', 158, 163, 'numeric'),
  ],
  batchHeader: [...control, field('recordedOn', 192, 199, 'date')],
  segmentT: [
    ...detail,
    field('agency', 18, 22, 'numeric'),
    field('agencyCheck', 23, 23, 'alpha'),
    field('account', 24, 35, 'numeric'),
    field('nossoNumero', 38, 57, 'alpha'),
    field('seuNumero', 59, 73, 'alpha'),
    field('dueDate', 74, 81, 'date'),
    field('faceValue', 82, 96, 'numeric', 2),
    field('collectingBank', 97, 99, 'numeric'),
    field('collectingAgency', 100, 104, 'numeric'),
    field('fee', 199, 213, 'numeric', 2),
    field('reasonCodes', 214, 223, 'alpha'),
  ],
  segmentU: [
    ...detail,
    field('interestAndFine', 18, 32, 'numeric', 2),
    field('discount', 33, 47, 'numeric', 2),
    field('rebate', 48, 62, 'numeric', 2),
    field('paid', 78, 92, 'numeric', 2),
    field('occurrenceDate', 138, 145, 'date'),
    field('creditDate', 146, 153, 'date'),
  ],
  /** The record count includes the batch's header and trailer. */
  batchTrailer: [...control, field('recordCount', 18, 23, 'numeric')],
  /** The record count includes the file's header and trailer. */
  fileTrailer: [...control, field('batchCount', 18, 23, 'numeric'), field('recordCount', 24, 29, 'numeric')],
};

export interface BankLayout {
  readonly bankName: string;
  /** Fields that replace the generic ones of the same name (or add to them), per record kind. */
  readonly overrides: Partial<Record<RecordKind, readonly FieldSpec[]>>;
}

/**
 * Where a bank's return file departs from FEBRABAN's generic layout; banks not listed (Banco do Brasil 001 and
 * Bradesco 237 among them) follow it for the fields read here.
 */
export const BANK_LAYOUTS: Readonly<Record<string, BankLayout>> = {
  // Itaú's CNAB 240 cobrança manual splits the generic nosso número (38–57): wallet 38–40, nosso número 41–48, its
  // DAC at 49; seu número takes 59–68. Check against the bank's current manual and a real file before relying on it.
  '341': {
    bankName: 'Itaú',
    overrides: {
      segmentT: [field('wallet', 38, 40, 'numeric'), field('nossoNumero', 41, 48, 'numeric'), field('nossoNumeroCheck', 49, 49, 'numeric'), field('seuNumero', 59, 68, 'alpha')],
    },
  },
};

/** The layout for a bank's files: FEBRABAN's, with the bank's overrides in place of the fields they name. */
export function layoutFor(bankCode: string): Layout {
  const overrides = BANK_LAYOUTS[bankCode]?.overrides;
  if (!overrides) return FEBRABAN_240;
  const merge = (kind: RecordKind): readonly FieldSpec[] => {
    const replacing = overrides[kind] ?? [];
    const names = new Set(replacing.map((f) => f.name));
    return [...FEBRABAN_240[kind].filter((f) => !names.has(f.name)), ...replacing].sort((a, b) => a.start - b.start);
  };
  return { fileHeader: merge('fileHeader'), batchHeader: merge('batchHeader'), segmentT: merge('segmentT'), segmentU: merge('segmentU'), batchTrailer: merge('batchTrailer'), fileTrailer: merge('fileTrailer') };
}
