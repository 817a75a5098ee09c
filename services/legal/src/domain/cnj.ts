/**
 * The CNJ unified process number (Res. CNJ 65/2008): NNNNNNN-DD.AAAA.J.TR.OOOO — sequence, check digits, year
 * filed, justice segment, court, origin unit. The check digits DD are ISO 7064 mod 97-10 over the other 18 digits
 * in the order N A J TR O: DD = 98 − (NAJTRO × 100 mod 97), so that NAJTRO followed by DD leaves 1 mod 97.
 */

const CNJ_FORMAT = /^(\d{7})-(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})$/;
const DIGITS_ONLY = /^\d{20}$/;

export interface CnjNumber {
  /** As written, NNNNNNN-DD.AAAA.J.TR.OOOO. */
  formatted: string;
  sequence: string;
  checkDigits: string;
  year: number;
  segment: string;
  court: string;
  origin: string;
}

export type CnjCheck = { ok: true; value: CnjNumber } | { ok: false; message: string };

/** Remainder mod 97 of a long digit string, a few digits at a time (the number is too large for a double). */
function mod97(digits: string): number {
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) remainder = Number(`${remainder}${digits.slice(i, i + 7)}`) % 97;
  return remainder;
}

/** The check digits for the other parts, as two digits. */
export function cnjCheckDigits(parts: { sequence: string; year: string; segment: string; court: string; origin: string }): string {
  const base = `${parts.sequence}${parts.year}${parts.segment}${parts.court}${parts.origin}`;
  if (!/^\d{18}$/.test(base)) throw new RangeError('a CNJ number has 7 + 4 + 1 + 2 + 4 digits besides its check digits');
  return String(98 - mod97(`${base}00`)).padStart(2, '0');
}

/** Accepts the formatted number or its 20 digits; checks the layout, the segment and the check digits. */
export function parseCnjNumber(input: string): CnjCheck {
  const trimmed = input.trim();
  const digits = DIGITS_ONLY.test(trimmed) ? trimmed : undefined;
  const match = digits ? CNJ_FORMAT.exec(`${digits.slice(0, 7)}-${digits.slice(7, 9)}.${digits.slice(9, 13)}.${digits.slice(13, 14)}.${digits.slice(14, 16)}.${digits.slice(16)}`) : CNJ_FORMAT.exec(trimmed);
  if (!match) return { ok: false, message: 'not a CNJ process number (NNNNNNN-DD.AAAA.J.TR.OOOO)' };
  const [, sequence, checkDigits, year, segment, court, origin] = match as unknown as [string, string, string, string, string, string, string];
  // Segments 1–9 (STF, CNJ, STJ, Federal, Labour, Electoral, Military federal, State, Military state).
  if (segment === '0') return { ok: false, message: 'the justice segment (J) must be 1 to 9' };
  const expected = cnjCheckDigits({ sequence, year, segment, court, origin });
  if (expected !== checkDigits) return { ok: false, message: 'the check digits do not match (ISO 7064 mod 97-10)' };
  return { ok: true, value: { formatted: `${sequence}-${checkDigits}.${year}.${segment}.${court}.${origin}`, sequence, checkDigits, year: Number(year), segment, court, origin } };
}
