import { checkCompose, interpolate } from './compose-check.ts';

// A small stand-in for the Compose Specification's schema (the real one is fetched by infra/scripts/install-compose-schema.sh
// and checked against docker-compose.yml by `pnpm deploy:check`): services with an image, ports and a restart policy.
const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    services: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          image: { type: 'string' },
          restart: { enum: ['no', 'always', 'on-failure', 'unless-stopped'] },
          ports: { type: 'array', items: { type: ['string', 'number'] } },
          depends_on: { type: ['array', 'object'] },
          volumes: { type: 'array' },
          environment: { type: 'object' },
        },
        additionalProperties: false,
      },
    },
    volumes: { type: 'object' },
  },
  patternProperties: { '^x-': {} },
  additionalProperties: false,
};

describe('interpolate', () => {
  test('Given the shell-like forms Compose supports, then each resolves as docker compose would', () => {
    const env = { SET: 'value', EMPTY: '' };
    expect(interpolate('${SET}-$SET', env)).toBe('value-value');
    expect(interpolate('${UNSET:-fallback} ${EMPTY:-fallback} ${EMPTY-kept}', env)).toBe('fallback fallback ');
    expect(interpolate('${SET:+alt}${UNSET:+alt}', env)).toBe('alt');
    expect(interpolate('cost $$5 ${UNSET}', env)).toBe('cost $5 ');
    expect(interpolate('${UNSET:-${SET}}', env)).toBe('value');
    expect(() => interpolate('${UNSET:?set it}', env)).toThrow('UNSET');
  });
});

describe('checkCompose', () => {
  test('Given a file with merge keys, extensions and defaults, then it is valid', () => {
    const yaml = ['x-common: &common', '  restart: unless-stopped', 'services:', '  db:', '    image: mongo:7', '    volumes: [data:/data/db, ./conf:/etc/conf:ro]', '  app:', '    <<: *common', '    image: ${IMAGE:-app:1}', '    depends_on: [db]', 'volumes:', '  data:'].join('\n');
    expect(checkCompose(yaml, schema)).toEqual([]);
  });

  test('Given an unknown key and a bad restart policy, then both are reported with their paths', () => {
    const yaml = ['services:', '  app:', '    image: app', '    restart: sometimes', '    prots: ["80:80"]'].join('\n');
    const problems = checkCompose(yaml, schema);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('/services/app: must NOT have additional properties (prots)'), expect.stringContaining('/services/app/restart')]));
  });

  test('Given references the schema cannot check, then a missing service, volume or network is reported', () => {
    const yaml = ['services:', '  app:', '    image: app', '    depends_on: { db: { condition: service_healthy } }', '    volumes: [cache:/cache]'].join('\n');
    expect(checkCompose(yaml, schema)).toEqual(['/services/app/depends_on: no service named db', '/services/app/volumes: volume cache is not declared under the top-level volumes']);
  });

  test('Given YAML that does not parse, then the parser says where', () => {
    expect(checkCompose('services:\n  app: [unclosed', schema)[0]).toMatch(/^\(file\): /);
  });
});
