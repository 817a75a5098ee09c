import { ConfigError, loadConfig } from '@regua/config';
import { IngestionEnvSchema } from './config.ts';

const STRONG_KEY = '6f1d2c9a8b7e4f3a0c5d6e7f8091a2b3';
const BASE = { KAFKA_BROKERS: '127.0.0.1:19092', MONGO_URL: 'mongodb://127.0.0.1:27017/regua' };
const PRODUCTION = { ...BASE, NODE_ENV: 'production', INGESTION_API_KEYS: `bank-a:${STRONG_KEY}`, INGESTION_TENANT_CREDITORS: 'bank-a:11222333000181:Banco Exemplo S.A.' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(IngestionEnvSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('ingestion configuration', () => {
  test('Given a malformed INGESTION_API_KEYS, then the error names the variable and the entry, and repeats no key', () => {
    const problems = problemsOf({ ...BASE, INGESTION_API_KEYS: 'bank-a:key-of-bank-a-0001,key-of-bank-b-0002' });
    expect(problems).toEqual(['INGESTION_API_KEYS: entry 2 must be tenant:key with a tenant of letters, digits, . _ -']);
    expect(problems.join()).not.toMatch(/key-of-bank/);
  });

  test('Given production with strong keys and a creditor registry, then it starts', () => {
    const env = loadConfig(IngestionEnvSchema, PRODUCTION);
    expect(env.INGESTION_TENANT_CREDITORS?.get('bank-a')?.get('11222333000181')).toEqual({ cnpj: '11222333000181', name: 'Banco Exemplo S.A.' });
  });

  test('Given production with the demo key of docker-compose and the README, then it refuses to start, naming the tenant, not the key', () => {
    const problems = problemsOf({ ...PRODUCTION, INGESTION_API_KEYS: 'demo-bank:demo-key-change-me' });
    expect(problems).toEqual([expect.stringMatching(/^INGESTION_API_KEYS: the key for tenant demo-bank is a demo or placeholder value/)]);
    expect(problems.join()).not.toContain('demo-key-change-me');
  });

  test('Given production with a key or a signing secret under 32 characters, then each variable is reported', () => {
    const problems = problemsOf({ ...PRODUCTION, INGESTION_API_KEYS: `bank-a:${STRONG_KEY},bank-b:short-but-12-chars`, INGESTION_HMAC_SECRETS: 'bank-a:also-short-secret' });
    expect(problems).toEqual([
      'INGESTION_API_KEYS: the key for tenant bank-b must have at least 32 characters in production',
      'INGESTION_HMAC_SECRETS: the secret for tenant bank-a must have at least 32 characters in production',
    ]);
  });

  test('Given production without a creditor registry, or with an unnamed creditor, then it refuses to start', () => {
    const { INGESTION_TENANT_CREDITORS: _registry, ...withoutRegistry } = PRODUCTION;
    expect(problemsOf(withoutRegistry)).toEqual([expect.stringMatching(/^INGESTION_TENANT_CREDITORS: required in production/)]);
    expect(problemsOf({ ...PRODUCTION, INGESTION_TENANT_CREDITORS: 'bank-a:11222333000181' })).toEqual([expect.stringMatching(/^INGESTION_TENANT_CREDITORS: tenant bank-a: give the name of CNPJ 11222333000181/)]);
  });

  test('Given development with the demo key and no registry, then it starts (any CNPJ is accepted), with the default limits', () => {
    const env = loadConfig(IngestionEnvSchema, { ...BASE, INGESTION_API_KEYS: 'demo-bank:demo-key-change-me' });
    expect(env.INGESTION_TENANT_CREDITORS).toBeUndefined();
    expect(env).toMatchObject({ INGESTION_JSON_MAX_BYTES: 10 * 1024 * 1024, INGESTION_CSV_MAX_BYTES: 20 * 1024 * 1024, INGESTION_CSV_MAX_RECORD_BYTES: 16 * 1024 });
  });
});
