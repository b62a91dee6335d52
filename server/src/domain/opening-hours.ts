/**
 * Whether a place is open, from the common subset of OpenStreetMap `opening_hours` that station
 * records use: rules separated by ";", each days then times ("Mo-Fr 08:30-11:30,14:00-17:30",
 * "Sa 09:00-12:00"), days alone with "off" ("Su off"), times alone (every day), and "24/7". Days are
 * ranges (wrapping: "Fr-Mo") and comma lists ("Mo,We,Fr"); a later rule replaces earlier ones for the
 * days it names, as in OSM. A time span ending before it starts runs past midnight. Public and school
 * holiday rules (PH, SH) are skipped: the calendar is not known here. Anything else is not understood
 * and gives null, never a guess. Times are read in China time (UTC+8).
 */

const DAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Minutes from midnight: [start, end), end may exceed 1440 for a span past midnight. */
type Span = [number, number];

/** The week as spans per day (0 = Sunday), or null when the text is not understood. */
export type Week = Span[][];

function parseTime(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

function parseSpans(text: string): Span[] | null {
  const spans: Span[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!m) return null;
    const start = parseTime(m[1]);
    const end = parseTime(m[2]);
    if (start === null || end === null || start === end) return null;
    spans.push([start, end > start ? end : end + 1440]);
  }
  return spans;
}

function parseDays(text: string): number[] | null {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [a, b, ...rest] = part.trim().split('-');
    if (rest.length) return null;
    const from = DAYS.indexOf(a);
    const to = b === undefined ? from : DAYS.indexOf(b);
    if (from < 0 || to < 0) return null;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  return [...days];
}

const DAY_LIST = /^([A-Z][a-z](?:\s*-\s*[A-Z][a-z])?(?:\s*,\s*[A-Z][a-z](?:\s*-\s*[A-Z][a-z])?)*)(?:\s+(.+))?$/;

/** The week of an `opening_hours` value, or null when it is empty or not understood. */
export function parseOpeningHours(value: string): Week | null {
  const text = value.trim();
  if (!text) return null;
  const week: Week = DAYS.map(() => []);
  let understood = false;
  for (const raw of text.split(';')) {
    const rule = raw.trim();
    if (!rule) continue;
    if (rule === '24/7') {
      for (let d = 0; d < 7; d++) week[d] = [[0, 1440]];
      understood = true;
      continue;
    }
    if (/^(PH|SH)\b/.test(rule)) continue;
    let days: number[] | null = [0, 1, 2, 3, 4, 5, 6];
    let times = rule;
    const m = DAY_LIST.exec(rule);
    if (m) {
      days = parseDays(m[1].replace(/\s+/g, ''));
      times = m[2]?.trim() ?? '';
    }
    if (!days || !times) return null;
    const spans = times === 'off' || times === 'closed' ? [] : parseSpans(times);
    if (!spans) return null;
    for (const d of days) week[d] = spans;
    understood = true;
  }
  return understood ? week : null;
}

/** Open at `now` (ms since the epoch) by the week's China-time spans; null when not understood. */
export function isOpenAt(value: string, now: number): boolean | null {
  return weekOpenAt(parseOpeningHours(value), now);
}

/** The same for a week parsed once (null stays null). */
export function weekOpenAt(week: Week | null, now: number): boolean | null {
  if (!week) return null;
  const local = new Date(now + CHINA_OFFSET_MS);
  const day = local.getUTCDay();
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  if (week[day].some(([start, end]) => minute >= start && minute < end)) return true;
  // Yesterday's spans that run past midnight.
  return week[(day + 6) % 7].some(([, end]) => end > 1440 && minute < end - 1440);
}
