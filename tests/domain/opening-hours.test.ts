/**
 * Opening hours through the opening_hours library, in China time with China's holidays. Every case is
 * checked twice: against an expectation worked out by hand (the comment says the China wall clock and
 * what the rule says there), and against the library used directly, the way its README says: a Date
 * whose local fields are the wall clock, country `cn`. The wrapper's own parts (the time zone shift,
 * the holiday rewrite, the caches) are what these pin; run with TZ=UTC, TZ=America/New_York and
 * TZ=Asia/Shanghai, the answers are the same.
 *
 * Calendar: 2026-11-23 is a Monday (11-24 Tue … 11-29 Sun); 2026-10-01 Thursday, National Day.
 */
import OpeningHours, { type nominatim_object } from 'opening_hours';
import { describe, expect, it } from 'vitest';
import {
  isOpenAt,
  nextChange,
  normalizeOpeningHours,
  parseOpeningHours,
  validateOpeningHours,
  weekOpenAt,
} from '../../server/src/domain/opening-hours.js';

/** The instant at which China's wall clock reads `local` ("2026-11-24T10:00"). */
const china = (local: string) => Date.parse(`${local}:00+08:00`);

/** The library alone: the same wall clock as a local Date, country cn (its own holiday list). */
const libraryObjects = new Map<string, OpeningHours>();
function direct(hours: string, local: string): boolean | null {
  const [y, mo, d, h, mi] = local.split(/[-T:]/).map(Number);
  let oh = libraryObjects.get(hours);
  if (!oh) {
    oh = new OpeningHours(hours, { address: { country_code: 'cn' } } as unknown as nominatim_object, 0);
    libraryObjects.set(hours, oh);
  }
  const at = new Date(y, mo - 1, d, h, mi);
  return oh.getUnknown(at) ? null : oh.getState(at);
}

/**
 * [hours, China wall clock, expected, how the library alone answers]. The library's `cn` holidays
 * are 1 Jan, 8 Mar, 1 May, 4 May, 1 Jun and 1–3 Oct, so where a case lands on a day the two lists
 * disagree about, the library alone gives the other answer ('differs'), and the comment says why.
 */
const CASES: [string, string, boolean | null, ('same' | 'differs')?][] = [
  // Weekday hours with a lunch break: Tuesday 24 Nov.
  ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T10:00', true],
  ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T08:29', false], // a minute before opening
  ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T08:30', true],
  ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T11:30', false], // the end is the minute it closes
  ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T12:00', false], // lunch
  ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-28T10:00', false], // Saturday
  ['Mo-Fr 08:00-12:00,14:00-18:00', '2026-11-25T15:00', true],
  ['Mo-Fr 08:00-12:00,14:00-18:00', '2026-11-25T13:00', false],
  ['Mo-Fr 08:00-12:00, 14:00-18:00', '2026-11-24T15:00', true], // a space after the comma
  ['Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30', '2026-11-28T10:00', true],
  ['Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30', '2026-11-29T10:00', false], // Sunday
  ['Mo-Sa 08:00-12:00,14:30-18:00', '2026-11-28T17:00', true],
  ['Tu-Su 09:00-11:30,15:00-18:00', '2026-11-23T10:00', false], // closed on Mondays
  ['Tu-Su 09:00-11:30,15:00-18:00', '2026-11-29T16:00', true],
  ['Mo-Fr 09:00-17:00; Sa,Su off', '2026-11-28T10:00', false],
  ['Mo-Fr 09:00-17:00; Sa,Su off', '2026-11-27T16:59', true], // Friday, a minute before closing
  ['Mo 09:00-17:00; Tu 10:00-18:00; We 11:00-19:00', '2026-11-24T09:30', false], // Tuesday opens at 10
  ['Mo 09:00-17:00; Tu 10:00-18:00; We 11:00-19:00', '2026-11-25T18:30', true],
  ['Mo-Su 06:00-22:00', '2026-11-29T21:59', true],
  ['Mo-Su 06:00-22:00', '2026-11-29T22:00', false],
  ['Mo-Fr 8:30-17:30', '2026-11-24T08:45', true], // hour without a leading zero
  ['mo-fr 09:00-17:00', '2026-11-24T10:00', true], // lower case, corrected by the library
  // Always, never.
  ['24/7', '2026-11-29T03:00', true],
  ['off', '2026-11-24T10:00', false],
  // A later rule replaces earlier ones for the days it names.
  ['Mo-Fr 08:00-18:00; We off', '2026-11-25T10:00', false],
  ['Mo-Fr 08:00-18:00; We off', '2026-11-26T10:00', true],
  ['Mo,We,Fr 09:00-12:00', '2026-11-24T10:00', false],
  ['Mo,We,Fr 09:00-12:00', '2026-11-25T10:00', true],
  ['Fr-Mo 10:00-16:00', '2026-11-29T11:00', true], // a range wrapping the week: Sunday is in it
  ['Fr-Mo 10:00-16:00', '2026-11-24T11:00', false],
  // Past midnight: Monday's 18:00-02:00 still runs at 01:00 on Tuesday.
  ['18:00-02:00', '2026-11-24T01:00', true],
  ['18:00-02:00', '2026-11-24T03:00', false],
  ['18:00-02:00', '2026-11-24T23:00', true],
  ['Sa 20:00-01:00', '2026-11-29T00:30', true], // Saturday night into Sunday
  ['Sa 20:00-01:00', '2026-11-30T00:30', false],
  // Seasons.
  ['Jan-Mar 09:00-16:00; Apr-Dec 08:00-18:00', '2026-02-10T08:30', false], // winter opens at 9
  ['Jan-Mar 09:00-16:00; Apr-Dec 08:00-18:00', '2026-04-10T08:30', true],
  ['Jan-Mar 09:00-16:00; Apr-Dec 08:00-18:00', '2026-03-31T16:30', false],
  ['Jan-Mar 09:00-16:00; Apr-Dec 08:00-18:00', '2026-04-01T16:30', true],
  ['Apr-Oct Tu-Su 09:00-17:00; Nov-Mar Tu-Su 09:00-16:00', '2026-10-27T16:30', true], // Tuesday, summer
  ['Apr-Oct Tu-Su 09:00-17:00; Nov-Mar Tu-Su 09:00-16:00', '2026-11-24T16:30', false], // Tuesday, winter
  ['Apr-Oct Tu-Su 09:00-17:00; Nov-Mar Tu-Su 09:00-16:00', '2026-11-23T10:00', false], // Monday
  ['Mo-Fr 09:00-17:00; Jul-Aug Mo-Fr 08:00-12:00', '2026-07-15T14:00', false], // summer half days
  ['Mo-Fr 09:00-17:00; Jul-Aug Mo-Fr 08:00-12:00', '2026-06-15T14:00', true],
  // Dates.
  ['Mo-Fr 09:00-17:00; Dec 25 off', '2026-12-25T10:00', false], // a Friday
  ['Mo-Fr 09:00-17:00; Dec 25 off', '2026-12-24T10:00', true],
  ['Mo-Fr 09:00-17:00; 2026 Oct 01-08 off', '2026-10-08T10:00', false], // the golden week spelt out
  ['Mo-Fr 09:00-17:00; 2026 Oct 01-08 off', '2026-10-09T10:00', true],
  // Comments: on a rule without "open" the state is unknown; with "open" it is open.
  ['"by appointment"', '2026-11-24T10:00', null],
  ['Mo-Fr 09:00-17:00 "预约参观"', '2026-11-24T10:00', null],
  ['Mo-Fr 09:00-17:00 "预约参观"', '2026-11-24T18:00', false],
  ['Mo-Fr 09:00-17:00 open "预约参观"', '2026-11-24T10:00', true],
  // Public holidays. National Day, Thursday 1 Oct, is a holiday in both lists.
  ['Mo-Fr 09:00-17:00; PH off', '2026-10-01T10:00', false],
  ['Mo-Fr 09:00-17:00; PH off', '2026-10-09T10:00', true], // the Friday after
  ['Mo-Fr 09:00-17:00; PH off', '2026-01-01T10:00', false], // New Year's Day, Thursday
  ['Mo-Fr 09:00-17:00; PH off', '2026-05-01T10:00', false], // Labour Day, Friday
  ['Mo-Fr 09:00-17:00; PH off', '2026-02-17T10:00', false, 'differs'], // Spring Festival, Tuesday: not in cn
  ['Mo-Fr 09:00-17:00; PH off', '2026-06-19T10:00', false, 'differs'], // Dragon Boat, Friday: not in cn
  ['Mo-Fr 09:00-17:00; PH off', '2026-05-04T10:00', true, 'differs'], // Youth Day: a half day for youths only
  ['Mo-Fr 09:00-17:00; PH off', '2026-06-01T10:00', true, 'differs'], // Children's Day: for children only
  ['Mo-Fr 09:00-17:00; PH 10:00-16:00', '2026-10-01T09:30', false], // holiday hours start at 10
  ['Mo-Fr 09:00-17:00; PH 10:00-16:00', '2026-10-01T10:30', true],
  ['Mo-Fr 09:00-17:00; PH 10:00-16:00', '2026-09-25T09:30', false, 'differs'], // Mid-Autumn, Friday
  ['Sa,Su,PH 10:00-16:00', '2026-10-01T11:00', true], // a Thursday, open as a holiday
  ['Sa,Su,PH 10:00-16:00', '2026-10-09T11:00', false], // an ordinary Friday
  ['Mo-Fr 09:00-17:00; Sa,Su,PH 10:00-16:00', '2026-02-17T10:30', true, 'same'], // open either way at 10:30
  ['Mo-Fr 09:00-17:00; Sa,Su,PH 10:00-16:00', '2026-02-17T09:30', false, 'differs'], // holiday hours
  ['Tu-Su 09:00-17:00; PH off', '2026-04-05T10:00', false, 'differs'], // Qingming, a Sunday: not in cn
  ['Tu-Su 09:00-17:00; PH off', '2026-04-12T10:00', true], // the next Sunday
  ['Mo-Fr 07:00-19:00; Sa 08:00-12:00; Su,PH off', '2026-10-01T10:00', false],
  ['Mo-Fr 07:00-19:00; Sa 08:00-12:00; Su,PH off', '2026-11-28T11:00', true],
  // "PH off" takes the whole holiday, also the hours carried over from the evening before.
  ['Mo-Su 18:00-02:00; PH off', '2026-09-30T23:00', true],
  ['Mo-Su 18:00-02:00; PH off', '2026-10-01T00:30', false],
  ['Mo-Su 18:00-02:00; PH off', '2026-10-01T23:00', false],
];

describe('isOpenAt', () => {
  it('has at least 30 distinct real-world values', () => {
    expect(new Set(CASES.map((c) => c[0])).size).toBeGreaterThanOrEqual(30);
  });

  it('states the weekdays the comments rely on', () => {
    const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();
    expect([weekday('2026-11-23'), weekday('2026-10-01'), weekday('2026-02-17'), weekday('2026-04-05')]).toEqual([
      1, 4, 2, 0,
    ]);
  });

  it.each(CASES)('%s at %s China time: %s', (hours, local, expected, library = 'same') => {
    expect(isOpenAt(hours, china(local))).toBe(expected);
    // The library alone agrees, except on the days its holiday list gets wrong.
    if (library === 'same') expect(direct(hours, local)).toBe(expected);
    else expect(direct(hours, local)).toBe(!expected);
  });

  it('reads the clock in China time (UTC+8), not UTC or the process zone', () => {
    // 01:00 UTC on Tuesday is 09:00 in China: open; by UTC it would be the middle of the night.
    expect(isOpenAt('Mo-Fr 08:30-11:30', Date.parse('2026-11-24T01:00:00Z'))).toBe(true);
    // 23:00 UTC on Sunday is already Monday 07:00 in China: closed, and not Sunday.
    expect(isOpenAt('Su 00:00-24:00', Date.parse('2026-11-22T23:00:00Z'))).toBe(false);
    // 16:30 UTC on 30 Sep is 00:30 on 1 Oct in China: the holiday has begun.
    expect(isOpenAt('Mo-Su 00:00-24:00; PH off', Date.parse('2026-09-30T16:30:00Z'))).toBe(false);
    expect(isOpenAt('Mo-Su 00:00-24:00; PH off', Date.parse('2026-09-30T15:30:00Z'))).toBe(true);
  });

  it('agrees with the library every 20 minutes for two weeks around National Day, in any order', () => {
    // Both holiday lists hold exactly 1-3 Oct in this window, so they agree on every instant.
    const values = [...new Set(CASES.map((c) => c[0]))];
    const instants: string[] = [];
    for (let t = china('2026-09-26T00:00'); t < china('2026-10-10T00:00'); t += 20 * 60_000)
      instants.push(new Date(t + 8 * 3_600_000).toISOString().slice(0, 16));
    for (const order of [instants, [...instants].reverse()])
      for (const hours of values) {
        const week = parseOpeningHours(hours); // one object, its interval cache exercised
        const got = order.map((local) => weekOpenAt(week, china(local)));
        expect(got, hours).toEqual(order.map((local) => direct(hours, local)));
      }
  });

  it.each(['', '   ', '周一至周五 9:00-17:00', 'Mo-Fr 25:00-26:00', 'Mo-Xx 08:00-12:00', 'SH off'])(
    'gives null for %j, which is empty or unreadable',
    (hours) => {
      expect(isOpenAt(hours, china('2026-11-24T10:00'))).toBeNull();
      expect(parseOpeningHours(hours)).toBeNull();
    },
  );
});

describe('nextChange', () => {
  it.each([
    // Tuesday 10:00: closes at 17:00 the same day.
    ['Mo-Fr 09:00-17:00; PH off', '2026-11-24T10:00', '2026-11-24T17:00'],
    // Wednesday 30 Sep after closing: 1-3 Oct holidays, 3-4 Oct weekend, opens Monday 5 Oct at 9.
    ['Mo-Fr 09:00-17:00; PH off', '2026-09-30T18:00', '2026-10-05T09:00'],
    // Friday 13 Feb after closing: weekend, Spring Festival 16-19 Feb, opens Friday 20 Feb.
    ['Mo-Fr 09:00-17:00; PH off', '2026-02-13T18:00', '2026-02-20T09:00'],
    // Saturday night: opens Tuesday, not Monday.
    ['Tu-Su 09:00-11:30,15:00-18:00', '2026-11-29T20:00', '2026-12-01T09:00'],
    ['18:00-02:00', '2026-11-24T01:00', '2026-11-24T02:00'],
  ])('%s from %s: %s', (hours, from, to) => {
    expect(nextChange(hours, china(from))).toBe(china(to));
  });

  it('is null when nothing changes or the hours are unreadable', () => {
    expect(nextChange('24/7', china('2026-11-24T10:00'))).toBeNull();
    expect(nextChange('"by appointment"', china('2026-11-24T10:00'))).toBeNull();
    expect(nextChange('周一至周五 9:00-17:00', china('2026-11-24T10:00'))).toBeNull();
  });
});

describe('validateOpeningHours', () => {
  it.each([
    '',
    'Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30',
    'Mo-Fr 09:00-17:00; PH off',
    'Sa,Su,PH 10:00-16:00',
    'Jan-Mar 09:00-16:00; Apr-Dec 08:00-18:00',
    '24/7',
    '"by appointment"',
    'Mo-Fr unknown',
  ])('accepts %j', (hours) => {
    expect(validateOpeningHours(hours)).toBeNull();
  });

  it.each([
    // Chinese that can be converted: the answer is the OSM spelling.
    ['周一至周五 9:00-17:00', '应写成 Mo-Fr 09:00-17:00'],
    // Not convertible: where the reading stopped, and an example of the expected form.
    ['周一至周五 9点以后', '例如 Mo-Fr 09:00-17:00'],
    ['Mo-Fr 25:00-26:00', '无法识别（在“Mo-Fr 25:00”处）'],
    ['Mo-Xx 08:00-12:00', '无法识别'],
    ['SH off', '学校假期 SH'],
    ['sunrise-sunset', 'sunrise'],
    ['PH +1 day off', 'PH off 或 Sa,Su,PH 09:00-12:00'],
    ['Mo-Fr 09:00-17:00, PH 10:00-12:00', '法定节假日 PH'],
  ])('refuses %j: %s', (hours, reason) => {
    expect(validateOpeningHours(hours)).toContain(reason);
  });
});

describe('normalizeOpeningHours', () => {
  it.each([
    ['周一至周五 9:00-17:00', 'Mo-Fr 09:00-17:00'],
    ['周一到周五 9:00-17:00', 'Mo-Fr 09:00-17:00'],
    ['星期一至星期五 09：00－17：00', 'Mo-Fr 09:00-17:00'],
    ['周一至五 8:30-11:30，14:00-17:30；周六 9:00-12:00', 'Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-12:00'],
    ['周一至周五 上午8:30-11:30 下午2:30-5:30', 'Mo-Fr 08:30-11:30,14:30-17:30'],
    ['周一、周三、周五 9:00-12:00', 'Mo,We,Fr 09:00-12:00'],
    ['每天 8:00-18:00', 'Mo-Su 08:00-18:00'],
    ['周末 9:00-12:00', 'Sa,Su 09:00-12:00'],
    ['工作日 9:00-17:00，节假日休息', 'Mo-Fr 09:00-17:00; PH off'],
    ['周一至周五 9:00-17:00（节假日除外）', 'Mo-Fr 09:00-17:00; PH off'],
    ['周二至周日 9:00-17:00，周一闭馆', 'Tu-Su 09:00-17:00; Mo off'],
    ['开放时间：周一至周五 9点半-17点', 'Mo-Fr 09:30-17:00'],
    ['全天', '24/7'],
    ['24小时', '24/7'],
    ['周一至周日 全天', 'Mo-Su 00:00-24:00'],
    ['周一至周五', 'Mo-Fr unknown'], // the days are known, the hours are not
    // Left as given: OSM already, or not understood.
    ['Mo-Fr 09:00-17:00; PH off', 'Mo-Fr 09:00-17:00; PH off'],
    ['  Mo-Fr 09:00-17:00 ', 'Mo-Fr 09:00-17:00'],
    ['周一至周五 9点以后', '周一至周五 9点以后'],
    ['周一至周五 25:00-26:00', '周一至周五 25:00-26:00'],
  ])('%j -> %j', (text, osm) => {
    expect(normalizeOpeningHours(text)).toBe(osm);
  });

  it('gives values the library reads as the Chinese says', () => {
    // Tuesday 24 Nov 15:00: open on a weekday afternoon; Sunday 29 Nov: closed.
    const hours = normalizeOpeningHours('周一至周五 上午8:30-11:30 下午2:30-5:30');
    expect(validateOpeningHours(hours)).toBeNull();
    expect(isOpenAt(hours, china('2026-11-24T15:00'))).toBe(true);
    expect(isOpenAt(hours, china('2026-11-24T12:00'))).toBe(false);
    expect(isOpenAt(hours, china('2026-11-29T10:00'))).toBe(false);
  });
});

describe('formatOpeningHours (the client wrapper)', () => {
  it.each([
    [
      'Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30; PH off',
      'zh-CN',
      ['周一至周五 08:30-11:30,14:00-17:30', '周六 09:00-11:30', '法定节假日 休息'],
    ],
    [
      'Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30; PH off',
      'en',
      ['Mon-Fri 08:30-11:30,14:00-17:30', 'Sat 09:00-11:30', 'public holidays closed'],
    ],
    ['Sa,Su,PH 10:00-16:00', 'zh-CN', ['周六、周日、法定节假日 10:00-16:00']],
    ['Tu-Su 09:00-17:00; Mo off', 'zh-CN', ['周二至周日 09:00-17:00', '周一 休息']],
    ['Mo-Fr 09:00-17:00 open "closed on the 1st"', 'zh-CN', ['周一至周五 09:00-17:00 开放 "closed on the 1st"']],
    ['24/7', 'zh-CN', ['全天开放']],
    ['周一至周五 9:00-17:00', 'zh-CN', ['周一至周五 9:00-17:00']], // unreadable: as written
    ['', 'zh-CN', []],
  ])('%j in %s', async (hours, locale, lines) => {
    const { formatOpeningHours } = await import('../../client/src/util/openingHours.js');
    expect(await formatOpeningHours(hours, locale)).toEqual(lines);
  });
});
