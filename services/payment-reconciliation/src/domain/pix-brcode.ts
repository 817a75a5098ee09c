// Pix "copia e cola": the EMV merchant-presented BR Code as the Banco Central's Manual de Padrões para Iniciação do
// Pix specifies it. Fields are TLV (two-digit id, two-digit length, value), the last one (63) a CRC16-CCITT-FALSE
// over everything before its value.
import { createHash } from 'node:crypto';
import { isValidCnpj, isValidCpf } from '@regua/contracts';
import { ValidationError } from '@regua/errors';

const PIX_GUI = 'br.gov.bcb.pix';
const MAX_NAME = 25;
const MAX_CITY = 15;
const MAX_STATIC_TXID = 25;
const MAX_EMAIL_KEY = 77;
/** Field 26 holds 99: the GUI takes 18 and the URL's own id and length 4. */
const MAX_URL = 77;
/** `9999999999.99`: field 54 holds at most 13 characters. */
const MAX_AMOUNT_CENTS = 999_999_999_999;

/** A BR Code field that breaks the manual's rules; `field` names the input property or the EMV id (`62-05`). */
export class BrCodeError extends ValidationError {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`BR Code ${field}: ${message}`, [{ path: field, message }]);
    this.field = field;
  }
}

export type PixKeyType = 'cpf' | 'cnpj' | 'email' | 'phone' | 'evp';

export interface StaticBrCodeInput {
  /** CPF or CNPJ (punctuation allowed), e-mail, `+55` mobile phone, or random key (EVP, a UUID). */
  key: string;
  /** Omitted: the payer types the amount. */
  amountCents?: number | undefined;
  /** Field 26-02, shown to the payer. */
  description?: string | undefined;
  merchantName: string;
  merchantCity: string;
  /** Up to 25 letters and digits; omitted: `***`. */
  txid?: string | undefined;
}

export interface DynamicBrCodeInput {
  /** The PSP's payload location (`pix.example.com/qr/v2/…`); a leading `https://` is dropped. */
  url: string;
  merchantName: string;
  merchantCity: string;
}

export interface DecodedBrCode {
  kind: 'static' | 'dynamic';
  /** Field 01: `11` reusable, `12` single use; null when absent (the manual allows that for static codes). */
  pointOfInitiation: '11' | '12' | null;
  key: string | null;
  url: string | null;
  description: string | null;
  amountCents: number | null;
  merchantName: string;
  merchantCity: string;
  /** Field 62-05; null for `***`. */
  txid: string | null;
}

/** CRC16-CCITT-FALSE (polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR) as 4 upper-case hex digits. */
export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Which kind of Pix key this is, and the key as the DICT stores it (CPF/CNPJ without punctuation, e-mail and EVP lower-case). */
export function classifyPixKey(input: string): { type: PixKeyType; key: string } {
  const key = input.trim();
  if (key.startsWith('+')) {
    if (/^\+55[1-9]{2}9\d{8}$/.test(key)) return { type: 'phone', key };
    throw new BrCodeError('key', 'a phone key is +55, a two-digit area code and a nine-digit mobile number starting with 9');
  }
  if (key.includes('@')) {
    const email = key.toLowerCase();
    if (email.length > MAX_EMAIL_KEY) throw new BrCodeError('key', `an e-mail key has at most ${MAX_EMAIL_KEY} characters`);
    if (/^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(email)) return { type: 'email', key: email };
    throw new BrCodeError('key', 'not a valid e-mail key');
  }
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key)) return { type: 'evp', key: key.toLowerCase() };
  const bare = key.replace(/[./-]/g, '').toUpperCase();
  if (/^\d{11}$/.test(bare)) {
    if (isValidCpf(bare)) return { type: 'cpf', key: bare };
    throw new BrCodeError('key', 'CPF check digits do not match');
  }
  if (/^[0-9A-Z]{12}\d{2}$/.test(bare)) {
    if (isValidCnpj(bare)) return { type: 'cnpj', key: bare };
    throw new BrCodeError('key', 'CNPJ check digits do not match');
  }
  throw new BrCodeError('key', 'not a CPF, CNPJ, e-mail, +55 phone or random (EVP) key');
}

/** A static BR Code: the key in 26-01, point of initiation `11` (reusable), the txid or `***` in 62-05. */
export function staticBrCode(input: StaticBrCodeInput): string {
  const { key } = classifyPixKey(input.key);
  const keyField = tlv('01', key, 'key');
  const description = input.description === undefined ? '' : brCodeText(input.description, 'description', 99);
  const room = 99 - tlv('00', PIX_GUI, 'gui').length - keyField.length - 4;
  if (description.length > room) throw new BrCodeError('description', `at most ${Math.max(room, 0)} characters with this key (field 26 holds 99)`);
  const txid = input.txid ?? '***';
  if (input.txid !== undefined && !new RegExp(`^[A-Za-z0-9]{1,${MAX_STATIC_TXID}}$`).test(txid)) {
    throw new BrCodeError('txid', `a static code's txid is 1 to ${MAX_STATIC_TXID} letters and digits`);
  }
  const merchantAccount = tlv('00', PIX_GUI, 'gui') + keyField + (description ? tlv('02', description, 'description') : '');
  return withCrc(
    [
      tlv('00', '01', 'payloadFormat'),
      tlv('01', '11', 'pointOfInitiation'),
      tlv('26', merchantAccount, 'merchantAccount'),
      tlv('52', '0000', 'merchantCategoryCode'),
      tlv('53', '986', 'currency'),
      input.amountCents === undefined ? '' : tlv('54', formatAmount(input.amountCents), 'amountCents'),
      tlv('58', 'BR', 'country'),
      tlv('59', brCodeText(input.merchantName, 'merchantName', MAX_NAME), 'merchantName'),
      tlv('60', brCodeText(input.merchantCity, 'merchantCity', MAX_CITY), 'merchantCity'),
      tlv('62', tlv('05', txid, 'txid'), 'additionalData'),
    ].join(''),
  );
}

/** A dynamic BR Code: the payload URL in 26-25, point of initiation `12` (single use), `***` in 62-05; the amount lives in the payload. */
export function dynamicBrCode(input: DynamicBrCodeInput): string {
  const url = input.url.trim().replace(/^https:\/\//i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new BrCodeError('url', 'the payload location is served over https only; give it without the scheme');
  if (!/^[\x21-\x7e]+$/.test(url)) throw new BrCodeError('url', 'printable ASCII without spaces');
  if (url.length > MAX_URL) throw new BrCodeError('url', `at most ${MAX_URL} characters (field 26 holds 99), got ${url.length}`);
  const merchantAccount = tlv('00', PIX_GUI, 'gui') + tlv('25', url, 'url');
  return withCrc(
    [
      tlv('00', '01', 'payloadFormat'),
      tlv('01', '12', 'pointOfInitiation'),
      tlv('26', merchantAccount, 'merchantAccount'),
      tlv('52', '0000', 'merchantCategoryCode'),
      tlv('53', '986', 'currency'),
      tlv('58', 'BR', 'country'),
      tlv('59', brCodeText(input.merchantName, 'merchantName', MAX_NAME), 'merchantName'),
      tlv('60', brCodeText(input.merchantCity, 'merchantCity', MAX_CITY), 'merchantCity'),
      tlv('62', tlv('05', '***', 'txid'), 'additionalData'),
    ].join(''),
  );
}

/**
 * Reads a BR Code (ours or a creditor's): TLV structure, 00 first, 63 last with a matching CRC, the Pix merchant
 * account (GUI `br.gov.bcb.pix` in any of templates 26–51) with a key or a URL. Throws a `BrCodeError` naming the field.
 */
export function decodeBrCode(payload: string): DecodedBrCode {
  const fields = parseTlv(payload, '');
  const first = fields[0];
  if (first?.id !== '00' || first.value !== '01') throw new BrCodeError('00', 'a BR Code starts with payload format indicator 000201');
  const last = fields[fields.length - 1];
  if (last?.id !== '63' || last.value.length !== 4) throw new BrCodeError('63', 'a BR Code ends with a 4-character CRC in field 63');
  const expected = crc16CcittFalse(payload.slice(0, payload.length - 4));
  if (last.value.toUpperCase() !== expected) throw new BrCodeError('63', `CRC ${last.value} does not match the payload (expected ${expected})`);

  const byId = new Map(fields.map((f) => [f.id, f.value]));
  const account = fields
    .filter((f) => Number(f.id) >= 26 && Number(f.id) <= 51)
    .map((f) => ({ id: f.id, sub: new Map(parseTlv(f.value, `${f.id}-`).map((s) => [s.id, s.value])) }))
    .find((t) => t.sub.get('00')?.toLowerCase() === PIX_GUI);
  if (!account) throw new BrCodeError('26', `no merchant account template with GUI ${PIX_GUI}`);
  const key = account.sub.get('01') ?? null;
  const url = account.sub.get('25') ?? null;
  if ((key === null) === (url === null)) throw new BrCodeError(`${account.id}-01`, 'a Pix merchant account has either a key (01) or a payload URL (25)');

  const pointOfInitiation = byId.get('01') ?? null;
  if (pointOfInitiation !== null && pointOfInitiation !== '11' && pointOfInitiation !== '12') throw new BrCodeError('01', 'point of initiation is 11 or 12');
  if (byId.get('53') !== '986') throw new BrCodeError('53', 'currency must be 986 (BRL)');
  if (byId.get('58') !== 'BR') throw new BrCodeError('58', 'country must be BR');
  const amount = byId.get('54');
  const additional = byId.get('62');
  const txid = additional === undefined ? null : (new Map(parseTlv(additional, '62-').map((s) => [s.id, s.value])).get('05') ?? null);
  return {
    kind: key !== null ? 'static' : 'dynamic',
    pointOfInitiation,
    key,
    url,
    description: account.sub.get('02') ?? null,
    amountCents: amount === undefined ? null : parseAmount(amount),
    merchantName: required(byId, '59'),
    merchantCity: required(byId, '60'),
    txid: txid === '***' ? null : txid,
  };
}

export type TxidSource = { caseId: string } | { agreementId: string; installment?: number | undefined };

/**
 * The txid of a case's or an agreement installment's Pix charge, the same every time it is asked for: upper-case
 * hex of a SHA-256 (so a PSP that upper-cases txids still matches). 35 characters for dynamic codes and `cob`/`cobv`
 * charges (the API asks 26–35), 25 for static codes (field 62-05 holds 25).
 */
export function txidFor(source: TxidSource, kind: 'static' | 'dynamic'): string {
  const name = 'caseId' in source ? `case:${source.caseId}` : `agreement:${source.agreementId}:${source.installment ?? 0}`;
  return createHash('sha256').update(name).digest('hex').toUpperCase().slice(0, kind === 'dynamic' ? 35 : MAX_STATIC_TXID);
}

function tlv(id: string, value: string, field: string): string {
  if (value.length > 99) throw new BrCodeError(field, `field ${id} holds at most 99 characters, got ${value.length}`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

function withCrc(body: string): string {
  const payload = `${body}6304`;
  return payload + crc16CcittFalse(payload);
}

/** Name, city and description: accents dropped (São Paulo → Sao Paulo), spaces collapsed, printable ASCII only. */
function brCodeText(value: string, field: string, max: number): string {
  const text = value.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim();
  if (text === '') throw new BrCodeError(field, 'must not be empty');
  if (!/^[\x20-\x7e]+$/.test(text)) throw new BrCodeError(field, 'has characters with no ASCII transliteration');
  if (text.length > max) throw new BrCodeError(field, `at most ${max} characters, got ${text.length}`);
  return text;
}

function formatAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents <= 0 || cents > MAX_AMOUNT_CENTS) throw new BrCodeError('amountCents', `integer centavos from 1 to ${MAX_AMOUNT_CENTS}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function parseAmount(value: string): number {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match || value.length > 13) throw new BrCodeError('54', `amount ${JSON.stringify(value)} is not a decimal with up to 2 places`);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

function parseTlv(text: string, prefix: string): Array<{ id: string; value: string }> {
  const fields: Array<{ id: string; value: string }> = [];
  let at = 0;
  while (at < text.length) {
    const id = text.slice(at, at + 2);
    const length = text.slice(at + 2, at + 4);
    if (!/^\d{2}$/.test(id) || !/^\d{2}$/.test(length)) throw new BrCodeError(`${prefix}${id}`, `malformed id or length at character ${at + 1}`);
    const value = text.slice(at + 4, at + 4 + Number(length));
    if (value.length !== Number(length)) throw new BrCodeError(`${prefix}${id}`, `declares ${length} characters but only ${value.length} remain`);
    fields.push({ id, value });
    at += 4 + value.length;
  }
  return fields;
}

function required(byId: Map<string, string>, id: string): string {
  const value = byId.get(id);
  if (value === undefined || value === '') throw new BrCodeError(id, 'is required');
  return value;
}
