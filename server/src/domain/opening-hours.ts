/**
 * Opening hours in OpenStreetMap `opening_hours` syntax, read by the opening_hours library (the
 * reference implementation that OSM editors validate with), in China time, with China's holidays.
 *
 * Time zone. The library reads the wall clock of the Date objects it is given in the process's own
 * time zone. An instant is therefore handed over as a Date whose local fields show China's wall clock
 * (UTC+8, no daylight saving time), and the Dates it returns are read back the same way, so the
 * answer does not depend on the process's TZ. One exception: in a zone with daylight saving time, the
 * China hour that falls into the local spring-forward gap reads an hour late (servers run in UTC or
 * Asia/Shanghai, which have no gap).
 *
 * Holidays. `PH` means China's statutory holidays from china-holidays.ts, not the library's own `cn`
 * list (see there why). Before the library sees a value, a rule whose day selector lists weekdays and
 * PH is split in two, the PH half naming the holidays' dates ("Sa,Su,PH off" -> "Sa,Su off;
 * Jan 01,…,2026 Feb 16-19,… off"), which is exactly what PH means there; the dates are those of the
 * evaluated year and its neighbours, one library object per year. Other uses of PH ("PH +1 day",
 * "PH Mo") and school holidays (SH: no data for China) are refused by validateOpeningHours.
 *
 * Sun times (sunrise, dusk…) are refused too: with coordinates the library computes them as instants
 * and reads them in the process's time zone; without, it assumes 06:00 and 18:00.
 */
import { chineseHoursToOsm } from './chinese-hours.js';
import OpeningHours, { type nominatim_object } from 'opening_hours';
import { holidaySelector } from './china-holidays.js';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Country only: holidays are the library's concern just for uses we do not rewrite, and coordinates
 * would enable the sun times that the time zone shift cannot serve (the .d.ts asks for them anyway).
 */
const CHINA = { address: { country_code: 'cn' } } as unknown as nominatim_object;

/** Read hours: the library's objects, and the last answer with the interval it holds for. */
export interface ParsedHours {
  /** The value as the library prints it: canonical tokens, rules separated by "; ". */
  readonly canonical: string;
  /** PH is rewritten into dates: one library object per China year (key 0 when not). */
  readonly holidays: boolean;
  readonly byYear: Map<number, OpeningHours>;
  cache: { from: number; until: number; open: boolean | null } | null;
}
/** The name the callers know the parsed hours by. */
export type Week = ParsedHours;

/** A Date whose local wall clock, in this process's time zone, reads China's wall clock at `t`. */
function chinaWallClock(t: number): Date {
  const c = new Date(t + CHINA_OFFSET_MS);
  const d = new Date(2000, 0, 1);
  d.setFullYear(c.getUTCFullYear(), c.getUTCMonth(), c.getUTCDate());
  d.setHours(c.getUTCHours(), c.getUTCMinutes(), c.getUTCSeconds(), c.getUTCMilliseconds());
  return d;
}

/** The instant at which China's wall clock reads what `d` reads locally. */
function fromChinaWallClock(d: Date): number {
  const t = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds());
  return t + d.getMilliseconds() - CHINA_OFFSET_MS;
}

const chinaYear = (t: number) => new Date(t + CHINA_OFFSET_MS).getUTCFullYear();

/** The library's reading of a value; throws the library's message (a string) when it cannot. */
const library = (value: string) => new OpeningHours(value, CHINA, 0);

/** Blanks out comments ("…"), so that words inside them are not taken for tokens. */
const outsideComments = (text: string) => text.replace(/"[^"]*"/g, '""');

/** The rules of a value: split at ";" outside comments, trimmed. */
function splitRules(value: string): string[] {
  const rules: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= value.length; i++) {
    if (value[i] === '"') quoted = !quoted;
    else if (i === value.length || (value[i] === ';' && !quoted)) {
      const rule = value.slice(start, i).trim();
      if (rule) rules.push(rule);
      start = i + 1;
    }
  }
  return rules;
}

const DAY_OR_PH = /^(?:(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?|PH)$/;
const SPAN = String.raw`\d\d:\d\d(?:-\d\d:\d\d)?\+?`;
/** What may follow the day selector of a rule that is rewritten: times, a state, a comment. */
const RULE_BODY = new RegExp(`^(?: ${SPAN}(?:,${SPAN})*)?(?: (?:open|closed|off|unknown))?(?: "[^"]*")?$`);

/**
 * Replaces PH in a canonical value by the holiday dates given (an OSM date selector); null when PH is
 * used otherwise than listed with weekdays before the times of a plain rule.
 */
export function rewriteHolidays(canonical: string, dates: string): string | null {
  const out: string[] = [];
  for (const rule of splitRules(canonical)) {
    if (!/\bPH\b/.test(outsideComments(rule))) {
      out.push(rule);
      continue;
    }
    const space = rule.indexOf(' ');
    const items = (space < 0 ? rule : rule.slice(0, space)).split(',');
    const body = space < 0 ? '' : rule.slice(space);
    if (!items.includes('PH') || !items.every((x) => DAY_OR_PH.test(x)) || !RULE_BODY.test(body)) return null;
    const days = items.filter((x) => x !== 'PH');
    if (days.length) out.push(days.join(',') + body);
    out.push(dates + body);
  }
  return out.join('; ');
}

const EXAMPLE = '例如 Mo-Fr 09:00-17:00; Sa 09:00-12:00; PH off';

/** Where the library stopped reading: the text before its "<---" mark, shortened. */
function stoppedAt(error: unknown): string {
  const before = String(error).split(' <--- ')[0];
  if (before === String(error)) return '';
  return `（在“${before.length > 24 ? `…${before.slice(-24)}` : before}”处）`;
}

interface Reading {
  parsed: ParsedHours | null;
  problem: string | null;
}
const readings = new Map<string, Reading>();

/** The library object for the China year of `t`. */
function objectFor(parsed: ParsedHours, t: number): OpeningHours {
  const year = parsed.holidays ? chinaYear(t) : 0;
  let oh = parsed.byYear.get(year);
  if (!oh) {
    oh = library(rewriteHolidays(parsed.canonical, holidaySelector(year - 1, year + 1))!);
    parsed.byYear.set(year, oh);
  }
  return oh;
}

function read(value: string): Reading {
  if (/\bSH\b/.test(outsideComments(value)))
    return { parsed: null, problem: '不支持学校假期 SH（没有中国学校假期的数据），请写出日期，例如 Jul 10-Aug 31 off' };
  let oh: OpeningHours;
  let canonical: string;
  try {
    oh = library(value);
    canonical = oh.prettifyValue();
  } catch (err) {
    return {
      parsed: null,
      problem: `无法识别${stoppedAt(err)}，请按 OpenStreetMap opening_hours 格式填写，${EXAMPLE}`,
    };
  }
  const usesHolidays = /\bPH\b/.test(outsideComments(canonical));
  // An unusual PH stays readable, with the library's own holiday list, but is not accepted as new data.
  const rewritable = usesHolidays && rewriteHolidays(canonical, 'Jan 01') !== null;
  const byYear = new Map<number, OpeningHours>(rewritable ? [] : [[0, oh]]);
  const parsed: ParsedHours = { canonical, holidays: rewritable, byYear, cache: null };
  let problem: string | null = null;
  if (/\b(?:sunrise|sunset|dawn|dusk)\b/.test(outsideComments(canonical)))
    problem = '不支持日出日落时间（sunrise、sunset、dawn、dusk），请写出具体时刻，例如 06:00-18:00';
  else if (usesHolidays && !rewritable)
    problem = '法定节假日 PH 只能与星期并列写在一条规则开头，例如 PH off 或 Sa,Su,PH 09:00-12:00';
  try {
    objectFor(parsed, Date.now()).getStatePair(chinaWallClock(Date.now()));
  } catch (err) {
    return {
      parsed: null,
      problem: `无法计算${stoppedAt(err)}，请按 OpenStreetMap opening_hours 格式填写，${EXAMPLE}`,
    };
  }
  return { parsed, problem };
}

function reading(value: string): Reading {
  let r = readings.get(value);
  if (!r) {
    r = read(value);
    // Station tables repeat a few values; the bound only guards against unbounded distinct input.
    if (readings.size >= 5000) readings.clear();
    readings.set(value, r);
  }
  return r;
}

/**
 * The hours read once for repeated questions (the same text gives the same object), or null when they
 * are empty or unreadable. Values that validateOpeningHours refuses but the library can read (an
 * unusual PH, sun times) are still read, as the library reads them.
 */
export function parseOpeningHours(value: string): Week | null {
  const text = value.trim();
  return text ? reading(text).parsed : null;
}

/** Open at `now` (ms since the epoch) in China time: true, false, or null when unknown or unreadable. */
export function weekOpenAt(week: Week | null, now: number): boolean | null {
  if (!week) return null;
  const c = week.cache;
  if (c && now >= c.from && now < c.until) return c.open;
  try {
    const [open, next, unknown] = objectFor(week, now).getStatePair(chinaWallClock(now));
    const answer = unknown ? null : open;
    week.cache = { from: now, until: next ? fromChinaWallClock(next) : Infinity, open: answer };
    return answer;
  } catch {
    return null;
  }
}

/** The same from the text. */
export function isOpenAt(value: string, now: number): boolean | null {
  return weekOpenAt(parseOpeningHours(value), now);
}

/** When the state (open, closed, unknown) next changes after `at`, within 14 days; null if it does not. */
export function nextChange(value: string, at: number): number | null {
  const week = parseOpeningHours(value);
  if (!week) return null;
  try {
    const next = objectFor(week, at).getNextChange(chinaWallClock(at), chinaWallClock(at + 14 * DAY_MS));
    return next ? fromChinaWallClock(next) : null;
  } catch {
    return null;
  }
}

/**
 * Null when the text is acceptable as a station's hours (empty is: hours unknown), else why not, in
 * Chinese for the people who fix the sheet; a Chinese form that normalizeOpeningHours can convert is
 * answered with its OSM spelling.
 */
export function validateOpeningHours(text: string): string | null {
  const value = text.trim();
  if (!value) return null;
  const { problem } = reading(value);
  if (!problem) return null;
  const normalized = normalizeOpeningHours(value);
  if (normalized !== value && !reading(normalized).problem)
    return `不是 OpenStreetMap opening_hours 格式，应写成 ${normalized}`;
  return problem;
}

/**
 * The OSM spelling of hours written the common Chinese ways ("周一至周五 9:00-17:00" -> "Mo-Fr 09:00-17:00";
 * chinese-hours.ts has the forms); anything else, or a Chinese form not understood, is returned as given (trimmed).
 */
export function normalizeOpeningHours(text: string): string {
  return chineseHoursToOsm(text) ?? text.trim();
}
