import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/**
 * Brazilian phone numbers, read with libphonenumber-js and its full ("max") metadata, which is Google's
 * libphonenumber data as maintained from Anatel's numbering plan: which DDDs exist, which ranges are mobile
 * (nine digits, the first a 9, since the ninth digit was completed in 2016) and which are fixed lines.
 */

export type PhoneType = 'mobile' | 'landline' | 'toll_free' | 'shared_cost' | 'other';
export type PhoneChannel = 'sms' | 'whatsapp' | 'voice';

export type PhoneReason =
  /** Nothing that reads as a phone number. */
  | 'unreadable'
  /** A valid number of another country: Régua's channels and contact-hour rules are Brazilian. */
  | 'foreign_number'
  /** Eight or nine digits: a local number written without its DDD (area code), which cannot be guessed. */
  | 'missing_ddd'
  /** A DDD (area code) that Anatel never assigned, such as 20, 23 or 26. */
  | 'unknown_ddd'
  /** Eight digits in a mobile range: a mobile written before the ninth digit (the fix is suggested, not applied). */
  | 'missing_ninth_digit'
  /** Too few or too many digits, or a range that is not in use. */
  | 'invalid_number'
  /** A fixed line: it can be called, not sent an SMS or a WhatsApp message. */
  | 'landline_voice_only'
  /** A mobile-range number without the ninth digit (trunked radio, SME): voice only. */
  | 'radio_voice_only'
  /** A company number (0800, 0300, 4004…): voice only. */
  | 'non_geographic_voice_only';

export type PhoneAssessment =
  | {
      valid: true;
      original: string;
      e164: string;
      /** The area code, for geographic numbers (mobiles and landlines). */
      ddd?: string;
      type: PhoneType;
      /** What may be sent to it: SMS and WhatsApp need a mobile with its ninth digit; everything valid takes a call. */
      channels: readonly PhoneChannel[];
      reasons: readonly PhoneReason[];
    }
  | { valid: false; original: string; reasons: readonly PhoneReason[]; suggestion?: string };

const TYPES: Partial<Record<NonNullable<NumberType>, PhoneType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  TOLL_FREE: 'toll_free',
  SHARED_COST: 'shared_cost',
};

/** A DDD exists when its mobile range does: every Brazilian area code has mobiles (9 + eight digits). */
export function isKnownDdd(ddd: string): boolean {
  return /^[1-9][1-9]$/.test(ddd) && parsePhoneNumberFromString(`${ddd}999999999`, 'BR')?.getType() === 'MOBILE';
}

/** The shapes creditors send: "0xx11 …" (the old written trunk prefix) loses its "xx"; libphonenumber reads the rest. */
const clean = (raw: string) => raw.replace(/^(\s*\(?\s*0)\s*x\s*x/i, '$1');

export function assessPhone(original: string): PhoneAssessment {
  const parsed = parsePhoneNumberFromString(clean(original), 'BR');
  if (!parsed) return { valid: false, original, reasons: ['unreadable'] };
  if (parsed.countryCallingCode !== '55') return { valid: false, original, reasons: [parsed.isValid() ? 'foreign_number' : 'invalid_number'] };

  const national = String(parsed.nationalNumber);
  const ddd = national.slice(0, 2);
  if (!parsed.isValid()) {
    if (national.length === 8 || national.length === 9) return { valid: false, original, reasons: ['missing_ddd'] };
    if ((national.length === 10 || national.length === 11) && !isKnownDdd(ddd)) return { valid: false, original, reasons: ['unknown_ddd'] };
    const withNinth = national.length === 10 && /^[6-9]/.test(national.slice(2)) ? parsePhoneNumberFromString(`+55${ddd}9${national.slice(2)}`) : undefined;
    if (withNinth?.getType() === 'MOBILE') return { valid: false, original, reasons: ['missing_ninth_digit'], suggestion: withNinth.number };
    return { valid: false, original, reasons: ['invalid_number'] };
  }

  const numberType = parsed.getType();
  const type = (numberType && TYPES[numberType]) ?? 'other';
  const subscriber = national.slice(2);
  if (type === 'mobile' && subscriber.length === 9 && subscriber.startsWith('9')) {
    return { valid: true, original, e164: parsed.number, ddd, type, channels: ['sms', 'whatsapp', 'voice'], reasons: [] };
  }
  const reason: PhoneReason = type === 'landline' ? 'landline_voice_only' : type === 'mobile' ? 'radio_voice_only' : 'non_geographic_voice_only';
  const geographic = type === 'landline' || type === 'mobile';
  return { valid: true, original, e164: parsed.number, ...(geographic ? { ddd } : {}), type, channels: ['voice'], reasons: [reason] };
}
