/**
 * An OpenStreetMap `opening_hours` value as lines to read, printed by the opening_hours library that
 * the server evaluates with (same country setting). The library is large (mostly holiday tables of
 * every country), so it is loaded on first use, outside the public route's first load. Day and month
 * names come from the browser's Intl in the page's language; the few words the library has no Chinese
 * for are given here. A value the library cannot read is shown as written.
 */
import type OpeningHoursClass from 'opening_hours';
import type { nominatim_object } from 'opening_hours';

let library: Promise<typeof OpeningHoursClass> | null = null;

/** Country only, as on the server: PH must parse; nothing is evaluated here. */
const CHINA = { address: { country_code: 'cn' } } as unknown as nominatim_object;

/** The library's English fallbacks in a Chinese page (replaced outside "comments" only). */
const ZH: [RegExp, string][] = [
  [/public holidays/g, '法定节假日'],
  [/school holidays/g, '学校假期'],
  [/\bclosed\b/g, '休息'],
  [/\bopen\b/g, '开放'],
  [/\bunknown\b/g, '时间未定'],
  [/^24\/7$/, '全天开放'],
  [/(周[一二三四五六日])-(周[一二三四五六日])/g, '$1至$2'],
  [/(周[一二三四五六日]|节假日),(?=周|法定)/g, '$1、'],
];

export async function formatOpeningHours(value: string, locale: string): Promise<string[]> {
  const text = value.trim();
  if (!text) return [];
  const OpeningHours = await (library ??= import('opening_hours').then((m) => m.default));
  const zh = locale.startsWith('zh');
  let pretty: string;
  try {
    // 'en' prints the OSM abbreviations ("Mo-Fr"); 'en-GB' the English ones ("Mon-Fri").
    const conf = { locale: locale === 'en' ? 'en-GB' : locale, rule_sep_string: '\n', print_semicolon: false };
    // The .d.ts puts these options at the top level; the library reads them from `conf`.
    pretty = new OpeningHours(text, CHINA, 0).prettifyValue({ conf } as never);
  } catch {
    return [text];
  }
  return pretty.split('\n').map((line) =>
    zh
      ? line
          .split('"')
          .map((part, i) => (i % 2 ? part : ZH.reduce((s, [re, word]) => s.replace(re, word), part)))
          .join('"')
      : line,
  );
}
