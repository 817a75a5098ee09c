/**
 * LGPD: what identifies a debtor never reaches logs, spans or dead-letter headers, at whatever depth it sits.
 * Values under personal keys are replaced; free text (error messages) has e-mails and long digit runs masked.
 */

/** Keys whose values are personal wherever they appear (compared lower-case). */
const PERSONAL_KEYS = new Set(['taxid', 'cpf', 'cnpj', 'document', 'email', 'emails', 'phone', 'phones', 'mobilephones', 'landlines', 'address', 'street', 'cep', 'debtorname', 'payername', 'authorization', 'x-api-key', 'apikey', 'password', 'secret']);
/** Objects whose `name` is a person's, not a company's or a service's. */
const PERSON_PARENTS = new Set(['debtor', 'payer', 'pagador', 'infopagador', 'devedor']);
/** Keys holding free text that may quote input. */
const TEXT_KEYS = new Set(['err', 'error', 'message', 'reason', 'stack']);
const CENSOR = '[redacted]';
const MAX_DEPTH = 10;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** Digits with the separators CPFs, CNPJs and phone numbers are written with: `123.456.789-09`, `+55 (11) 91234-5678`. */
const DIGIT_RUN = /\+?\d(?:[ .\-/()]{0,2}\d)*/g;
/** Eight digits is the shortest phone number; anything shorter (counts, codes, offsets) stays readable. */
const MIN_PERSONAL_DIGITS = 8;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Alphanumeric CNPJs (issued since July 2026): 12 letters or digits and 2 check digits, formatted or bare. */
const ALPHANUMERIC_CNPJ = /\b[0-9A-Za-z]{2}\.?[0-9A-Za-z]{3}\.?[0-9A-Za-z]{3}\/?[0-9A-Za-z]{4}-?\d{2}\b/g;
const HAS_DIGIT = /\d/;

/**
 * Masks what could identify a debtor in free text: e-mail addresses, and runs of eight digits or more (CPF,
 * CNPJ, phone numbers, account numbers). ISO dates are kept, they say when.
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    // Only runs with a digit among the first twelve characters: a plain 14-letter word is not a CNPJ.
    .replace(ALPHANUMERIC_CNPJ, (run) => (HAS_DIGIT.test(run.replace(/\d{2}$/, '')) ? '[number]' : run))
    .replace(DIGIT_RUN, (run) => {
      const digits = run.replace(/\D/g, '').length;
      return digits < MIN_PERSONAL_DIGITS || ISO_DATE.test(run) ? run : '[number]';
    });
}

/** A copy of `value` with personal data replaced at any depth; errors become plain objects with masked text. */
export function redactPersonalData(value: unknown): unknown {
  return walk(value, undefined, 0, new WeakSet());
}

function walk(value: unknown, key: string | undefined, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  const lowerKey = key?.toLowerCase();
  if (typeof value === 'string') return lowerKey !== undefined && TEXT_KEYS.has(lowerKey) ? maskPersonalData(value) : value;
  if (typeof value !== 'object') return value;
  if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const extra = Object.fromEntries(Object.entries(value));
    return walk({ ...extra, type: name, message, ...(stack ? { stack } : {}) }, 'err', depth + 1, seen);
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, key, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const lower = k.toLowerCase();
    const personal = PERSONAL_KEYS.has(lower) || (lower === 'name' && lowerKey !== undefined && PERSON_PARENTS.has(lowerKey));
    out[k] = personal && v !== undefined && v !== null ? CENSOR : walk(v, k, depth + 1, seen);
  }
  return out;
}
