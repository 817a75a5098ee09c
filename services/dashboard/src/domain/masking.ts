/**
 * Masks personal data for dashboard views (LGPD: show only what the role needs). The CPF keeps its middle six digits,
 * the convention of Brazilian public bodies for published CPFs (`***.982.247-**`); a CNPJ identifies a company and
 * keeps its root; e-mails keep their first letter and domain; phones their last four digits.
 */
export function maskTaxId(digits: string): string {
  const d = digits.replace(/[^0-9A-Za-z]/g, '');
  if (d.length === 11) return `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**`;
  if (d.length === 14) return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/****-**`;
  return '***';
}

export function formatTaxId(digits: string): string {
  const d = digits.replace(/[^0-9A-Za-z]/g, '');
  if (d.length === 11) return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
  if (d.length === 14) return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;
  return d;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return '***';
  return `${'•'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
