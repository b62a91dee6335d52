/**
 * What the API computes, from what the product is for: the 15-minute life circle on foot and the
 * rural e-bike ride, with room to compare, and never a question whose answer is a whole prefecture.
 *
 * - A service area (isochrone) reaches at most an hour on foot (4 km), 45 minutes by bicycle or
 *   e-bike (11-15 km), half an hour by car (15-25 km on county roads), in at most 3 bands: the map
 *   draws a budget with two thirds and a third of it (15/10/5), from a 5-30 minute slider.
 * - Every station's area at once is the map layer: presets of 5, 10 or 15 minutes, on foot or by
 *   (e-)bike, which the layer draws; driving areas of 200 stations cover the district many times over.
 * - Coverage, what-if and suggestions take the same per-mode budgets as a service area.
 *
 * Measured on the demo district (200 stations, 5,500 edges) before these limits: every station's area
 * for a 60-minute drive blocked the server for about two minutes and answered 170 MB; one isochrone
 * of six driving bands up to an hour took 1.4-4 s and 1-5 MB.
 */
import type { TravelMode } from '../geo/osm.js';

export const MAX_MINUTES: Record<TravelMode, number> = { walk: 60, bike: 45, ebike: 45, drive: 30 };
export const MAX_BANDS = 3;
export const STATION_AREA_MINUTES = [5, 10, 15] as const;
export const STATION_AREA_MODES = ['walk', 'bike', 'ebike'] as const satisfies readonly TravelMode[];

const BY: Record<TravelMode, string> = {
  walk: 'on foot (walk)',
  bike: 'by bicycle (bike)',
  ebike: 'by e-bike (ebike)',
  drive: 'by car (drive)',
};

/** Null when the budget is within the mode's limit, else the message, naming the field and the limit. */
export function minutesOverLimit(field: string, minutes: number, mode: TravelMode): string | null {
  const max = MAX_MINUTES[mode];
  return minutes > max ? `${field}: at most ${max} minutes ${BY[mode]}, not ${minutes}` : null;
}

/** Null when every station's area may be drawn for this budget and mode, else the message naming the field. */
export function stationAreaPresetError(minutes: number, mode: TravelMode): string | null {
  if (!(STATION_AREA_MODES as readonly string[]).includes(mode))
    return `mode: every station's area is drawn for ${STATION_AREA_MODES.join(', ')} only, not ${mode}`;
  if (!(STATION_AREA_MINUTES as readonly number[]).includes(minutes))
    return `minutes: every station's area is drawn for ${STATION_AREA_MINUTES.join(', ')} minutes only, not ${minutes}`;
  return null;
}
