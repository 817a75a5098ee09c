import { calendarDay } from './calendar-day.ts';

describe('calendarDay', () => {
  it("gives the day in the zone asked, not UTC's", () => {
    const lateEvening = new Date('2026-11-27T01:30:00Z');
    expect(calendarDay(lateEvening, 'America/Sao_Paulo')).toBe('2026-11-26');
    expect(calendarDay(lateEvening, 'UTC')).toBe('2026-11-27');
    expect(calendarDay(lateEvening, 'America/Rio_Branco')).toBe('2026-11-26');
  });

  it('answers each zone with its own formatter when zones alternate', () => {
    const at = new Date('2026-01-01T02:00:00Z');
    const answers = ['America/Sao_Paulo', 'Asia/Tokyo', 'America/Sao_Paulo', 'Asia/Tokyo'].map((zone) => calendarDay(at, zone));
    expect(answers).toEqual(['2025-12-31', '2026-01-01', '2025-12-31', '2026-01-01']);
  });

  it('rejects an unknown zone as toLocaleDateString does', () => {
    expect(() => calendarDay(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
