export { tenantSecrets } from './config.ts';
export { apiKeyIndex, parseTenantSecrets, tenantForKey } from './api-keys.ts';
export { requireApiKey, tenantOf } from './middleware.ts';
