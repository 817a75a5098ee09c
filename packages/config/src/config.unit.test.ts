import { ConfigError, loadConfig, ServiceEnvSchema, z } from './index.ts';

const VALID_ENV = { HTTP_PORT: '8080', KAFKA_BROKERS: '127.0.0.1:19092', MONGO_URL: 'mongodb://127.0.0.1:27017/regua' };

function configErrorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(ServiceEnvSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig with ServiceEnvSchema', () => {
  test('Given KAFKA_BROKERS is missing and MONGO_URL is not a mongodb URL, then one ConfigError names both variables', () => {
    const error = configErrorOf({ HTTP_PORT: '8080', MONGO_URL: 'http://db.example:27017' });

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('KAFKA_BROKERS');
    expect(error.message).toContain('MONGO_URL');
    expect(error.problems).toHaveLength(2);
    expect(error.problems.find((p) => p.startsWith('MONGO_URL'))).toContain('must be a mongodb:// URL');
  });

  test('Given bad values, then the error names each variable and its rule but never repeats a value (URLs and keys carry secrets)', () => {
    const secretUrl = 'http://admin:s3cr3t-passw0rd@db.example:27017';
    const schema = ServiceEnvSchema.extend({ SOME_API_KEYS: z.string().regex(/^\w+:\w{32,}$/, 'must be tenant:key') });
    let error: unknown;
    try {
      loadConfig(schema, { ...VALID_ENV, MONGO_URL: secretUrl, SOME_API_KEYS: 'bank-a:short-key-of-bank-a', LOG_LEVEL: 'verbose' });
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'MONGO_URL', 'SOME_API_KEYS']);
    for (const secret of ['s3cr3t-passw0rd', 'short-key-of-bank-a', 'verbose', 'db.example']) expect(message).not.toContain(secret);
  });

  test('Given only the required variables, then the defaults apply', () => {
    const config = loadConfig(ServiceEnvSchema, VALID_ENV);

    expect(config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HTTP_PORT: 8080,
      KAFKA_NAMESPACE: '',
      MONGO_URL: VALID_ENV.MONGO_URL,
    });
    expect(config.MONGO_DB).toBeUndefined();
    // Unset: partition counts come from the topic registry.
    expect(config.KAFKA_TOPIC_PARTITIONS).toBeUndefined();
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  });

  test('Given numeric variables as strings, then they are coerced to numbers', () => {
    const config = loadConfig(ServiceEnvSchema, { ...VALID_ENV, HTTP_PORT: '0', KAFKA_TOPIC_PARTITIONS: '12' });

    expect(config.HTTP_PORT).toBe(0);
    expect(config.KAFKA_TOPIC_PARTITIONS).toBe(12);
  });

  test('Given a comma-separated broker list with spaces and empty items, then it is split into trimmed entries', () => {
    const config = loadConfig(ServiceEnvSchema, { ...VALID_ENV, KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092 ,,kafka-3:9092,' });

    expect(config.KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9092', 'kafka-3:9092']);
  });

  test('Given a broker list with no entries, then KAFKA_BROKERS is reported', () => {
    const error = configErrorOf({ ...VALID_ENV, KAFKA_BROKERS: ' , ' });

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^KAFKA_BROKERS/);
  });

  test('Given a mongodb+srv URL, then it is accepted', () => {
    expect(loadConfig(ServiceEnvSchema, { ...VALID_ENV, MONGO_URL: 'mongodb+srv://cluster.example.net/regua' }).MONGO_URL).toBe('mongodb+srv://cluster.example.net/regua');
  });

  test('Given an out-of-range port and an unknown log level, then each is reported by name', () => {
    const error = configErrorOf({ ...VALID_ENV, HTTP_PORT: '70000', LOG_LEVEL: 'verbose' });

    expect(error.message).toContain('HTTP_PORT');
    expect(error.message).toContain('LOG_LEVEL');
  });

  test('Given no HTTP_HOST, then services listen on loopback only; a container sets 0.0.0.0', () => {
    expect(loadConfig(ServiceEnvSchema, VALID_ENV).HTTP_HOST).toBe('127.0.0.1');
    expect(loadConfig(ServiceEnvSchema, { ...VALID_ENV, HTTP_HOST: '0.0.0.0' }).HTTP_HOST).toBe('0.0.0.0');
    expect(configErrorOf({ ...VALID_ENV, HTTP_HOST: 'every interface' }).problems[0]).toMatch(/^HTTP_HOST/);
  });
});
