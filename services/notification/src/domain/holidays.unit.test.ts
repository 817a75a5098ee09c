import { HolidayCalendarSchema, isHoliday } from './holidays.ts';

const CAMPINAS = '3509502';
const SAO_PAULO_CITY = '3550308';

describe('isHoliday: national and state holidays (date-holidays, public type only)', () => {
  test('Given Christmas, then it is a holiday whatever the state, and also when the state is unknown', () => {
    expect(isHoliday('2026-12-25')).toBe('Natal');
    expect(isHoliday('2026-12-25', { uf: 'SP' })).toBe('Natal');
    expect(isHoliday('2026-12-25', { uf: 'AM' })).toBe('Natal');
  });

  test.each(['SP', 'RJ', 'AM', 'MT', 'MG', 'BA', undefined])('Given 20 November 2026 in %s, then it is a national holiday (Lei 14.759/2023), even where date-holidays 3.37.0 drops it', (uf) => {
    expect(isHoliday('2026-11-20', { uf })).toMatch(/Zumbi|Consciência Negra/);
  });

  test('Given 20 November 2023, before Lei 14.759/2023, then it is no national holiday', () => {
    expect(isHoliday('2023-11-20')).toBeUndefined();
  });

  test("Given 9 July (São Paulo's Revolução Constitucionalista), then it is a holiday in SP only, and not when the state is unknown", () => {
    expect(isHoliday('2026-07-09', { uf: 'SP' })).toBe('Revolução Constitucionalista');
    expect(isHoliday('2026-07-09', { uf: 'RJ' })).toBeUndefined();
    expect(isHoliday('2026-07-09')).toBeUndefined();
  });

  test('Given Carnival Tuesday, then it is a holiday in Rio (state law) but not in São Paulo, where date-holidays marks it a bank day', () => {
    expect(isHoliday('2026-02-17', { uf: 'RJ' })).toBe('Carnaval');
    expect(isHoliday('2026-02-17', { uf: 'SP' })).toBeUndefined();
  });

  test("Given observances and optional days (Mother's Day, Christmas Eve afternoon), then they are no holidays", () => {
    expect(isHoliday('2026-05-10', { uf: 'SP' })).toBeUndefined();
    expect(isHoliday('2026-12-24', { uf: 'SP' })).toBeUndefined();
  });

  test('Given a lower-case UF, or the UF only on the municipality, then it is still recognised', () => {
    expect(isHoliday('2026-07-09', { uf: 'sp' })).toBe('Revolução Constitucionalista');
    expect(isHoliday('2026-07-09', { municipality: { name: 'Campinas', uf: 'SP' } })).toBe('Revolução Constitucionalista');
  });
});

describe('isHoliday: tenant calendars', () => {
  const calendars = [
    HolidayCalendarSchema.parse({
      name: 'tenant',
      holidays: [
        { scope: 'municipality', ibge: CAMPINAS, date: '12-08', name: 'Nossa Senhora da Conceição' },
        { scope: 'municipality', city: 'São José dos Campos', uf: 'SP', date: '03-19', name: 'São José' },
        { scope: 'uf', uf: 'MG', date: '2026-08-15', name: 'feriado estadual de teste' },
        { scope: 'national', date: '2026-12-31', name: 'recesso de fim de ano' },
      ],
    }),
  ];

  test("Given a tenant's municipal holiday by IBGE code, then it closes that city only", () => {
    expect(isHoliday('2026-12-08', { uf: 'SP', municipality: { ibge: CAMPINAS }, calendars })).toBe('Nossa Senhora da Conceição');
    expect(isHoliday('2027-12-08', { uf: 'SP', municipality: { ibge: CAMPINAS }, calendars })).toBe('Nossa Senhora da Conceição');
    expect(isHoliday('2026-12-08', { uf: 'SP', municipality: { ibge: SAO_PAULO_CITY }, calendars })).toBeUndefined();
    expect(isHoliday('2026-12-08', { uf: 'SP', calendars })).toBeUndefined();
  });

  test('Given a municipal holiday by city name and UF, then the name matches regardless of accents and case, in that UF only', () => {
    expect(isHoliday('2026-03-19', { uf: 'SP', municipality: { name: 'sao jose dos campos' }, calendars })).toBe('São José');
    expect(isHoliday('2026-03-19', { uf: 'RJ', municipality: { name: 'São José dos Campos' }, calendars })).toBeUndefined();
  });

  test('Given a dated state entry, then it counts in that state on that year only', () => {
    expect(isHoliday('2026-08-15', { uf: 'MG', calendars })).toBe('feriado estadual de teste');
    expect(isHoliday('2027-08-15', { uf: 'MG', calendars })).toBeUndefined();
    expect(isHoliday('2026-08-15', { uf: 'SP', calendars })).toBeUndefined();
  });

  test('Given an unknown state, then only national entries of the tenant count, not state or municipal ones', () => {
    expect(isHoliday('2026-12-31', { calendars })).toBe('recesso de fim de ano');
    expect(isHoliday('2026-08-15', { calendars })).toBeUndefined();
    expect(isHoliday('2026-12-08', { municipality: { ibge: CAMPINAS }, calendars })).toBeUndefined();
  });

  test('Given malformed entries (no such date, month 13, a municipality with neither IBGE code nor city and UF), then the schema rejects them', () => {
    const parse = (entry: object) => HolidayCalendarSchema.safeParse({ name: 'x', holidays: [entry] }).success;
    expect(parse({ scope: 'national', date: '2026-02-30', name: 'x' })).toBe(false);
    expect(parse({ scope: 'national', date: '13-01', name: 'x' })).toBe(false);
    expect(parse({ scope: 'municipality', city: 'Campinas', date: '12-08', name: 'x' })).toBe(false);
    expect(parse({ scope: 'uf', uf: 'ZZ', date: '12-08', name: 'x' })).toBe(false);
    expect(parse({ scope: 'national', date: '02-29', name: 'x' })).toBe(true);
  });
});

describe('isHoliday in a hot loop', () => {
  test('Given every day of two years in every state, then the per-(state, year) cache answers without recomputing the calendar', () => {
    const ufs = ['SP', 'RJ', 'MG', 'BA', 'AM', undefined];
    let holidays = 0;
    for (const uf of ufs) {
      for (let day = 0; day < 730; day++) {
        const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
        if (isHoliday(date, { uf })) holidays++;
      }
    }
    expect(holidays).toBeGreaterThan(ufs.length * 2 * 10);
  });
});
