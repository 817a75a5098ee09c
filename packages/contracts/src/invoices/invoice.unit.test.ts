import { randomUUID } from 'node:crypto';
// @regua/errors is not a dependency of @regua/contracts, so the test reaches it through the workspace path.
import { toFieldIssues } from '@regua/errors';
import { exampleInvoice, exampleSubmission } from '../examples.ts';
import type { Invoice } from './invoice.ts';
import { InvoiceSubmissionV1Schema } from './invoice-submission.v1.ts';

const OCCURRED_AT = '2026-11-20T12:00:00-03:00';

/** A submission as it would arrive as JSON, so that tests can break it in ways the types forbid. */
function submissionJson(invoice: Invoice = exampleInvoice()): Record<string, unknown> & { invoice: Record<string, unknown> & { debtor: Record<string, unknown> & { address: Record<string, unknown>; taxId: Record<string, unknown> } } } {
  return structuredClone(exampleSubmission(randomUUID(), OCCURRED_AT, invoice)) as never;
}

function issuePaths(input: unknown): string[] {
  const result = InvoiceSubmissionV1Schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : toFieldIssues(result.error.issues).map((issue) => issue.path);
}

function issuesAt(input: unknown, path: string): string[] {
  const result = InvoiceSubmissionV1Schema.safeParse(input);
  if (result.success) return [];
  return toFieldIssues(result.error.issues)
    .filter((issue) => issue.path === path)
    .map((issue) => issue.message);
}

describe('InvoiceSubmissionV1Schema', () => {
  test('Given the example submission, when it is parsed, then it is accepted as is', () => {
    const submission = exampleSubmission(randomUUID(), OCCURRED_AT);

    const result = InvoiceSubmissionV1Schema.safeParse(submission);

    expect(result.success).toBe(true);
    expect(result.data).toEqual(submission);
  });

  test('Given formatted documents and a CEP with a dash, when parsed, then they come out as bare digits', () => {
    const json = submissionJson();
    json.invoice.debtor.taxId.number = '529.982.247-25';
    (json.invoice.creditor as Record<string, unknown>).cnpj = '11.222.333/0001-81';
    json.invoice.debtor.address.cep = '01001-000';

    const parsed = InvoiceSubmissionV1Schema.parse(json);

    expect(parsed.invoice.debtor.taxId.number).toBe('52998224725');
    expect(parsed.invoice.creditor.cnpj).toBe('11222333000181');
    expect(parsed.invoice.debtor.address?.cep).toBe('01001000');
  });

  test('Given an unknown top-level field, then it is rejected (strict) and the issue names the field', () => {
    const json = { ...submissionJson(), tenant: 'someone-else' };

    const result = InvoiceSubmissionV1Schema.safeParse(json);

    expect(result.success).toBe(false);
    const issues = toFieldIssues(result.error?.issues ?? []);
    expect(issues).toEqual([expect.objectContaining({ path: '', message: expect.stringContaining('tenant') })]);
  });

  test('Given an unknown field inside the debtor, then it is rejected with the debtor path and the field name', () => {
    const json = submissionJson();
    json.invoice.debtor.nickname = 'Mari';

    expect(issuePaths(json)).toEqual(['invoice.debtor']);
    expect(issuesAt(json, 'invoice.debtor').join(' ')).toContain('nickname');
  });

  test('Given an unknown field inside the address, then it is rejected at invoice.debtor.address', () => {
    const json = submissionJson();
    json.invoice.debtor.address.country = 'BR';

    expect(issuePaths(json)).toEqual(['invoice.debtor.address']);
    expect(issuesAt(json, 'invoice.debtor.address').join(' ')).toContain('country');
  });

  test.each([1234.5, 0.01 + 0.02])('Given amountCents %p (not whole centavos), then it is rejected at invoice.amountCents', (amount) => {
    const json = submissionJson();
    json.invoice.amountCents = amount;

    expect(issuePaths(json)).toEqual(['invoice.amountCents']);
    expect(issuesAt(json, 'invoice.amountCents')).toEqual(['amount must be integer centavos']);
  });

  test.each([0, -100])('Given amountCents %p, then it is rejected as not positive', (amount) => {
    const json = submissionJson();
    json.invoice.amountCents = amount;

    expect(issuePaths(json)).toEqual(['invoice.amountCents']);
  });

  test.each(['XX', 'sp', 'São Paulo'])('Given UF %p, then it is rejected at invoice.debtor.address.uf', (uf) => {
    const json = submissionJson();
    json.invoice.debtor.address.uf = uf;

    expect(issuePaths(json)).toEqual(['invoice.debtor.address.uf']);
  });

  test.each(['0100-1000', '0100100', '010010000', 'ABCDE-FGH'])('Given CEP %p (not 8 digits), then it is rejected at invoice.debtor.address.cep', (cep) => {
    const json = submissionJson();
    json.invoice.debtor.address.cep = cep;

    expect(issuePaths(json)).toEqual(['invoice.debtor.address.cep']);
  });

  test('Given a CPF with a wrong check digit, then it is rejected at invoice.debtor.taxId.number', () => {
    // 529.982.247-25 is valid (see documents.unit.test.ts); changing the last digit breaks it.
    const json = submissionJson();
    json.invoice.debtor.taxId.number = '529.982.247-26';

    expect(issuePaths(json)).toEqual(['invoice.debtor.taxId.number']);
    expect(issuesAt(json, 'invoice.debtor.taxId.number').join(' ')).toMatch(/CPF/);
  });

  test('Given a valid CNPJ stated as a CPF, then it is rejected: the type is stated, not guessed', () => {
    const json = submissionJson();
    json.invoice.debtor.taxId.number = '11222333000181';

    expect(issuePaths(json)).toEqual(['invoice.debtor.taxId.number']);
  });

  test('Given a dueDate before the issueDate, then it is rejected at invoice.dueDate', () => {
    const json = submissionJson(exampleInvoice({ issueDate: '2026-10-01', dueDate: '2026-09-30' }));

    expect(issuePaths(json)).toEqual(['invoice.dueDate']);
    expect(issuesAt(json, 'invoice.dueDate')).toEqual(['dueDate cannot be before issueDate']);
  });

  test('Given a dueDate equal to the issueDate, then it is accepted', () => {
    const json = submissionJson(exampleInvoice({ issueDate: '2026-10-01', dueDate: '2026-10-01' }));

    expect(InvoiceSubmissionV1Schema.safeParse(json).success).toBe(true);
  });

  test.each(['2026-02-30', '2026-02-29', '2026-13-01', '2026-11-5'])('Given dueDate %p, which is not a real calendar date, then it is rejected at invoice.dueDate', (dueDate) => {
    // 2026 is not a leap year (not divisible by 4), so February has 28 days.
    const json = submissionJson(exampleInvoice({ issueDate: '2026-01-15', dueDate }));

    expect(issuePaths(json)).toContain('invoice.dueDate');
    expect(issuesAt(json, 'invoice.dueDate')).toContain('must be a calendar date as YYYY-MM-DD');
  });

  test('Given 29 February of a leap year, then it is accepted', () => {
    const json = submissionJson(exampleInvoice({ issueDate: '2028-01-15', dueDate: '2028-02-29' }));

    expect(InvoiceSubmissionV1Schema.safeParse(json).success).toBe(true);
  });

  test('Given an eventId that is not a UUID and an occurredAt without offset, then both are reported', () => {
    const json = { ...submissionJson(), eventId: 'evt-1', occurredAt: '2026-11-20 12:00' };

    expect(issuePaths(json).sort()).toEqual(['eventId', 'occurredAt']);
  });

  test('Given a phone in a list, when it is malformed, then the issue path carries the index', () => {
    const json = submissionJson();
    json.invoice.debtor.phones = ['(11) 98765-4321', 'call me'];

    expect(issuePaths(json)).toEqual(['invoice.debtor.phones[1]']);
  });
});
