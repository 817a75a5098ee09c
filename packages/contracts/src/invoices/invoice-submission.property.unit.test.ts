import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { buildEnvelope } from '../envelope.ts';
import { UF_CODES } from '../br/documents.ts';
import { exampleInvoice, exampleSubmission } from '../examples.ts';
import { InvoiceRegisteredV1 } from './invoice-registered.v1.ts';
import { InvoiceSubmissionV1Schema, type InvoiceSubmissionV1 } from './invoice-submission.v1.ts';

const VALID_CPFS = ['529.982.247-25', '52998224725', '100.000.001-08'];
const VALID_CNPJS = ['11.222.333/0001-81', '11222333000181'];

const day = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const text = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: 'grapheme' }).filter((s) => !s.includes('\u0000'));

/** Submissions the contract must accept: every field drawn from within its bounds. */
const validSubmission: fc.Arbitrary<InvoiceSubmissionV1> = fc
  .record({
    eventId: fc.uuid({ version: 4 }),
    occurredAt: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    externalId: text(100),
    amountCents: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    dates: fc.tuple(day, day).map(([a, b]) => (a <= b ? [a, b] : [b, a])),
    status: fc.constantFrom('open', 'paid', 'cancelled', 'renegotiated' as const),
    cpf: fc.constantFrom(...VALID_CPFS),
    cnpj: fc.constantFrom(...VALID_CNPJS),
    debtorName: text(200),
    uf: fc.constantFrom(...UF_CODES),
    cep: fc.stringMatching(/^\d{5}-?\d{3}$/),
    emails: fc.array(fc.constantFrom('maria@example.com', 'Joao.Souza+cobranca@exemplo.com.br'), { maxLength: 10 }),
  })
  .map((r) =>
    exampleSubmission(
      r.eventId,
      r.occurredAt,
      exampleInvoice({
        externalId: r.externalId,
        amountCents: r.amountCents,
        issueDate: r.dates[0]!,
        dueDate: r.dates[1]!,
        status: r.status,
        creditor: { name: 'Banco Exemplo S.A.', cnpj: r.cnpj },
        debtor: { ...exampleInvoice().debtor, name: r.debtorName, taxId: { type: 'cpf', number: r.cpf }, emails: r.emails, address: { street: 'Rua das Flores', number: '100', district: 'Centro', city: 'São Paulo', uf: r.uf, cep: r.cep } },
      }),
    ),
  );

const pathsOf = (input: unknown) => {
  const result = InvoiceSubmissionV1Schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('InvoiceSubmissionV1 (property-based)', () => {
  test('Given any submission within the bounds, then it is accepted', () => {
    fc.assert(
      fc.property(validSubmission, (submission) => {
        expect(pathsOf(submission)).toEqual([]);
      }),
    );
  });

  test('Given an accepted submission, then what it parses to survives JSON and parses to itself again', () => {
    fc.assert(
      fc.property(validSubmission, (submission) => {
        const parsed = InvoiceSubmissionV1Schema.parse(submission);
        const again = InvoiceSubmissionV1Schema.parse(JSON.parse(JSON.stringify(parsed)));
        expect(again).toEqual(parsed);
      }),
    );
  });

  test('Given an amount that is not a positive integer, then it is refused at invoice.amountCents', () => {
    const badAmount = fc.oneof(fc.integer({ max: 0 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)), fc.constantFrom(Number.NaN, Infinity));
    fc.assert(
      fc.property(validSubmission, badAmount, (submission, amountCents) => {
        expect(pathsOf({ ...submission, invoice: { ...submission.invoice, amountCents } })).toEqual(['invoice.amountCents']);
      }),
    );
  });

  test('Given a due date before the issue date, then it is refused at invoice.dueDate', () => {
    fc.assert(
      fc.property(validSubmission, fc.tuple(day, day).filter(([a, b]) => a !== b), (submission, [a, b]) => {
        const [issueDate, dueDate] = a > b ? [a, b] : [b, a];
        expect(pathsOf({ ...submission, invoice: { ...submission.invoice, issueDate, dueDate } })).toEqual(['invoice.dueDate']);
      }),
    );
  });

  test('Given a date that is not a calendar day, then it is refused at its own path', () => {
    const notADay = fc.oneof(
      fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 })),
      fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.constantFrom(4, 6, 9, 11), fc.constant(31)),
      fc.tuple(fc.integer({ min: 2000, max: 2099 }).filter((y) => y % 4 !== 0), fc.constant(2), fc.constant(29)),
    ).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(validSubmission, notADay, (submission, issueDate) => {
        expect(pathsOf({ ...submission, invoice: { ...submission.invoice, issueDate } })).toContain('invoice.issueDate');
      }),
    );
  });

  test('Given a NUL character anywhere in a name, then it is refused at that field (PostgreSQL could not store it)', () => {
    fc.assert(
      fc.property(validSubmission, fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (submission, before, after) => {
        const name = `${before}\u0000${after}`;
        expect(pathsOf({ ...submission, invoice: { ...submission.invoice, debtor: { ...submission.invoice.debtor, name } } })).toEqual(['invoice.debtor.name']);
      }),
    );
  });

  test('Given any accepted submission, then the envelope buildEnvelope wraps it in is accepted by the event schema', () => {
    fc.assert(
      fc.property(validSubmission, fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), fc.stringMatching(/^[\w.-]{1,64}$/), (submission, at, tenant) => {
        const { invoice } = InvoiceSubmissionV1Schema.parse(submission);
        const envelope = buildEnvelope(InvoiceRegisteredV1, { id: randomUUID(), occurredAt: at, source: 'ingestion', tenant, correlationId: submission.eventId }, { invoiceId: `${tenant}:${invoice.externalId}`, invoice, revision: 1 });
        expect(InvoiceRegisteredV1.schema.safeParse(JSON.parse(JSON.stringify(envelope))).error).toBeUndefined();
      }),
    );
  });
});
