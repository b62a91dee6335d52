/** Travel speeds per mode. Walking at 4 km/h makes 15 minutes about 1,000 m (GB 50180-2018). */
import type { TravelMode } from './osm.js';

export const WALK_SPEED = 4 / 3.6; // m/s

/** Car speeds in km/h by highway class, for Chinese county roads in ordinary traffic. */
const DRIVE_KMH: Record<string, number> = {
  motorway: 100,
  motorway_link: 50,
  trunk: 70,
  trunk_link: 40,
  primary: 50,
  primary_link: 35,
  secondary: 45,
  secondary_link: 30,
  tertiary: 40,
  tertiary_link: 30,
  unclassified: 30,
  residential: 25,
  living_street: 10,
  service: 15,
  road: 25,
};

export interface ModeProfile {
  mode: TravelMode;
  /** Speed on the connector from a location to its street point and on the off-street leg (m/s). */
  accessSpeed: number;
  /** Speed on an edge of this highway class (m/s). */
  edgeSpeed: (highway: string) => number;
}

export const MODE_PROFILES: Record<TravelMode, ModeProfile> = {
  walk: { mode: 'walk', accessSpeed: WALK_SPEED, edgeSpeed: () => WALK_SPEED },
  bike: { mode: 'bike', accessSpeed: 15 / 3.6, edgeSpeed: (h) => (h === 'steps' ? WALK_SPEED / 2 : 15 / 3.6) },
  // Rural e-bikes (电动自行车) are capped at 25 km/h by GB 17761-2018; 20 is a fair average.
  ebike: { mode: 'ebike', accessSpeed: 20 / 3.6, edgeSpeed: (h) => (h === 'steps' ? WALK_SPEED / 2 : 20 / 3.6) },
  // A driver parks and walks the last bit.
  drive: { mode: 'drive', accessSpeed: WALK_SPEED, edgeSpeed: (h) => (DRIVE_KMH[h] ?? 25) / 3.6 },
};
