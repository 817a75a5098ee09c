import { ConfigError, loadConfig } from '@regua/config';
import { NotificationEnvSchema } from './config.ts';

const BASE = { KAFKA_BROKERS: '127.0.0.1:19092', MONGO_URL: 'mongodb://127.0.0.1:27018' };

describe('notification configuration', () => {
  test('Given production with the demo key, then it refuses to start and names the tenant, not the key', () => {
    const attempt = () => loadConfig(NotificationEnvSchema, { ...BASE, NODE_ENV: 'production', NOTIFICATION_API_KEYS: 'demo-bank:demo-key-change-me' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/NOTIFICATION_API_KEYS: .*demo-bank/);
    expect(attempt).not.toThrow(/demo-key-change-me/);
  });

  test('Given development with the demo key, then it starts', () => {
    expect(loadConfig(NotificationEnvSchema, { ...BASE, NOTIFICATION_API_KEYS: 'demo-bank:demo-key-change-me' }).NOTIFICATION_API_KEYS.get('demo-bank')).toBe('demo-key-change-me');
  });

  test('Given production with a long random key, then it starts', () => {
    const key = 'f3a9c1e07b2d4856a1c3e5f7092b4d6f';
    const env = { ...BASE, NODE_ENV: 'production', DLQ_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), NOTIFICATION_API_KEYS: `bank:${key}`, NOTIFICATION_RECEIPTS_SECRET: 'c'.repeat(40), NOTIFICATION_SELF_SERVICE_SECRET: 's'.repeat(40) };
    expect(loadConfig(NotificationEnvSchema, env).NOTIFICATION_API_KEYS.get('bank')).toBe(key);
  });

  test("Given production with a channel's provider configured on the development credential, or the receipts secret left at its default, then it refuses to start and names them", () => {
    const env = { ...BASE, NODE_ENV: 'production', DLQ_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), NOTIFICATION_API_KEYS: `bank:${'k'.repeat(40)}`, NOTIFICATION_WHATSAPP_URL: 'https://graph.facebook.com' };
    const attempt = () => loadConfig(NotificationEnvSchema, env);
    expect(attempt).toThrow(/NOTIFICATION_WHATSAPP_TOKEN/);
    expect(attempt).toThrow(/NOTIFICATION_RECEIPTS_SECRET/);
    // A channel with no provider is unavailable, so its development credential is never used.
    expect(attempt).not.toThrow(/NOTIFICATION_SMS_API_TOKEN/);
    expect(() => loadConfig(NotificationEnvSchema, { ...env, NOTIFICATION_WHATSAPP_TOKEN: 'w'.repeat(40), NOTIFICATION_RECEIPTS_SECRET: 'r'.repeat(40), NOTIFICATION_SELF_SERVICE_SECRET: 's'.repeat(40) })).not.toThrow();
  });
});
