/**
 * China's public holidays (`PH` in opening hours): the statutory days off of the State Council's
 * 全国年节及纪念日放假办法 as amended in 2024, in force from 2025 — 元旦 1 Jan; 春节 the lunar New Year's
 * Eve and the first three days of the year (4 days); 清明节 the day of the Qingming solar term; 劳动节
 * 1–2 May; 端午节 the 5th of the 5th lunar month; 中秋节 the 15th of the 8th lunar month; 国庆节 1–3 Oct.
 * The days given to part of the people only (妇女节, 青年节, 儿童节, 建军节) are not closing days and are
 * left out, and so are the yearly arrangements (调休: bridge days and make-up working weekends).
 *
 * Why our own table: opening_hours 3.15 lists for `cn` only the fixed dates, including 8 Mar, 4 May
 * and 1 Jun, and none of the lunar holidays, so "PH off" would close on 4 May and open at New Year.
 *
 * The lunar dates are the days of the new moons in China time (UTC+8) from Meeus' algorithm (ch. 49),
 * and Qingming the day the Sun reaches longitude 15° (ch. 25); they agree with ICU's Chinese calendar
 * except the Spring Festivals of 2027 and 2030, whose new moons fall at 23:56 and 00:07 China time:
 * ICU's coarser astronomy moves them a day (to 7 Feb 2027 and 2 Feb 2030; the right days are 6 Feb
 * and 3 Feb). Outside the table's years only the fixed-date holidays are known.
 */

/** Holidays on the same date every year, as OSM date ranges. */
const FIXED = ['Jan 01', 'May 01-02', 'Oct 01-03'];

/** Per year, 'MM-DD' of: New Year's Eve (the first of the 4 Spring Festival days), Qingming, 端午, 中秋. */
export const LUNAR_HOLIDAYS: Readonly<Record<number, readonly [string, string, string, string]>> = {
  2025: ['01-28', '04-04', '05-31', '10-06'],
  2026: ['02-16', '04-05', '06-19', '09-25'],
  2027: ['02-05', '04-05', '06-09', '09-15'],
  2028: ['01-25', '04-04', '05-28', '10-03'],
  2029: ['02-12', '04-04', '06-16', '09-22'],
  2030: ['02-02', '04-05', '06-05', '09-12'],
  2031: ['01-22', '04-05', '06-24', '10-01'],
  2032: ['02-10', '04-04', '06-12', '09-19'],
  2033: ['01-30', '04-04', '06-01', '09-08'],
  2034: ['02-18', '04-05', '06-20', '09-27'],
  2035: ['02-07', '04-05', '06-10', '09-16'],
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

/** The holidays of one year as [year, month 1-12, day] triples, in date order. */
export function chinaHolidays(year: number): [number, number, number][] {
  const days: [number, number, number][] = [
    [year, 1, 1],
    [year, 5, 1],
    [year, 5, 2],
    [year, 10, 1],
    [year, 10, 2],
    [year, 10, 3],
  ];
  const lunar = LUNAR_HOLIDAYS[year];
  if (lunar)
    lunar.forEach((md, i) => {
      const [m, d] = md.split('-').map(Number);
      for (let k = 0; k < (i === 0 ? 4 : 1); k++) {
        const at = new Date(Date.UTC(year, m - 1, d) + k * DAY_MS);
        days.push([year, at.getUTCMonth() + 1, at.getUTCDate()]);
      }
    });
  // 中秋 can fall within 国庆 (1 Oct 2031, 3 Oct 2028): each date once.
  const unique = new Map(days.map((x) => [x[1] * 100 + x[2], x]));
  return [...unique.values()].sort((a, b) => a[1] - b[1] || a[2] - b[2]);
}

/** Whether a China calendar date (month 1-12) is a public holiday. */
export function isChinaHoliday(year: number, month: number, day: number): boolean {
  return chinaHolidays(year).some(([, m, d]) => m === month && d === day);
}

/**
 * An OSM date selector matching exactly the holidays of the years `from` to `to`, e.g.
 * "Jan 01,May 01-02,Oct 01-03,2026 Feb 16-19,2026 Apr 05,…". Kept to a few years: the library's
 * parse time grows with every token of the value.
 */
export function holidaySelector(from: number, to: number): string {
  const parts = [...FIXED];
  for (let y = from; y <= to; y++) {
    const days = chinaHolidays(y).filter(
      ([, m, d]) => !((m === 1 && d === 1) || (m === 5 && d <= 2) || (m === 10 && d <= 3)),
    );
    for (let i = 0; i < days.length;) {
      // A run of consecutive days in one month becomes one range.
      let j = i;
      while (j + 1 < days.length && days[j + 1][1] === days[i][1] && days[j + 1][2] === days[j][2] + 1) j++;
      const pad = (d: number) => String(d).padStart(2, '0');
      parts.push(`${y} ${MONTHS[days[i][1] - 1]} ${pad(days[i][2])}${j > i ? `-${pad(days[j][2])}` : ''}`);
      i = j + 1;
    }
  }
  return parts.join(',');
}
