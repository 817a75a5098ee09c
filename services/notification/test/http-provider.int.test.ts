// The HTTP provider channel against a provider on loopback: what it sends, what it asks, and how a send whose
// outcome is unknown is not repeated.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@regua/telemetry';
import { httpProviderChannel } from '../src/channels.ts';

const message = { tenant: 'bank', caseId: 'bank:INV-1', reference: 'bank:INV-1:0', channel: 'whatsapp' as const, address: '+5511987654321', text: 'Olá' };

describe('HTTP provider channel', () => {
  let server: Server;
  let url: string;
  const posts: Array<Record<string, unknown>> = [];
  let holdPosts = false;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const at = new URL(request.url ?? '/', 'http://provider');
        if (request.method === 'POST') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          posts.push(body);
          if (holdPosts) return; // taken, never answered
          response.writeHead(202).end();
          return;
        }
        const sent = posts.some((p) => p.reference === at.searchParams.get('reference'));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sent }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    posts.length = 0;
    holdPosts = false;
  });

  const channel = (timeoutMs = 2000) => httpProviderChannel({ url, timeoutMs, logger: createLogger({ service: 'test', level: 'silent' }) });

  test('Given a message, then it is POSTed with its reference, and the provider is asked about that reference', async () => {
    const provider = channel();
    await provider.send(message);
    expect(posts).toEqual([{ reference: 'bank:INV-1:0', tenant: 'bank', caseId: 'bank:INV-1', channel: 'whatsapp', to: '+5511987654321', text: 'Olá' }]);
    expect(await provider.wasSent!('bank:INV-1:0')).toBe(true);
    expect(await provider.wasSent!('bank:INV-2:0')).toBe(false);
  });

  test('Given the provider took the message but never answered, then the send fails, and sending it again only asks', async () => {
    const provider = channel(300);
    holdPosts = true;
    await expect(provider.send(message)).rejects.toThrow(/did not answer/);
    holdPosts = false;
    await provider.send(message);
    expect(posts).toHaveLength(1);
  });

  test('Given no provider listening, then the provider cannot say whether it took a message', async () => {
    const gone = httpProviderChannel({ url: 'http://127.0.0.1:1', timeoutMs: 500, logger: createLogger({ service: 'test', level: 'silent' }) });
    expect(await gone.wasSent!('bank:INV-1:0')).toBeUndefined();
    await expect(gone.send(message)).rejects.toThrow();
  });
});
