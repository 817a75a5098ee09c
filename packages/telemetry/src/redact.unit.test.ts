import { Writable } from 'node:stream';
import { createLogger } from './logger.ts';
import { maskPersonalData, redactPersonalData } from './redact.ts';

describe('redactPersonalData', () => {
  test('Given personal keys at any depth, then their values are replaced and the rest is kept', () => {
    const submission = { eventId: 'e-1', invoices: [{ invoice: { externalId: 'INV-1', creditor: { name: 'Telco Exemplo S.A.', cnpj: '11.222.333/0001-81' }, debtor: { name: 'Maria da Silva', taxId: { type: 'cpf', number: '52998224725' }, emails: ['maria@example.com'], phones: ['(11) 98765-4321'], address: { cep: '01001-000' } } } }] };

    const redacted = JSON.stringify(redactPersonalData({ batch: { submission } }));

    for (const personal of ['Maria', '52998224725', 'maria@example.com', '98765-4321', '01001-000', '11.222.333/0001-81']) expect(redacted).not.toContain(personal);
    expect(redacted).toContain('INV-1');
    expect(redacted).toContain('Telco Exemplo S.A.');
  });

  test('Given an error whose message quotes input, then the message and stack are masked and its fields kept', () => {
    const error = Object.assign(new Error('no invoice for CPF 529.982.247-25 (maria@example.com)'), { code: 11000 });

    const redacted = redactPersonalData({ err: error }) as { err: { message: string; stack: string; code: number; type: string } };

    expect(redacted.err.message).toBe('no invoice for CPF [number] ([email])');
    expect(redacted.err.stack).not.toContain('529.982.247-25');
    expect(redacted.err).toMatchObject({ code: 11000, type: 'Error' });
  });

  test('Given a cycle, then the walk stops there instead of overflowing', () => {
    const a: Record<string, unknown> = { id: 'a' };
    a.self = a;
    expect(redactPersonalData(a)).toEqual({ id: 'a', self: '[…]' });
  });
});

describe('maskPersonalData', () => {
  test('Given ids, counts and ISO dates, then they stay readable', () => {
    expect(maskPersonalData('invoice demo-bank:INV-000123 step 2 due 2026-11-05, 500 messages')).toBe('invoice demo-bank:INV-000123 step 2 due 2026-11-05, 500 messages');
  });
});

describe('the service logger', () => {
  test('Given a log line with personal data deep inside and in its message, then none of it reaches the output', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) });
    const logger = createLogger({ service: 'test' }, sink);

    logger.warn({ run: { items: [{ value: { data: { debtor: { name: 'João Souza', taxId: { number: '39053344705' } } } } }] }, err: new Error('bad phone +55 11 91234-5678') }, 'rejected for 39053344705');

    const output = lines.join('');
    for (const personal of ['João', '39053344705', '91234-5678']) expect(output).not.toContain(personal);
    expect(output).toContain('rejected for [number]');
  });
});
