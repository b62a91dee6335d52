/**
 * Formats the common subset of OpenStreetMap `opening_hours` ("Mo-Fr 08:30-11:30,14:00-17:30; Sa
 * 09:00-11:30") for reading; anything it does not understand is shown as written.
 */
const DAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];

export interface HoursWords {
  days: string[];
  through: string;
  everyday: string;
}

export function formatOpeningHours(value: string, words: HoursWords): string[] {
  if (!value.trim()) return [];
  return value.split(';').map((rule) => {
    const m = /^\s*([A-Za-z,-]+)\s+([0-9:,-]+)\s*$/.exec(rule);
    if (!m) return rule.trim();
    const dayPart = m[1].split(',').map((range) => {
      const [a, b] = range.split('-').map((d) => DAYS.indexOf(d));
      if (a < 0 || (b !== undefined && b < 0)) return null;
      if (b === undefined) return words.days[a];
      if (a === 1 && b === 0) return words.everyday;
      return `${words.days[a]}${words.through}${words.days[b]}`;
    });
    if (dayPart.some((d) => d === null)) return rule.trim();
    const times = m[2]
      .split(',')
      .map((t) => t.replace('-', '–'))
      .join('、');
    return `${dayPart.join('、')} ${times}`;
  });
}
