/** Opening hours read in China time, with hand-worked cases for the forms the station records use. */
import { describe, expect, it } from 'vitest';
import { isOpenAt, parseOpeningHours } from '../../server/src/domain/opening-hours.js';

/** A China-time wall clock reading: 2026-11-23 is a Monday, 11-24 Tuesday, 11-28 Saturday, 11-29 Sunday. */
const china = (local: string) => Date.parse(`${local}:00+08:00`);

describe('isOpenAt', () => {
  it.each([
    // Weekday ranges with a lunch break (the demo's commonest form).
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T10:00', true],
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T08:29', false],
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T08:30', true],
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T11:30', false], // the end is the minute it closes
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T12:00', false], // lunch
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-24T17:29', true],
    ['Mo-Fr 08:30-11:30,14:00-17:30', '2026-11-28T10:00', false], // Saturday
    ['Mo-Fr 08:00-12:00, 14:00-18:00', '2026-11-24T15:00', true], // a space after the comma
    // A Saturday half day.
    ['Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30', '2026-11-28T10:00', true],
    ['Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30', '2026-11-28T14:30', false],
    ['Mo-Fr 08:30-11:30,14:00-17:30; Sa 09:00-11:30', '2026-11-29T10:00', false],
    ['Mo-Sa 08:00-12:00,14:30-18:00', '2026-11-28T17:00', true],
    // Closed on Mondays, open on Sundays.
    ['Tu-Su 09:00-11:30,15:00-18:00', '2026-11-23T10:00', false],
    ['Tu-Su 09:00-11:30,15:00-18:00', '2026-11-29T16:00', true],
    // Straight through noon.
    ['Mo-Fr 09:00-17:00', '2026-11-25T12:00', true],
    ['Mo-Su 08:00-18:00', '2026-11-29T12:00', true],
    ['Mo-Su 08:00-18:00', '2026-11-29T18:00', false],
    // 24/7, at any hour of any day.
    ['24/7', '2026-11-29T03:00', true],
    // "off" overrides an earlier rule for the day it names.
    ['Mo-Fr 08:00-18:00; We off', '2026-11-25T10:00', false],
    ['Mo-Fr 08:00-18:00; We off', '2026-11-26T10:00', true],
    ['Su off', '2026-11-24T10:00', false],
    // Comma lists and a range that wraps the week.
    ['Mo,We,Fr 09:00-12:00', '2026-11-24T10:00', false],
    ['Mo,We,Fr 09:00-12:00', '2026-11-25T10:00', true],
    ['Fr-Mo 10:00-16:00', '2026-11-29T11:00', true],
    ['Fr-Mo 10:00-16:00', '2026-11-24T11:00', false],
    // Times alone mean every day; a span past midnight carries into the next morning.
    ['18:00-02:00', '2026-11-24T01:00', true],
    ['18:00-02:00', '2026-11-24T03:00', false],
    ['18:00-02:00', '2026-11-24T23:00', true],
    ['Sa 20:00-01:00', '2026-11-29T00:30', true], // Saturday night into Sunday
    ['Sa 20:00-01:00', '2026-11-30T00:30', false],
    // Public holidays are not known: the rule is skipped, the rest still read.
    ['Mo-Fr 09:00-17:00; PH off', '2026-11-24T10:00', true],
  ] as const)('%s at %s China time: %s', (hours, local, expected) => {
    expect(isOpenAt(hours, china(local))).toBe(expected);
  });

  it('reads the clock in China time (UTC+8), not UTC', () => {
    // 01:00 UTC on Tuesday is 09:00 in China: open; by UTC it would be the middle of the night.
    expect(isOpenAt('Mo-Fr 08:30-11:30', Date.parse('2026-11-24T01:00:00Z'))).toBe(true);
    // 23:00 UTC on Sunday is already Monday 07:00 in China: closed until 08:30, and not Sunday.
    expect(isOpenAt('Su 00:00-24:00', Date.parse('2026-11-22T23:00:00Z'))).toBe(false);
  });

  it.each([
    '',
    '   ',
    '周一至周五 9:00-17:00',
    'Mo-Fr',
    'Mo-Fr 25:00-26:00',
    'Mo-Xx 08:00-12:00',
    'sunrise-sunset',
    'Mo-Fr 08:00-08:00',
    'by appointment',
  ])('gives null for %j, which it cannot read', (hours) => {
    expect(isOpenAt(hours, china('2026-11-24T10:00'))).toBeNull();
    expect(parseOpeningHours(hours)).toBeNull();
  });
});
