/** Chinese opening hours -> OSM opening_hours (domain/chinese-hours.ts): a table of forms offices write. */
import { describe, expect, it } from 'vitest';
import { chineseHoursToOsm } from '../../server/src/domain/chinese-hours.js';
import { validateOpeningHours } from '../../server/src/domain/opening-hours.js';

const CONVERTED: [string, string][] = [
  ['周一至周五 9:00-17:00', 'Mo-Fr 09:00-17:00'],
  ['每天 8:30-17:30', 'Mo-Su 08:30-17:30'],
  ['周一至周六 上午9:00-12:00 下午14:00-17:30', 'Mo-Sa 09:00-12:00,14:00-17:30'],
  ['周一至周六 上午9:00-12:00 下午2:00-5:30', 'Mo-Sa 09:00-12:00,14:00-17:30'],
  ['周末 9:00-12:00', 'Sa,Su 09:00-12:00'],
  ['周末', 'Sa,Su unknown'],
  ['节假日休息', 'PH off'],
  ['周一至周五 9:00-17:00，节假日休息', 'Mo-Fr 09:00-17:00; PH off'],
  ['周一至周五 9:00-17:00（节假日除外）', 'Mo-Fr 09:00-17:00; PH off'],
  ['周一至周五：9:00-17:00', 'Mo-Fr 09:00-17:00'],
  ['每周一至周五 9:00-17:00', 'Mo-Fr 09:00-17:00'],
  ['周一到周五 9：00—17：00', 'Mo-Fr 09:00-17:00'],
  ['周一至五 8:30-11:30，14:00-17:30；周六 9:00-12:00', 'Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-12:00'],
  ['周二至周日 9:00-17:00 周一闭馆', 'Tu-Su 09:00-17:00; Mo off'],
  ['8:30-17:30（周一至周五）', 'Mo-Fr 08:30-17:30'],
  ['工作日 8:30-17:30 双休日 9:00-11:30', 'Mo-Fr 08:30-17:30; Sa,Su 09:00-11:30'],
  ['周一至周五上午9点至下午5点', 'Mo-Fr 09:00-17:00'],
  ['星期一至星期五 9点半-17点', 'Mo-Fr 09:30-17:00'],
  ['周六、周日 9:00-12:00', 'Sa,Su 09:00-12:00'],
  ['全天开放', '24/7'],
  ['24小时', '24/7'],
  ['周一至周五 9:00-17:00 节假日照常开放', 'Mo-Fr 09:00-17:00'],
  ['开放时间：每日 8:00-20:00', 'Mo-Su 08:00-20:00'],
];

const NOT_UNDERSTOOD = ['早八晚五', '冬季 9:00-17:00', '看情况', '周一至周五 25:00-26:00', '周八 9:00-17:00'];

describe('Chinese opening hours', () => {
  it.each(CONVERTED)('%s -> %s, which the opening_hours reader accepts', (text, osm) => {
    expect(chineseHoursToOsm(text)).toBe(osm);
    expect(validateOpeningHours(osm)).toBeNull();
  });
  it.each(NOT_UNDERSTOOD)('%s is not understood (null), not passed through', (text) => {
    expect(chineseHoursToOsm(text)).toBeNull();
  });
  it('leaves OSM syntax and empty cells as they are', () => {
    expect(chineseHoursToOsm(' Mo-Fr 09:00-17:00 ')).toBe('Mo-Fr 09:00-17:00');
    expect(chineseHoursToOsm('')).toBe('');
  });
});
