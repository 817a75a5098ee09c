import { exampleInvoice, exampleSubmission, InvoiceSubmissionV1Schema } from '@regua/contracts';
import { decideIngest, eventKindFor, foldSubmissions, type StoredInvoiceState } from './ingest.ts';

const STORED_EVENT = '11111111-1111-4111-8111-111111111111';
const NEW_EVENT = '22222222-2222-4222-8222-222222222222';
const STORED_AT = '2026-11-20T12:00:00-03:00';

const stored = (): StoredInvoiceState => ({ lastEventId: STORED_EVENT, lastOccurredAt: STORED_AT, invoice: exampleInvoice() });

describe('decideIngest', () => {
  test('Given nothing stored, then the invoice is registered', () => {
    expect(decideIngest(undefined, exampleSubmission(NEW_EVENT, STORED_AT))).toEqual({ kind: 'register' });
  });

  test('Given a submission older than the stored one, then it is stale and names the stored time', () => {
    const older = exampleSubmission(NEW_EVENT, '2026-11-20T11:59:59-03:00', exampleInvoice({ amountCents: 1 }));

    expect(decideIngest(stored(), older)).toEqual({ kind: 'stale', storedOccurredAt: STORED_AT });
  });

  test('Given offsets that differ, then times are compared as instants, not as text', () => {
    // 14:00Z sorts after "12:00-03:00" as text but is an hour earlier (12:00-03:00 = 15:00Z).
    const older = exampleSubmission(NEW_EVENT, '2026-11-20T14:00:00Z', exampleInvoice({ amountCents: 1 }));

    expect(decideIngest(stored(), older).kind).toBe('stale');
  });

  test('Given the stored event id again, then it is unchanged, whatever it carries', () => {
    const replay = exampleSubmission(STORED_EVENT, '2026-11-21T12:00:00-03:00', exampleInvoice({ amountCents: 999 }));

    expect(decideIngest(stored(), replay)).toEqual({ kind: 'unchanged' });
  });

  test('Given a newer submission with a new amount and due date, then it is an update listing exactly those fields', () => {
    const newer = exampleSubmission(NEW_EVENT, '2026-11-21T09:00:00-03:00', exampleInvoice({ amountCents: 100000, dueDate: '2026-11-30' }));

    const decision = decideIngest(stored(), newer);

    expect(decision.kind).toBe('update');
    expect(decision.kind === 'update' && [...decision.changedFields].sort()).toEqual(['amountCents', 'dueDate']);
  });

  test('Given a newer submission that changes the debtor\'s contacts and the status, then debtor and status are listed', () => {
    const base = exampleInvoice();
    const newer = exampleSubmission(NEW_EVENT, '2026-11-21T09:00:00-03:00', exampleInvoice({ status: 'paid', debtor: { ...base.debtor, emails: ['maria@new.example'] } }));

    const decision = decideIngest(stored(), newer);

    expect(decision.kind === 'update' && [...decision.changedFields].sort()).toEqual(['debtor', 'status']);
  });

  test('Given a submission at the same instant with new content, then it is applied (only strictly older ones are stale)', () => {
    const sameInstant = exampleSubmission(NEW_EVENT, '2026-11-20T15:00:00Z', exampleInvoice({ amountCents: 50000 }));

    expect(decideIngest(stored(), sameInstant)).toEqual({ kind: 'update', changedFields: ['amountCents'] });
  });

  test('Given a newer event with equal content, then it is unchanged', () => {
    const newer = exampleSubmission(NEW_EVENT, '2026-11-22T12:00:00-03:00', exampleInvoice());

    expect(decideIngest(stored(), newer)).toEqual({ kind: 'unchanged' });
  });

  test('Given a newer event that changes issue date, product and creditor name, then those fields are listed', () => {
    const base = exampleInvoice();
    const newer = exampleSubmission(
      NEW_EVENT,
      '2026-11-22T12:00:00-03:00',
      exampleInvoice({ issueDate: '2026-09-30', productType: 'loan', creditor: { ...base.creditor, name: 'Banco Exemplo Múltiplo S.A.' } }),
    );

    const decision = decideIngest(stored(), newer);

    expect(decision.kind === 'update' && [...decision.changedFields].sort()).toEqual(['creditor', 'issueDate', 'productType']);
  });

  test('Given the same content with the debtor\'s keys in another order, once parsed, then it is unchanged', () => {
    const base = exampleInvoice();
    const { externalId, name, taxId, emails, phones, address } = base.debtor;
    const reordered = InvoiceSubmissionV1Schema.parse({ eventId: NEW_EVENT, occurredAt: '2026-11-22T12:00:00-03:00', invoice: { ...base, debtor: { address, phones, emails, taxId, name, externalId } } });

    expect(decideIngest(stored(), reordered)).toEqual({ kind: 'unchanged' });
  });
});

describe('foldSubmissions', () => {
  const EVENT_3 = '33333333-3333-4333-8333-333333333333';

  test('Given a registration then a newer change in one batch, then the second is an update of the first', () => {
    const first = exampleSubmission(STORED_EVENT, STORED_AT);
    const second = exampleSubmission(NEW_EVENT, '2026-11-21T12:00:00-03:00', exampleInvoice({ amountCents: 100000 }));

    const { transitions, final } = foldSubmissions(undefined, [first, second]);

    expect(transitions.map((t) => t.outcome)).toEqual(['registered', 'updated']);
    expect(transitions[1]?.event).toEqual({ kind: 'updated', changedFields: ['amountCents'], revision: 2 });
    expect(final).toEqual({ lastEventId: NEW_EVENT, lastOccurredAt: second.occurredAt, invoice: second.invoice, revision: 2, lastEvent: { outcome: 'updated', kind: 'updated', changedFields: ['amountCents'], revision: 2 } });
  });

  test('Given the stored event id again without a receipt (a crash before it), then its event is produced again with its first outcome', () => {
    const first = exampleSubmission(STORED_EVENT, STORED_AT);
    const written = foldSubmissions(undefined, [first]).final;

    const { transitions, final } = foldSubmissions(written, [first]);

    expect(transitions).toEqual([{ submission: first, outcome: 'registered', event: { kind: 'registered', changedFields: [], revision: 1 } }]);
    expect(final).toEqual(written);
  });

  test('Given the stored event id again when it published nothing, then it is unchanged and produces nothing', () => {
    const noOp = exampleSubmission(NEW_EVENT, '2026-11-23T12:00:00-03:00', exampleInvoice());
    const afterNoOp = foldSubmissions(stored(), [noOp]).final;

    const { transitions } = foldSubmissions(afterNoOp, [noOp]);

    expect(transitions).toEqual([{ submission: noOp, outcome: 'unchanged' }]);
  });

  test('Given a newer no-op then an older change, then the older change is stale: the no-op moved the clock', () => {
    const noOp = exampleSubmission(NEW_EVENT, '2026-11-23T12:00:00-03:00', exampleInvoice());
    const olderChange = exampleSubmission(EVENT_3, '2026-11-22T12:00:00-03:00', exampleInvoice({ amountCents: 1 }));

    const { transitions, final } = foldSubmissions(stored(), [noOp, olderChange]);

    expect(transitions.map((t) => t.outcome)).toEqual(['unchanged', 'stale']);
    expect(final?.lastOccurredAt).toBe(noOp.occurredAt);
    expect(final?.invoice).toEqual(exampleInvoice());
  });

  test('Given a change of status to paid, then the event tells collection to stop', () => {
    const paid = exampleSubmission(NEW_EVENT, '2026-11-21T12:00:00-03:00', exampleInvoice({ status: 'paid' }));

    expect(foldSubmissions(stored(), [paid]).transitions[0]?.event).toEqual({ kind: 'settled-by-creditor', changedFields: ['status'], revision: 2 });
  });

  describe('revisions', () => {
    const at = (day: number) => `2026-11-${day}T12:00:00-03:00`;
    const EVENT_4 = '44444444-4444-4444-8444-444444444444';
    const EVENT_5 = '55555555-5555-4555-8555-555555555555';

    test('Given a registration and accepted changes, then each published event carries the next revision; stale and unchanged ones take none', () => {
      const submissions = [
        exampleSubmission(STORED_EVENT, at(20)),
        exampleSubmission(NEW_EVENT, at(21), exampleInvoice({ amountCents: 100000 })),
        exampleSubmission(EVENT_3, at(19), exampleInvoice({ amountCents: 1 })),
        exampleSubmission(EVENT_4, at(22), exampleInvoice({ amountCents: 100000 })),
        exampleSubmission(EVENT_5, at(23), exampleInvoice({ amountCents: 80000 })),
      ];

      const { transitions, final } = foldSubmissions(undefined, submissions);

      expect(transitions.map((t) => [t.outcome, t.event?.revision])).toEqual([
        ['registered', 1],
        ['updated', 2],
        ['stale', undefined],
        ['unchanged', undefined],
        ['updated', 3],
      ]);
      expect(final?.revision).toBe(3);
      expect(final?.lastEvent?.revision).toBe(3);
    });

    test('Given a newer no-op after a change, then the revision is kept for the next change', () => {
      const change = exampleSubmission(NEW_EVENT, at(21), exampleInvoice({ amountCents: 100000 }));
      const noOp = exampleSubmission(EVENT_3, at(22), exampleInvoice({ amountCents: 100000 }));
      const afterNoOp = foldSubmissions({ ...stored(), revision: 4 }, [change, noOp]).final;
      expect(afterNoOp).toMatchObject({ lastEventId: EVENT_3, revision: 5 });

      const next = foldSubmissions(afterNoOp, [exampleSubmission(EVENT_4, at(23), exampleInvoice({ amountCents: 1 }))]);

      expect(next.transitions[0]?.event?.revision).toBe(6);
    });

    test('Given the stored change again after a crash (no receipt), then its event is produced again with the same revision, not the next', () => {
      const change = exampleSubmission(NEW_EVENT, at(21), exampleInvoice({ amountCents: 100000 }));
      const written = foldSubmissions({ ...stored(), revision: 7 }, [change]).final;
      expect(written?.revision).toBe(8);

      const { transitions, final } = foldSubmissions(written, [change]);

      expect(transitions[0]?.event).toEqual({ kind: 'updated', changedFields: ['amountCents'], revision: 8 });
      expect(final).toEqual(written);
    });

    test('Given an invoice stored before revisions (none stored), then it counts as its registration and the next change is revision 2', () => {
      const change = exampleSubmission(NEW_EVENT, at(21), exampleInvoice({ amountCents: 100000 }));

      expect(foldSubmissions(stored(), [change]).transitions[0]?.event?.revision).toBe(2);
    });
  });
});

describe('eventKindFor', () => {
  test.each([
    ['open', 'paid', 'settled-by-creditor'],
    ['open', 'cancelled', 'settled-by-creditor'],
    ['open', 'renegotiated', 'updated'],
    ['paid', 'paid', 'updated'],
  ] as const)('Given status %s → %s, then the event is %s', (from, to, kind) => {
    expect(eventKindFor(exampleInvoice({ status: from }), exampleInvoice({ status: to }))).toBe(kind);
  });

  test('Given no previous invoice, then the event is a registration', () => {
    expect(eventKindFor(undefined, exampleInvoice())).toBe('registered');
  });
});
