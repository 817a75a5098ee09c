import { isValidCnpj, normalizeDocument, type InvoiceSubmissionV1 } from '@regua/contracts';

/** A creditor a tenant may send invoices for: its CNPJ (14 characters, upper-case, no punctuation) and, when registered, the name reminders carry. */
export interface RegisteredCreditor {
  cnpj: string;
  name?: string;
}

/** Tenant → its creditors by CNPJ. */
export type CreditorRegistry = ReadonlyMap<string, ReadonlyMap<string, RegisteredCreditor>>;

/**
 * Parses "tenant:cnpj[:name];tenant:cnpj[:name];…". A tenant may have several entries (one per creditor it
 * collects for). The CNPJ may be formatted (11.222.333/0001-81), alphanumeric in any case (12.abc.345/01de-35, kept
 * upper-case) and must have valid check digits; the name is
 * the rest of the entry, so it may hold commas and colons, not semicolons.
 */
export function parseTenantCreditors(spec: string): CreditorRegistry {
  const registry = new Map<string, Map<string, RegisteredCreditor>>();
  spec
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const [tenant = '', cnpjText = '', ...nameParts] = entry.split(':');
      const name = nameParts.join(':').trim();
      if (!/^[\w.-]{1,64}$/.test(tenant.trim())) throw new Error(`entry ${index + 1} must be tenant:cnpj[:name] with a tenant of letters, digits, . _ -`);
      if (!isValidCnpj(cnpjText)) throw new Error(`entry ${index + 1} (tenant ${tenant.trim()}) has no valid CNPJ (14 characters with valid check digits)`);
      const cnpj = normalizeDocument(cnpjText);
      const creditors = registry.get(tenant.trim()) ?? new Map<string, RegisteredCreditor>();
      creditors.set(cnpj, name ? { cnpj, name } : { cnpj });
      registry.set(tenant.trim(), creditors);
    });
  if (registry.size === 0) throw new Error('needs at least one tenant:cnpj entry');
  return registry;
}

export type CreditorBinding = { ok: true; submission: InvoiceSubmissionV1 } | { ok: false; path: 'invoice.creditor.cnpj'; message: string };

/**
 * Holds a submission to the creditors its tenant is registered for. With a registry, an unregistered CNPJ is
 * refused, and the registered name replaces the one sent (reminders carry the name Régua knows, not free text).
 * Without one (development only), every CNPJ passes as sent.
 */
export function bindCreditor(registry: CreditorRegistry | undefined, tenant: string, submission: InvoiceSubmissionV1): CreditorBinding {
  if (!registry) return { ok: true, submission };
  const sent = submission.invoice.creditor;
  const registered = registry.get(tenant)?.get(normalizeDocument(sent.cnpj));
  if (!registered) return { ok: false, path: 'invoice.creditor.cnpj', message: `CNPJ ${sent.cnpj} is not registered for tenant ${tenant}: ask Régua to register the creditor first` };
  if (registered.name === undefined || registered.name === sent.name) return { ok: true, submission };
  return { ok: true, submission: { ...submission, invoice: { ...submission.invoice, creditor: { ...sent, name: registered.name } } } };
}
