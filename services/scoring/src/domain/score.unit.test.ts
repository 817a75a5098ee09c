import type { z } from 'zod';
import type { DebtorEnrichedV1 } from '@regua/contracts';
import { daysPastDue, scoreDebtor, segmentFor } from './score.ts';

type Profile = z.infer<typeof DebtorEnrichedV1.data>;

const DUE_DATE = '2026-11-05';
const DAY = 86_400_000;
const dueDay = Date.parse(`${DUE_DATE}T12:00:00Z`);
const daysAfterDue = (days: number) => new Date(dueDay + days * DAY);

function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    invoiceId: 'banco:INV-1',
    debtorId: 'banco:CUST-42',
    debtorName: 'Maria da Silva',
    amountCents: 123456,
    dueDate: DUE_DATE,
    status: 'open',
    productType: 'credit_card',
    creditorName: 'Banco Exemplo S.A.',
    contacts: { emails: ['maria@example.com'], mobilePhones: ['+5511987654321'], landlines: [] },
    uf: 'SP',
    timeZone: 'America/Sao_Paulo',
    ...overrides,
  };
}

describe('daysPastDue', () => {
  test("counts in the debtor's calendar: 22:00 in São Paulo on the due date is 01:00 UTC the next day, still day 0", () => {
    expect(daysPastDue(DUE_DATE, new Date('2026-11-06T01:00:00Z'), 'America/Sao_Paulo')).toBe(0);
    expect(daysPastDue(DUE_DATE, new Date('2026-11-06T01:00:00Z'))).toBe(1);
  });

  test('Given any time on the due date, then it is 0 days past due', () => {
    expect(daysPastDue(DUE_DATE, new Date('2026-11-05T00:00:00Z'))).toBe(0);
    expect(daysPastDue(DUE_DATE, new Date('2026-11-05T23:59:59Z'))).toBe(0);
  });

  test('Given the following days, then it counts whole calendar days', () => {
    expect(daysPastDue(DUE_DATE, new Date('2026-11-06T00:00:00Z'))).toBe(1);
    // November has 30 days: 25 days to 30 Nov, then 5 more.
    expect(daysPastDue(DUE_DATE, new Date('2026-12-05T10:00:00Z'))).toBe(30);
  });

  test('Given a day before the due date, then it is negative', () => {
    expect(daysPastDue(DUE_DATE, new Date('2026-11-01T12:00:00Z'))).toBe(-4);
  });
});

describe('scoreDebtor', () => {
  test('Given a reachable credit-card debtor 10 days late on R$ 1.234,56, then the score follows the documented factors', () => {
    // base 700; delay -round(10 × 2.5) = -25; amount -round(log10(1234.56) × 35) = -round(108.2) = -108;
    // mobile +80; credit_card 0  →  647, which is ≥ 600: low risk.
    const result = scoreDebtor(profile(), daysAfterDue(10));

    expect(result.factors).toEqual({ base: 700, delay: -25, amount: -108, reachable: 80, product: 0 });
    expect(result.score).toBe(647);
    expect(result.segment).toBe('low_risk');
  });

  test('Given more days overdue, then the score goes down', () => {
    const scores = [0, 1, 10, 30, 90, 150].map((days) => scoreDebtor(profile(), daysAfterDue(days)).score);

    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThan(scores[i - 1]!);
  });

  test('Given a debt past the delay cap (160 days × 2.5 = 400), then more days no longer lower the score', () => {
    expect(scoreDebtor(profile(), daysAfterDue(400)).score).toBe(scoreDebtor(profile(), daysAfterDue(160)).score);
    expect(scoreDebtor(profile(), daysAfterDue(400)).factors.delay).toBe(-400);
  });

  test('Given a due date still in the future, then it scores like the due date itself', () => {
    expect(scoreDebtor(profile(), daysAfterDue(-5)).score).toBe(scoreDebtor(profile(), daysAfterDue(0)).score);
  });

  test('Given a debtor with no contacts, then they score lower than one with an e-mail, who scores lower than one with a mobile', () => {
    const today = daysAfterDue(20);
    const withMobile = scoreDebtor(profile({ contacts: { emails: [], mobilePhones: ['+5511987654321'], landlines: [] } }), today).score;
    const withEmail = scoreDebtor(profile({ contacts: { emails: ['maria@example.com'], mobilePhones: [], landlines: [] } }), today).score;
    const unreachable = scoreDebtor(profile({ contacts: { emails: [], mobilePhones: [], landlines: ['+551134567890'] } }), today).score;

    // +80, +30 and -120 respectively
    expect(withMobile - withEmail).toBe(50);
    expect(withEmail - unreachable).toBe(150);
  });

  test('Given the worst of every factor, then the score is floored at 0 and segmented high risk', () => {
    // 700 - 400 (delay cap) - 150 (amount cap) - 120 (unreachable) - 40 (loan) = -10 → 0
    const result = scoreDebtor(profile({ amountCents: 100_000_000, productType: 'loan', contacts: { emails: [], mobilePhones: [], landlines: [] } }), daysAfterDue(365));

    expect(result.score).toBe(0);
    expect(result.segment).toBe('high_risk');
  });

  test('Given the best of every factor, then the score stays within 1000', () => {
    // 700 + 0 + 0 (R$ 0,01: log10(max(1, 0.01)) = 0) + 80 + 40 = 820
    const result = scoreDebtor(profile({ amountCents: 1, productType: 'utility' }), daysAfterDue(0));

    expect(result.score).toBe(820);
    expect(result.score).toBeLessThanOrEqual(1000);
  });

  test('Given many combinations, then every score is an integer within 0–1000', () => {
    for (const days of [-10, 0, 7, 45, 200]) {
      for (const amountCents of [1, 5_000, 123_456, 10_000_000, 1_000_000_000]) {
        for (const productType of ['loan', 'utility', 'retail'] as const) {
          const { score } = scoreDebtor(profile({ amountCents, productType }), daysAfterDue(days));
          expect(Number.isInteger(score)).toBe(true);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1000);
        }
      }
    }
  });
});

describe('segmentFor', () => {
  test.each([
    [1000, 'low_risk'],
    [600, 'low_risk'],
    [599, 'medium_risk'],
    [350, 'medium_risk'],
    [349, 'high_risk'],
    [0, 'high_risk'],
  ])('Given score %p, then the segment is %s', (score, segment) => {
    expect(segmentFor(score)).toBe(segment);
  });
});
