// The bank's own boleto numbering, written here independently of Régua's (services/payment-reconciliation/src/domain/
// boleto.ts), so that Régua's check of what the bank answers is a check against a second implementation.
// Free field of a Banco do Brasil convênio of 7 digits: six zeros, the 17-digit nosso número, the 2-digit carteira.

const DAY = 86_400_000;
const BASE = Date.UTC(1997, 9, 7);

/** FEBRABAN's due-date factor: days since 1997-10-07, restarting at 1000 after 9999 (2025-02-22). */
export function factorOf(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const days = Math.round((Date.UTC(y, m - 1, d) - BASE) / DAY);
  return days < 10_000 ? days : 1000 + ((days - 10_000) % 9000);
}

export function freeField(nossoNumero: string, carteira: string): string {
  return `000000${nossoNumero}${carteira}`;
}

/** The 44-digit barcode: bank, 9, general check digit (modulo 11), factor, amount, free field. */
export function barcodeOf(bank: string, dueDate: string, amountCents: number, free: string): string {
  const body = `${bank}9${String(factorOf(dueDate)).padStart(4, '0')}${String(amountCents).padStart(10, '0')}${free}`;
  let sum = 0;
  [...body].reverse().forEach((digit, i) => (sum += Number(digit) * (2 + (i % 8))));
  const dv = 11 - (sum % 11);
  return `${body.slice(0, 4)}${dv === 0 || dv > 9 ? 1 : dv}${body.slice(4)}`;
}

/** The 47-digit linha digitável of a barcode: three fields with a modulo-10 digit, the general digit, factor and amount. */
export function lineOf(barcode: string): string {
  const dv10 = (digits: string) => {
    let sum = 0;
    [...digits].reverse().forEach((digit, i) => {
      const n = Number(digit) * (i % 2 === 0 ? 2 : 1);
      sum += Math.floor(n / 10) + (n % 10);
    });
    return (10 - (sum % 10)) % 10;
  };
  const free = barcode.slice(19);
  const fields = [barcode.slice(0, 4) + free.slice(0, 5), free.slice(5, 15), free.slice(15, 25)];
  return `${fields.map((f) => f + dv10(f)).join('')}${barcode[4]}${barcode.slice(5, 19)}`;
}
