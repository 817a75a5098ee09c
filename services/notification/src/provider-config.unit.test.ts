import { ConfigError, loadConfig } from '@regua/config';
import { NotificationEnvSchema } from './config.ts';

const BASE = { KAFKA_BROKERS: '127.0.0.1:19092', MONGO_URL: 'mongodb://127.0.0.1:27018', NOTIFICATION_API_KEYS: 'demo-bank:demo-key-change-me' };

describe('notification provider configuration', () => {
  test('Given no provider URL, then none (the sandbox channel), a 10 s provider timeout and a 5-minute claim lease', () => {
    const env = loadConfig(NotificationEnvSchema, BASE);
    expect(env.NOTIFICATION_PROVIDER_URL).toBeUndefined();
    expect(env).toMatchObject({ NOTIFICATION_PROVIDER_TIMEOUT_MS: 10_000, NOTIFICATION_CLAIM_LEASE_MS: 300_000 });
  });

  test('Given a provider URL and a timeout, then they are kept', () => {
    const env = loadConfig(NotificationEnvSchema, { ...BASE, NOTIFICATION_PROVIDER_URL: 'http://127.0.0.1:9000', NOTIFICATION_PROVIDER_TIMEOUT_MS: '5000', NOTIFICATION_CLAIM_LEASE_MS: '30000' });
    expect(env).toMatchObject({ NOTIFICATION_PROVIDER_URL: 'http://127.0.0.1:9000', NOTIFICATION_PROVIDER_TIMEOUT_MS: 5000, NOTIFICATION_CLAIM_LEASE_MS: 30_000 });
  });

  test('Given a claim lease shorter than three provider timeouts, then it refuses to start and names the lease', () => {
    const attempt = () => loadConfig(NotificationEnvSchema, { ...BASE, NOTIFICATION_PROVIDER_TIMEOUT_MS: '20000', NOTIFICATION_CLAIM_LEASE_MS: '30000' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/NOTIFICATION_CLAIM_LEASE_MS/);
  });

  test('Given a provider URL that is not one, then it refuses to start and names it', () => {
    expect(() => loadConfig(NotificationEnvSchema, { ...BASE, NOTIFICATION_PROVIDER_URL: 'not a url' })).toThrow(/NOTIFICATION_PROVIDER_URL/);
  });
});
