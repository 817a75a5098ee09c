// A CNAB 240 return file's settlements as payments to match.
import type { Cnab240Issue, Cnab240Return, Cnab240Title } from './cnab240.ts';
import type { PaymentReceivedData } from './payment-received.ts';

export interface SettlementPayment {
  /** The segment T's line, to report where each payment came from. */
  line: number;
  data: PaymentReceivedData;
  /** The bank's nosso número: what a settlement without seu número is matched on (normalised, `ourNumberKey`). */
  ourNumber: string;
}

/** A title as the file record keeps it: what the bank said, for the operators. */
export interface MovementRecord {
  line: number;
  movementCode: string;
  nossoNumero: string;
  seuNumero: string;
  dueDate: string | null;
  faceValueCents: number;
  reasonCodes: string;
  occurrenceDate: string | null;
}

/**
 * CNAB dates are calendar dates in Brazil: a payment on one is placed at midnight in Brasília (UTC−3 all year since
 * daylight saving time ended in 2019).
 */
const brasiliaMidnight = (date: string) => `${date}T00:00:00-03:00`;

/**
 * One settlement (movement 06 or 17) as a payment. Its id is the bank, nosso número and credit date: the same on
 * every copy of the file, and distinct for a title settled again on another day. Matched on seu número (the
 * creditor's document number, which is its invoice's external id) when the bank sent one, otherwise on nosso
 * número. Paid on the occurrence date (the day the payer paid), or the credit date without one. A settlement the
 * file cannot support (no credit date, nothing paid) is an issue at the line and column of the missing field.
 */
export function settlementToPayment(title: Cnab240Title): { ok: true; payment: SettlementPayment } | { ok: false; issues: Cnab240Issue[] } {
  const uLine = title.line + 1;
  const issues: Cnab240Issue[] = [];
  if (title.creditDate === null) issues.push({ line: uLine, column: 146, message: `settlement (movement ${title.movementCode}) without a credit date` });
  if (title.paidCents <= 0) issues.push({ line: uLine, column: 78, message: `settlement (movement ${title.movementCode}) with no amount paid` });
  if (ourNumberKey(title.nossoNumero) === '') issues.push({ line: title.line, column: 38, message: `settlement (movement ${title.movementCode}) without a nosso número` });
  if (issues.length > 0 || title.creditDate === null) return { ok: false, issues };

  const seuNumero = title.seuNumero.trim();
  return {
    ok: true,
    payment: {
      line: title.line,
      ourNumber: title.nossoNumero,
      data: {
        paymentId: `${title.bankCode}:${title.nossoNumero}:${title.creditDate}`,
        method: 'boleto',
        ...(seuNumero ? { invoiceExternalId: seuNumero } : {}),
        amountCents: title.paidCents,
        paidAt: brasiliaMidnight(title.occurrenceDate ?? title.creditDate),
      },
    },
  };
}

/** Every settlement of a parsed file as a payment, or every issue that stops one (the file is then refused whole). */
export function settlementPayments(file: Cnab240Return): { payments: SettlementPayment[]; issues: Cnab240Issue[] } {
  const payments: SettlementPayment[] = [];
  const issues: Cnab240Issue[] = [];
  for (const title of file.settlements) {
    const mapped = settlementToPayment(title);
    if (mapped.ok) payments.push(mapped.payment);
    else issues.push(...mapped.issues);
  }
  return { payments, issues };
}

export function movementRecord(title: Cnab240Title): MovementRecord {
  const { line, movementCode, nossoNumero, seuNumero, dueDate, faceValueCents, reasonCodes, occurrenceDate } = title;
  return { line, movementCode, nossoNumero, seuNumero, dueDate, faceValueCents, reasonCodes, occurrenceDate };
}

/**
 * A nosso número as it is matched: letters and digits only, upper case, without leading zeros. Banks pad it to the
 * field's width (20 in FEBRABAN's layout), while the creditor may have registered it bare or punctuated.
 */
export function ourNumberKey(ourNumber: string): string {
  return ourNumber.toUpperCase().replace(/[^0-9A-Z]/g, '').replace(/^0+/, '');
}
