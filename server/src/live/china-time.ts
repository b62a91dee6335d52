/**
 * Calendar arithmetic in China Standard Time (UTC+8, no daylight saving): "this month" and "this
 * week" mean what they mean to the people in the meeting, whatever zone the server runs in.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;

/** Midnight China time at the start of the month containing `ms`, `offset` months later. */
export function chinaMonthStart(ms: number, offset = 0): number {
  const local = new Date(ms + CST);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + offset, 1) - CST;
}

/** Midnight China time on the Monday of the week containing `ms`. */
export function chinaWeekStart(ms: number): number {
  const dayStart = Math.floor((ms + CST) / DAY) * DAY - CST;
  const weekday = (new Date(dayStart + CST).getUTCDay() + 6) % 7; // Monday 0
  return dayStart - weekday * DAY;
}

export function chinaDayStart(ms: number): number {
  return Math.floor((ms + CST) / DAY) * DAY - CST;
}

export const WEEK_MS = 7 * DAY;
export const DAY_MS = DAY;
