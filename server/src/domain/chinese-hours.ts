/**
 * Opening hours as Chinese offices write them, converted to OpenStreetMap `opening_hours` for the station
 * sheets: "周一至周五 9:00-17:00" -> "Mo-Fr 09:00-17:00", "每天 8:30-17:30" -> "Mo-Su 08:30-17:30",
 * "周一至周六 上午9:00-12:00 下午14:00-17:30" -> "Mo-Sa 09:00-12:00,14:00-17:30", "周一闭馆" -> "Mo off",
 * "节假日休息" -> "PH off", "8:30-17:30（周一至周五）" -> "Mo-Fr 08:30-17:30". Pure: no I/O, no library; the
 * importer checks the result with domain/opening-hours.ts. A later day starts a new rule, as in OSM.
 */

const FULL_WIDTH: Record<string, string> = {
  '，': ',',
  '；': ';',
  '：': ':',
  '（': '(',
  '）': ')',
  '～': '~',
  '－': '-',
  '—': '-',
  '–': '-',
  '\u3000': ' ',
};
const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
const DAY_CODES: Record<string, string> = {
  一: 'Mo',
  二: 'Tu',
  三: 'We',
  四: 'Th',
  五: 'Fr',
  六: 'Sa',
  日: 'Su',
  天: 'Su',
};
WEEKDAYS.forEach((code, i) => (DAY_CODES[String(i + 1)] = code));
const DAY_WORDS: Record<string, string> = {
  每天: 'Mo-Su',
  每日: 'Mo-Su',
  天天: 'Mo-Su',
  全周: 'Mo-Su',
  工作日: 'Mo-Fr',
  周末: 'Sa,Su',
  双休日: 'Sa,Su',
  法定节假日: 'PH',
  节假日: 'PH',
  节日: 'PH',
};
/** A clock time: period, hour, then ":MM", "点半" or "点/时[MM分]" (5 groups). */
const TIME = String.raw`(上午|早上|早|中午|下午|晚上|晚)?(\d{1,2})(?::(\d{2})|(点半)|[点时](?:(\d{1,2})分?)?)`;
const TO = String.raw`\s*(?:至|到|-|~)\s*`;
const WEEK = '(?:每)?(?:周|星期|礼拜)';
/** The forms understood, tried in this order at each position. */
const TOKENS: [kind: string, re: RegExp][] = (
  [
    ['skip', String.raw`[\s,、;():.]+|开放时间:?|服务时间:?|办公时间:?|时间:?`],
    ['skip', '(?:法定)?节假日(?:照常|正常)(?:开放|营业|办公)?'],
    ['holidaysOff', '(?:法定)?节假日除外'],
    ['off', '不开放|休息|闭馆|休馆|关闭|闭店|关门'],
    ['allDay', '全天24小时|24小时(?:开放)?|全天(?:开放)?'],
    ['skip', '开放|开馆|营业|办公'],
    ['days', `${WEEK}([一二三四五六日天1-7])(?:${TO}(?:${WEEK})?([一二三四五六日天1-7]))?`],
    ['dayWord', Object.keys(DAY_WORDS).join('|')],
    ['span', `${TIME}${TO}${TIME}`],
  ] as const
).map(([kind, source]) => [kind, new RegExp(source, 'y')]);

/** "HH:MM" from the 5 groups of a TIME (下午, 晚上 and 中午 before 11 move it past noon); null if invalid. */
function clock([period, h, mm, half, m2]: (string | undefined)[]): string | null {
  let hour = Number(h);
  const minute = half ? 30 : Number(mm ?? m2 ?? 0);
  if ((period === '下午' || period === '晚上' || period === '晚' || (period === '中午' && hour < 11)) && hour < 12)
    hour += 12;
  if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

interface Rule {
  days: string[];
  times: string[];
  off: boolean;
  allDay: boolean;
}

const CHINESE = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/** Whether the text is written in Chinese (and so is for chineseHoursToOsm), not in OSM syntax. */
export const isChineseHours = (text: string): boolean => CHINESE.test(text);

/**
 * The OSM spelling of hours written in Chinese, or null when any part is not understood. Text without
 * Chinese characters is returned as given (trimmed): it is OSM syntax already, or not, for the caller to check.
 * Days without times ("周一至周五") mean open those days at hours not given: "Mo-Fr unknown".
 */
export function chineseHoursToOsm(text: string): string | null {
  const value = text.trim();
  if (!CHINESE.test(value)) return value;
  const src = value.replace(/[，；：（）～－—–\u3000]/g, (c) => FULL_WIDTH[c]);
  const rules: Rule[] = [];
  const fresh = (): Rule => ({ days: [], times: [], off: false, allDay: false });
  const hasBody = (r: Rule) => r.times.length > 0 || r.off || r.allDay;
  let rule = fresh();
  let holidaysOff = false;
  for (let at = 0; at < src.length;) {
    let kind = '';
    let m: RegExpExecArray | null = null;
    for (const [k, re] of TOKENS) {
      re.lastIndex = at;
      if ((m = re.exec(src))) {
        kind = k;
        break;
      }
    }
    if (!m) return null;
    at += m[0].length;
    if ((kind === 'days' || kind === 'dayWord') && hasBody(rule)) {
      rules.push(rule);
      rule = fresh();
    }
    if (kind === 'holidaysOff') holidaysOff = true;
    else if (kind === 'off') rule.off = true;
    else if (kind === 'allDay') rule.allDay = true;
    else if (kind === 'days') rule.days.push(DAY_CODES[m[1]] + (m[2] ? `-${DAY_CODES[m[2]]}` : ''));
    else if (kind === 'dayWord') rule.days.push(DAY_WORDS[m[0]]);
    else if (kind === 'span') {
      // An end without its own period takes the start's ("下午2:00-5:30").
      const from = clock(m.slice(1, 6));
      const to = clock([m[6] ?? m[1], ...m.slice(7, 11)]);
      if (!from || !to) return null;
      rule.times.push(`${from}-${to}`);
    }
  }
  if (hasBody(rule) || rule.days.length) rules.push(rule);
  // Times first, their days after ("8:30-17:30（周一至周五）"): one rule, not two.
  for (let i = 0; i + 1 < rules.length; i++)
    if (!rules[i].days.length && hasBody(rules[i]) && rules[i + 1].days.length && !hasBody(rules[i + 1])) {
      rules[i].days = rules[i + 1].days;
      rules.splice(i + 1, 1);
    }
  if (!rules.length && !holidaysOff) return null;
  const out = rules.map((r) => {
    const body = r.off ? 'off' : r.allDay ? '00:00-24:00' : r.times.join(',') || 'unknown';
    return r.days.length ? `${r.days.join(',')} ${body}` : body === '00:00-24:00' ? '24/7' : body;
  });
  if (holidaysOff) out.push('PH off');
  return out.join('; ');
}
