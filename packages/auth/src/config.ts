import { z } from '@regua/config';
import { parseTenantSecrets } from './api-keys.ts';

/** A `tenant:secret,…` environment variable, parsed into a map; its problems never quote a secret. */
export const tenantSecrets = (what: string) =>
  z.string().transform((value, ctx) => {
    try {
      return parseTenantSecrets(value, what);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
