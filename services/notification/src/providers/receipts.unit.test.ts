import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProviderSandbox } from '@regua/provider-sandbox';
import { isOptOutReply, ReceiptSchema, SIGNATURE_HEADER, signatureOf, verifySignature } from './receipts.ts';

const SECRET = 'a-shared-receipts-secret';
const receipt = { provider: 'whatsapp-cloud', channel: 'whatsapp', reference: 'case-1:0', providerMessageId: 'wamid.ABC', status: 'delivered', at: '2026-11-26T12:00:00.000Z' };

describe('receipt signatures', () => {
  const raw = Buffer.from(JSON.stringify(receipt));

  test('Given the HMAC-SHA256 of the raw body under the secret, then it verifies', () => {
    expect(verifySignature(raw, signatureOf(raw, SECRET), SECRET)).toBe(true);
    expect(verifySignature(raw, signatureOf(raw, SECRET).toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
  });

  test('Given a body changed after signing, even by one space, then it does not verify', () => {
    const signature = signatureOf(raw, SECRET);
    expect(verifySignature(Buffer.from(JSON.stringify({ ...receipt, status: 'read' })), signature, SECRET)).toBe(false);
    expect(verifySignature(Buffer.from(JSON.stringify(receipt, null, 1)), signature, SECRET)).toBe(false);
  });

  test('Given another secret, no header, a malformed header or an empty secret, then it does not verify', () => {
    expect(verifySignature(raw, signatureOf(raw, 'another-secret'), SECRET)).toBe(false);
    expect(verifySignature(raw, undefined, SECRET)).toBe(false);
    expect(verifySignature(raw, signatureOf(raw, SECRET).replace('sha256=', ''), SECRET)).toBe(false);
    expect(verifySignature(raw, 'sha256=abc', SECRET)).toBe(false);
    expect(verifySignature(raw, signatureOf(raw, ''), '')).toBe(false);
  });
});

describe('the receipt body', () => {
  test('Given each status, then it parses; a reply needs its text, and an unknown status or channel is refused', () => {
    expect(ReceiptSchema.parse(receipt)).toEqual(receipt);
    expect(ReceiptSchema.safeParse({ ...receipt, status: 'replied', replyText: 'PARAR' }).success).toBe(true);
    expect(ReceiptSchema.safeParse({ ...receipt, status: 'replied' }).success).toBe(false);
    expect(ReceiptSchema.safeParse({ ...receipt, status: 'opened' }).success).toBe(false);
    expect(ReceiptSchema.safeParse({ ...receipt, channel: 'fax' }).success).toBe(false);
    expect(ReceiptSchema.safeParse({ ...receipt, at: 'yesterday' }).success).toBe(false);
  });
});

describe('opt-out replies', () => {
  test.each(['PARAR', 'parar', 'Parar.', '  pare!', 'SAIR', 'Sair por favor', 'cancelar', 'CANCELAR envio', 'STOP', 'stop please', 'Não quero mais receber', 'nao quero mais receber essas mensagens', 'NÃO QUERO MAIS RECEBER!', 'Descadastrar'])('"%s" opts out', (text) => {
    expect(isOptOutReply(text)).toBe(true);
  });

  test.each(['não vou parar de pagar', 'Já paguei', 'quero negociar, não parar', 'vou sair para pagar no banco', 'Por que não posso cancelar a dívida?', 'stopped', 'parara', '', '   '])('"%s" does not opt out', (text) => {
    expect(isOptOutReply(text)).toBe(false);
  });
});

describe('receipts from the provider sandbox', () => {
  let server: Server;
  const got: Array<{ raw: Buffer; signature: string | undefined }> = [];
  let arrived: () => void = () => undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        got.push({ raw: Buffer.concat(chunks), signature: request.headers[SIGNATURE_HEADER] as string | undefined });
        response.writeHead(204).end();
        arrived();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('Given a message the sandbox takes, with delays at zero, then its receipts arrive signed with the shared secret and parse', async () => {
    const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/receipts`;
    const zero: [number, number] = [0, 0];
    const sandbox = await startProviderSandbox({ tokens: { email: 'e', sms: 's', whatsapp: 'w', voice: 'v' }, webhookUrl, webhookSecret: SECRET, delays: { deliveredMs: zero, readMs: zero, replyMs: zero }, rates: { failed: 0, read: 1, reply: 1 }, replies: ['PARAR'] });
    try {
      const all = new Promise<void>((resolve) => (arrived = () => got.length >= 3 && resolve()));
      await fetch(`${sandbox.url}/whatsapp/v21.0/123/messages`, { method: 'POST', headers: { authorization: 'Bearer w', 'content-type': 'application/json' }, body: JSON.stringify({ messaging_product: 'whatsapp', to: '5511987654321', type: 'text', text: { body: 'Olá' }, biz_opaque_callback_data: 'case-2:0' }) });
      await all;
      for (const { raw, signature } of got) {
        expect(verifySignature(raw, signature, SECRET)).toBe(true);
        expect(verifySignature(raw, signature, 'not-the-secret')).toBe(false);
      }
      const receipts = got.map(({ raw }) => ReceiptSchema.parse(JSON.parse(raw.toString('utf8'))));
      expect(receipts.map((r) => r.status).sort()).toEqual(['delivered', 'read', 'replied']);
      expect(receipts.every((r) => r.reference === 'case-2:0' && r.channel === 'whatsapp')).toBe(true);
      expect(isOptOutReply(receipts.find((r) => r.status === 'replied')!.replyText!)).toBe(true);
    } finally {
      await sandbox.close();
    }
  });
});
