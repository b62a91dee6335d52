/**
 * What a report or a map image says, as a plain object the planner's page builds from its stores: the
 * report code reads nothing else (no store, no server), so the same input gives the same sheet.
 */
import type { CoverageRegionRow, CoverageTotals, StationLevel } from '../api';

/** One line of the legend: a swatch of a shape and colour, and what it means. */
export interface ReportLegendEntry {
  label: string;
  color: string;
  /** fill: a shaded area; line: a street-like line; dot: a circle; icon: a station level's symbol; image: a pin. */
  shape?: 'fill' | 'line' | 'dot' | 'icon' | 'image';
  /** The outline of a fill or a dot. */
  stroke?: string;
  dashed?: boolean;
  /** A fill's thick inner frame (a township's class colour), or its diagonal hatching. */
  frame?: string;
  hatch?: string;
  /** For shape 'icon'. */
  level?: StationLevel;
  /** For shape 'image': an image URL (a data: URL; nothing is fetched). */
  image?: string;
}

/** One of the scenario's changes, as the report lists it. */
export interface ReportChange {
  kind: 'add' | 'move' | 'remove';
  label: string;
}

/** An uncovered village or community, as the report lists it. */
export interface ReportVillage {
  name: string;
  population: number;
  /** The township's name, or null outside every township. */
  township: string | null;
  /** Walking minutes to the nearest counted station; null when none is reachable. */
  minutes: number | null;
  /** Farther than 500 m from every street. */
  unreachable: boolean;
}

export interface ReportInput {
  /** The district's name (演示区…), or null when no district boundary is loaded. */
  district: string | null;
  /** The scenario's name; null for the current state. */
  scenarioName: string | null;
  /** The scenario's changes, empty for the current state. */
  changes: ReportChange[];
  minutes: number;
  /** walk, bike, ebike or drive. */
  mode: string;
  /** The station levels counted as serving. */
  levels: StationLevel[];
  /** Coverage as shown: per township and in total (with the scenario applied when there is one). */
  regions: CoverageRegionRow[];
  totals: CoverageTotals;
  /** The current state's totals, when a scenario is shown. */
  base: CoverageTotals | null;
  /** Per township, the scenario's change in covered population; empty without a scenario. */
  deltas: { code: string; coveredPopulation: number }[];
  /** Uncovered villages and communities (any order: the report ranks them by population). */
  uncovered: ReportVillage[];
  legend: ReportLegendEntry[];
  /** Where the figures come from (population, stations); the map's OpenStreetMap credit is added. */
  dataSource: string;
  /** The date printed on the map and the file name. */
  date: Date;
}

/** 2026-11-24, in the browser's time zone. */
export function isoDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`;
}

/** A file name without characters that Windows or macOS refuse, and without spaces. */
export function fileNameOf(title: string, date: Date, suffix = ''): string {
  const safe = [...title]
    .filter((c) => c.charCodeAt(0) >= 0x20)
    .join('')
    .replace(/[\\/:*?"<>|]+/g, '')
    .replace(/\s+/g, '')
    .slice(0, 80);
  return `${safe || 'map'}-${isoDate(date)}${suffix}`;
}

/** The villages most people first, ties by name, so the ranking is the same every time. */
export function rankVillages(villages: ReportVillage[]): ReportVillage[] {
  return [...villages].sort((a, b) => b.population - a.population || a.name.localeCompare(b.name, 'zh-CN'));
}
