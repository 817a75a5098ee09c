import { readFileSync } from 'node:fs';
import { ServiceEnvSchema, z } from '@regua/config';
import { loadServiceSchemas, OPERATIONS_DOC, renderConfigReference, withReference } from './config-reference.ts';

describe('the configuration reference in docs/operations.md', () => {
  test('Given the services\' zod schemas as they are now, then the reference in the document is what they generate (run `pnpm docs:config` when this fails)', async () => {
    const doc = readFileSync(OPERATIONS_DOC, 'utf8');
    const services = await loadServiceSchemas();

    expect(services.map((s) => s.service)).toEqual(expect.arrayContaining(['ingestion', 'enrichment', 'scoring', 'notification', 'payment-reconciliation']));
    expect(withReference(doc, renderConfigReference(services))).toBe(doc);
  });

  test('Given a schema, then each variable shows its type, default or requirement, and description, from .describe() or the doc comment above it', () => {
    const source = ['export const S = ServiceEnvSchema.extend({', '  /** Pauses between sweeps. */', '  SWEEP_MS: z.coerce.number().int().positive().default(5000),', '  MODE: z.enum(["a", "b"]).describe("how it runs"),', '});'].join('\n');
    const schema = ServiceEnvSchema.extend({ SWEEP_MS: z.coerce.number().int().positive().default(5000), MODE: z.enum(['a', 'b']).describe('how it runs') });

    const reference = renderConfigReference([{ service: 'sweeper', schema, source }]);
    const own = reference.slice(reference.indexOf('### sweeper'));

    expect(own).toContain('| `SWEEP_MS` | integer, > 0 | `5000` | Pauses between sweeps. |');
    expect(own).toContain('| `MODE` | `a`, `b` | **required** | how it runs |');
    // Shared variables are listed once, under "Every service", unless the service changes them.
    expect(own).not.toContain('`MONGO_URL`');
    expect(reference).toContain('| `MONGO_URL` | URL | **required** |');
  });

  test('Given a document without the markers, then regenerating says so instead of writing elsewhere', () => {
    expect(() => withReference('# no markers', 'x')).toThrow('markers');
  });
});
