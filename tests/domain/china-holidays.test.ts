/**
 * China's public holidays: the table against two independent sources (ICU's Chinese calendar for the
 * lunar dates, the 寿星 formula for Qingming), the 2026 dates worked out by hand, and the OSM selector
 * built from it as the opening_hours library reads it.
 */
import OpeningHours, { type nominatim_object } from 'opening_hours';
import { describe, expect, it } from 'vitest';
import {
  LUNAR_HOLIDAYS,
  chinaHolidays,
  holidaySelector,
  isChinaHoliday,
} from '../../server/src/domain/china-holidays.js';

const DAY_MS = 86_400_000;
const lunar = new Intl.DateTimeFormat('zh-CN-u-ca-chinese', { timeZone: 'UTC', month: 'numeric', day: 'numeric' });
/** ICU's lunar month and day of a Gregorian date ("1-1" is the first day of the year). */
const lunarDate = (t: number) => {
  const parts = lunar.formatToParts(new Date(t));
  return `${parts.find((p) => p.type === 'month')!.value}-${parts.find((p) => p.type === 'day')!.value}`;
};
const at = (year: number, md: string) => Date.UTC(year, Number(md.slice(0, 2)) - 1, Number(md.slice(3)));

describe('China public holidays', () => {
  it.each(Object.entries(LUNAR_HOLIDAYS))('%s: the lunar dates are those of the Chinese calendar', (y, days) => {
    const year = Number(y);
    const [eve, , dragonBoat, midAutumn] = days;
    expect(lunarDate(at(year, dragonBoat))).toBe('5-5');
    expect(lunarDate(at(year, midAutumn))).toBe('8-15');
    // New Year's Day is the day after the eve. In 2027 and 2030 the new moon falls at 23:56 and 00:07
    // China time (Meeus), and ICU's coarser astronomy puts the New Year one day off (7 Feb 2027,
    // 2 Feb 2030, against 6 Feb and 3 Feb): for those the table follows the astronomy.
    const icu = [0, 1, -1].find((shift) => lunarDate(at(year, eve) + (1 + shift) * DAY_MS) === '1-1');
    expect(icu, 'ICU finds New Year within a day').toBeDefined();
    expect(icu).toBe(year === 2027 ? 1 : year === 2030 ? -1 : 0);
  });

  it.each(Object.entries(LUNAR_HOLIDAYS))('%s: Qingming by the 寿星 formula', (y, days) => {
    // Day of April = floor(Y * 0.2422 + 4.81) - floor(Y / 4), Y the year within the 21st century.
    const Y = Number(y) % 100;
    expect(days[1]).toBe(`04-${String(Math.floor(Y * 0.2422 + 4.81) - Math.floor(Y / 4)).padStart(2, '0')}`);
  });

  it('are the statutory days of 2026, without bridge days and the days for part of the people', () => {
    // 元旦 1 Jan; 除夕 16 Feb and 春节 17-19 Feb; 清明 5 Apr; 劳动节 1-2 May; 端午 19 Jun; 中秋 25 Sep;
    // 国庆 1-3 Oct. The yearly arrangement (调休) makes longer breaks of them; those extra days are not PH.
    const md = chinaHolidays(2026).map(([, m, d]) => `${m}-${d}`);
    expect(md).toEqual([
      '1-1',
      '2-16',
      '2-17',
      '2-18',
      '2-19',
      '4-5',
      '5-1',
      '5-2',
      '6-19',
      '9-25',
      '10-1',
      '10-2',
      '10-3',
    ]);
    expect(isChinaHoliday(2026, 10, 1)).toBe(true);
    expect(isChinaHoliday(2026, 5, 4)).toBe(false); // 青年节: a half day for youths only
    expect(isChinaHoliday(2026, 3, 8)).toBe(false); // 妇女节: a half day for women only
  });

  it('counts a date once when Mid-Autumn falls within National Day', () => {
    expect(chinaHolidays(2031).filter(([, m, d]) => m === 10 && d === 1)).toHaveLength(1);
    expect(chinaHolidays(2031)).toHaveLength(12);
  });

  it('knows only the fixed-date holidays outside the table', () => {
    expect(chinaHolidays(2040).map(([, m, d]) => `${m}-${d}`)).toEqual(['1-1', '5-1', '5-2', '10-1', '10-2', '10-3']);
  });

  it('as an OSM selector, matches exactly the holidays of its years for the library', () => {
    const selector = holidaySelector(2026, 2027);
    const oh = new OpeningHours(
      `${selector} open`,
      { address: { country_code: 'cn' } } as unknown as nominatim_object,
      0,
    );
    for (const year of [2026, 2027])
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY_MS) {
        const d = new Date(t);
        const [m, day] = [d.getUTCMonth() + 1, d.getUTCDate()];
        expect(oh.getState(new Date(year, m - 1, day, 12)), `${year}-${m}-${day}`).toBe(isChinaHoliday(year, m, day));
      }
    expect(holidaySelector(2033, 2033)).toContain('2033 Jan 30-31,2033 Feb 01-02'); // a run across months
  });
});
