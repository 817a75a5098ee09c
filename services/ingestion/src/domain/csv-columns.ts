// The CSV layout for creditors without an integration: one invoice per line, header on line 1.
// Columns map one-to-one onto the v1 contract; lists (e-mails, phones) are separated by ";".

type Setter = (target: Record<string, unknown>, value: string) => void;

const at = (path: string, parse: (value: string) => unknown = (v) => v): Setter => (target, value) => {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = parse(value);
};

/** Integers stay strings when they are not integers, so the contract reports them with its own message. */
const integer = (value: string): unknown => (/^-?\d+$/.test(value) ? Number(value) : value);
const list = (value: string): string[] => value.split(';').map((item) => item.trim()).filter(Boolean);

/** Column name → where it goes. A Map, so that names such as `constructor` or `__proto__` are unknown columns like any other. */
export const CSV_COLUMNS: ReadonlyMap<string, { path: string; required: boolean; set: Setter }> = new Map(
  (
    [
      ['event_id', 'eventId', true],
      ['occurred_at', 'occurredAt', true],
      ['external_id', 'invoice.externalId', true],
      ['creditor_name', 'invoice.creditor.name', true],
      ['creditor_cnpj', 'invoice.creditor.cnpj', true],
      ['amount_cents', 'invoice.amountCents', true, integer],
      ['currency', 'invoice.currency', true],
      ['issue_date', 'invoice.issueDate', true],
      ['due_date', 'invoice.dueDate', true],
      ['status', 'invoice.status', true],
      ['product_type', 'invoice.productType', true],
      ['installment_number', 'invoice.installment.number', false, integer],
      ['installment_total', 'invoice.installment.total', false, integer],
      ['boleto_barcode', 'invoice.paymentInstruments.boleto.barcode', false],
      ['boleto_digitable_line', 'invoice.paymentInstruments.boleto.digitableLine', false],
      ['boleto_our_number', 'invoice.paymentInstruments.boleto.ourNumber', false],
      ['pix_txid', 'invoice.paymentInstruments.pix.txid', false],
      ['pix_copy_paste', 'invoice.paymentInstruments.pix.copyPaste', false],
      ['debtor_external_id', 'invoice.debtor.externalId', true],
      ['debtor_name', 'invoice.debtor.name', true],
      ['debtor_tax_id_type', 'invoice.debtor.taxId.type', true],
      ['debtor_tax_id', 'invoice.debtor.taxId.number', true],
      ['debtor_emails', 'invoice.debtor.emails', false, list],
      ['debtor_phones', 'invoice.debtor.phones', false, list],
      ['debtor_street', 'invoice.debtor.address.street', false],
      ['debtor_number', 'invoice.debtor.address.number', false],
      ['debtor_complement', 'invoice.debtor.address.complement', false],
      ['debtor_district', 'invoice.debtor.address.district', false],
      ['debtor_city', 'invoice.debtor.address.city', false],
      ['debtor_uf', 'invoice.debtor.address.uf', false],
      ['debtor_cep', 'invoice.debtor.address.cep', false],
      ['debtor_birth_date', 'invoice.debtor.birthDate', false],
    ] as Array<[string, string, boolean, ((value: string) => unknown)?]>
  ).map(([column, path, required, parse]) => [column, { path, required, set: at(path, parse) }] as const),
);

/** Unknown columns are refused (as extra JSON fields are), and required ones must be there. */
export function checkHeader(columns: readonly string[]): string[] {
  const problems = columns.filter((c) => !CSV_COLUMNS.has(c)).map((c) => `unknown column "${c}"`);
  const missing = [...CSV_COLUMNS].filter(([name, spec]) => spec.required && !columns.includes(name));
  problems.push(...missing.map(([name]) => `missing column "${name}"`));
  return problems;
}

/** Builds the contract-shaped object from one line; empty cells are absent fields. Validation is the contract's. */
export function rowToCandidate(row: Record<string, string>): Record<string, unknown> {
  const candidate: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (value !== '') CSV_COLUMNS.get(column)?.set(candidate, value);
  }
  return candidate;
}

const COLUMN_BY_PATH = new Map([...CSV_COLUMNS].map(([column, spec]) => [spec.path, column]));

/** The CSV column behind a contract path (e.g. invoice.debtor.phones[1] → debtor_phones). */
export function columnFor(path: string): string | undefined {
  let candidate = path.replace(/\[\d+\]$/, '');
  while (candidate) {
    const column = COLUMN_BY_PATH.get(candidate);
    if (column) return column;
    candidate = candidate.includes('.') ? candidate.slice(0, candidate.lastIndexOf('.')) : '';
  }
  return undefined;
}
