import { z } from 'zod';

export const ROLES = ['manager', 'operator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export type Permission = 'kpis:read' | 'cases:read' | 'cases:act' | 'pii:tax-id' | 'pii:contacts' | 'audit:read';

/**
 * What each role may do. Operators work the queue, so they see the debtor's CPF (to confirm who answers the phone)
 * and contacts (to call); managers and auditors see figures and cases with personal data masked.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  manager: ['kpis:read', 'cases:read', 'cases:act', 'audit:read'],
  operator: ['kpis:read', 'cases:read', 'cases:act', 'pii:tax-id', 'pii:contacts'],
  auditor: ['kpis:read', 'cases:read', 'audit:read'],
};

/** A tenant a user may see, and which of its creditors (CNPJs, digits only), or all of them. */
export const ScopeSchema = z.object({ tenant: z.string().min(1), creditors: z.union([z.literal('*'), z.array(z.string().regex(/^[0-9A-Z]{14}$/, 'a CNPJ: 14 digits (or letters), no punctuation')).min(1)]) }).strict();
export type Scope = z.infer<typeof ScopeSchema>;

export const SeedUsersSchema = z.array(
  z
    .object({
      id: z.string().regex(/^[a-z0-9._@-]{2,64}$/, 'lower-case letters, digits and . _ @ -'),
      name: z.string().min(1).max(100).optional(),
      /** Clear text (demo only) or a `scrypt$…` hash from `hashPassword`. */
      password: z.string().min(8),
      roles: z.array(z.enum(ROLES)).min(1),
      scopes: z.array(ScopeSchema).min(1),
    })
    .strict(),
);
export type SeedUser = z.infer<typeof SeedUsersSchema>[number];

/** Who is asking: what a session token carries. */
export interface Principal {
  id: string;
  name: string;
  roles: Role[];
  scopes: Scope[];
}

export function can(principal: Principal, permission: Permission): boolean {
  return principal.roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission));
}

export function tenantsOf(principal: Principal): string[] {
  return [...new Set(principal.scopes.map((s) => s.tenant))];
}

/** The creditors of a tenant the user may see: `'*'` for all, a list, or null when the tenant is not theirs. */
export function creditorsIn(principal: Principal, tenant: string): '*' | string[] | null {
  const scopes = principal.scopes.filter((s) => s.tenant === tenant);
  if (scopes.length === 0) return null;
  if (scopes.some((s) => s.creditors === '*')) return '*';
  return [...new Set(scopes.flatMap((s) => s.creditors as string[]))];
}

export function maySee(principal: Principal, tenant: string, creditor: string): boolean {
  const allowed = creditorsIn(principal, tenant);
  return allowed === '*' || (allowed !== null && allowed.includes(creditor));
}
