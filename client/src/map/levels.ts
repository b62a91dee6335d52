import type { StationLevel } from '../api';

export const STATION_LEVELS_ORDER: StationLevel[] = ['center', 'institute', 'station', 'point'];
