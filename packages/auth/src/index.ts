export { tenantSecrets } from './config.ts';
export { apiKeyIndex, parseTenantSecrets, PRODUCTION_SECRET_MIN_LENGTH, productionSecretProblems, tenantForKey } from './api-keys.ts';
export { requireApiKey, tenantOf } from './middleware.ts';
export { signLinkToken, verifyLinkToken, type LinkClaims, type LinkVerification } from './link-tokens.ts';
