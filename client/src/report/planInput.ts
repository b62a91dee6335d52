/**
 * Builds the report's input from what the planner's page shows: coverage with the scenario applied when
 * one is active, the open scenario's name and changes, the uncovered villages as drawn. Typed by the
 * fields it reads, not by the store, so the page can pass its store as it is.
 */
import type { CoverageRegionRow, CoverageTotals, StationLevel } from '../api';
import type { ReportChange, ReportInput, ReportVillage } from './input';
import { planLegend } from './legend';
import type { Translate } from './mapImage';

export interface PlanLike {
  minutes: number;
  levels: StationLevel[];
  active: boolean;
  shown: { regions: CoverageRegionRow[]; totals: CoverageTotals } | null;
  base: { totals: CoverageTotals } | null;
  scenario: { delta: { regions: { code: string; coveredPopulation: number }[] } } | null;
  shownUncovered: { features: { properties: unknown }[] } | null;
  name: string;
  current: { name: string } | null;
  added: { name?: string; lon: number; lat: number; regionCode?: string }[];
  moves: Map<number, [number, number]>;
  removed: Set<number>;
}

export interface PlanReportContext {
  plan: PlanLike;
  district: string | null;
  demo: boolean;
  townshipName: (code: string | null | undefined) => string | null;
  stationName: (id: number) => string;
  stationAt: (id: number) => [number, number] | null;
  t: Translate;
  /** The coverage layers drawn now, and the station levels drawn (for the legend). */
  legendLayers?: readonly string[] | null;
  drawnLevels?: StationLevel[];
  date?: Date;
}

/** Metres between two lon/lat points (haversine; enough for "moved about 300 m"). */
export function metresBetween(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

function village(properties: unknown, townshipName: PlanReportContext['townshipName']): ReportVillage | null {
  const p = properties as Record<string, unknown> | null;
  if (!p || typeof p.name !== 'string' || typeof p.population !== 'number') return null;
  return {
    name: p.name,
    population: p.population,
    township: townshipName(typeof p.region === 'string' ? p.region : null),
    minutes: typeof p.minutes === 'number' ? p.minutes : null,
    unreachable: p.unreachable === true,
  };
}

export function planReportInput(ctx: PlanReportContext): ReportInput | null {
  const { plan, t } = ctx;
  if (!plan.shown) return null;
  const scenario = plan.active;
  const changes: ReportChange[] = [];
  if (scenario) {
    plan.added.forEach((site, i) => {
      const name = site.name?.trim() || t('report.siteN', { n: i + 1 });
      const where = [ctx.townshipName(site.regionCode), `${site.lon.toFixed(5)}, ${site.lat.toFixed(5)}`];
      changes.push({ kind: 'add', label: [name, ...where.filter(Boolean)].join(' · ') });
    });
    for (const [id, to] of plan.moves) {
      const from = ctx.stationAt(id);
      const name = ctx.stationName(id);
      changes.push({
        kind: 'move',
        label: from ? t('report.moveLabel', { name, m: Math.round(metresBetween(from, to) / 10) * 10 }) : name,
      });
    }
    for (const id of plan.removed) changes.push({ kind: 'remove', label: ctx.stationName(id) });
  }
  return {
    district: ctx.district,
    scenarioName: scenario ? plan.name.trim() || plan.current?.name || t('report.draft') : null,
    changes,
    minutes: plan.minutes,
    mode: 'walk',
    levels: plan.levels,
    regions: plan.shown.regions,
    totals: plan.shown.totals,
    base: scenario ? (plan.base?.totals ?? null) : null,
    deltas: scenario ? (plan.scenario?.delta.regions ?? []) : [],
    uncovered: (plan.shownUncovered?.features ?? [])
      .map((f) => village(f.properties, ctx.townshipName))
      .filter((v): v is ReportVillage => v !== null),
    legend: planLegend(t, {
      layers: ctx.legendLayers ?? null,
      minutes: plan.minutes,
      counted: plan.levels,
      drawn: ctx.drawnLevels ?? plan.levels,
      sites: scenario ? plan.added.length : 0,
      switchedOff: scenario ? plan.removed.size : 0,
    }),
    dataSource: ctx.demo ? t('report.sourceDemo') : t('report.sourceData'),
    date: ctx.date ?? new Date(),
  };
}
