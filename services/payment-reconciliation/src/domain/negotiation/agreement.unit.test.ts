import { ValidationError } from '@regua/errors';
import { agreementStatus } from './agreement.ts';
import { priceSchedule } from './price-table.ts';

// Three installments of 100,00 due 2027-01-31, 2027-02-28 and 2027-03-31; grace 5 days by default, so the first must be
// covered by 2027-02-05 and the agreement counts as broken from 2027-02-06.
const SCHEDULE = priceSchedule(30000, 0, 3, '2027-01-31');
const states = (today: string, payments: Array<{ paidAt: string; amountCents: number }>, graceDays?: number) => {
  const status = agreementStatus({ schedule: SCHEDULE, payments, today, ...(graceDays === undefined ? {} : { graceDays }) });
  return { ...status, states: status.installments.map((i) => `${i.status}:${i.paidCents}`) };
};

describe('agreementStatus: installments paid oldest first, broken past the grace period', () => {
  test('Given the first installment paid early, then it is paid and the others are open', () => {
    const status = states('2027-02-10', [{ paidAt: '2027-01-30', amountCents: 10000 }]);
    expect(status.states).toEqual(['paid:10000', 'open:0', 'open:0']);
    expect(status.installments[0]?.paidOn).toBe('2027-01-30');
    expect(status).toMatchObject({ paidCents: 10000, outstandingCents: 20000, creditCents: 0, settled: false, broken: false });
  });

  test('Given 150,00 paid against the first, then the excess carries to the second, partially paid', () => {
    expect(states('2027-02-10', [{ paidAt: '2027-01-31', amountCents: 15000 }]).states).toEqual(['paid:10000', 'partially_paid:5000', 'open:0']);
  });

  test('Given nothing paid, then the first is late within the grace period and breaks the agreement the day after it', () => {
    expect(states('2027-02-05', [])).toMatchObject({ states: ['late:0', 'open:0', 'open:0'], broken: false });
    const broken = states('2027-02-06', []);
    expect(broken).toMatchObject({ broken: true, brokenOn: '2027-02-06', reason: 'installment 1 (due 2027-01-31) was 10000 centavos short 5 days after its due date' });
  });

  test('Given a partial payment past the due date, then the installment is late for its shortfall', () => {
    const status = states('2027-02-07', [{ paidAt: '2027-02-01', amountCents: 4000 }]);
    expect(status.states).toEqual(['late:4000', 'open:0', 'open:0']);
    expect(status.reason).toBe('installment 1 (due 2027-01-31) was 6000 centavos short 5 days after its due date');
  });

  test('Given the first paid on the last day of grace, then the agreement stands', () => {
    expect(states('2027-02-20', [{ paidAt: '2027-02-05', amountCents: 10000 }])).toMatchObject({ states: ['paid:10000', 'open:0', 'open:0'], broken: false });
  });

  test('Given the first paid after its grace period, then the agreement stays broken from that date', () => {
    const status = states('2027-02-20', [{ paidAt: '2027-02-07', amountCents: 10000 }]);
    expect(status).toMatchObject({ states: ['paid:10000', 'open:0', 'open:0'], broken: true, brokenOn: '2027-02-06' });
  });

  test('Given no grace, then the day after the due date breaks it', () => {
    expect(states('2027-02-01', [], 0)).toMatchObject({ broken: true, brokenOn: '2027-02-01' });
  });

  test('Given everything paid, even late, then it is settled and not broken; an excess is a credit', () => {
    const payments = [
      { paidAt: '2027-03-20', amountCents: 20000 },
      { paidAt: '2027-01-31', amountCents: 10500 },
    ];
    // dated order: 10500 on Jan 31 covers #1 and 500 of #2; 20000 on Mar 20 covers the rest (19500) and leaves 500
    const status = states('2027-04-01', payments);
    expect(status).toMatchObject({ states: ['paid:10000', 'paid:10000', 'paid:10000'], paidCents: 30500, outstandingCents: 0, creditCents: 500, settled: true, broken: false });
    expect(status.installments.map((i) => i.paidOn)).toEqual(['2027-01-31', '2027-03-20', '2027-03-20']);
    expect(status.brokenOn).toBeUndefined();
  });

  test('Given the same inputs on the same day, then the same status: nothing is kept between calls', () => {
    const payments = [{ paidAt: '2027-01-30', amountCents: 10000 }];
    expect(agreementStatus({ schedule: SCHEDULE, payments, today: '2027-03-10' })).toEqual(agreementStatus({ schedule: SCHEDULE, payments, today: '2027-03-10' }));
  });

  test.each([
    [{ payments: [{ paidAt: '2027-02-11', amountCents: 100 }] }, 'payments[0].paidAt'],
    [{ payments: [{ paidAt: '2027-02-01', amountCents: 0 }] }, 'payments[0].amountCents'],
    [{ graceDays: -1 }, 'graceDays'],
    [{ schedule: [] }, 'schedule'],
  ])('Given %j, then it is refused on %s', (override, path) => {
    let error: unknown;
    try {
      agreementStatus({ schedule: SCHEDULE, payments: [], today: '2027-02-10', ...override });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe(path);
  });
});
