/**
 * The legend of the planner's map as the report draws it: the entries of the map's own legend
 * (PlanMapLegend), for the layers drawn now, in the colours the layers use (map/coverageLayers.ts).
 */
import type { StationLevel } from '../api';
import { COVERAGE_COLORS, COVERAGE_STEPS, GAP_TINT_OPACITY } from '../map/coverageLayers';
import { STATION_LEVELS_ORDER } from '../map/levels';
import type { ReportLegendEntry } from './input';
import type { Translate } from './mapImage';

const OFF_ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 22 22'%3E%3Ccircle cx='11' cy='11' r='9.5' fill='%23cfd8dc' stroke='%23546e7a' stroke-width='2'/%3E%3Cpath d='M6 6l10 10M16 6L6 16' stroke='%23b71c1c' stroke-width='2.6' stroke-linecap='round'/%3E%3C/svg%3E";
const SITE_ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 26 34'%3E%3Cpath d='M13 1C6.4 1 1 6.3 1 12.9 1 22 13 33 13 33s12-11 12-20.1C25 6.3 19.6 1 13 1z' fill='%236a1b9a' stroke='white' stroke-width='2'/%3E%3Ccircle cx='13' cy='13' r='7' fill='white'/%3E%3C/svg%3E";

const hex = (opacity: number) =>
  Math.round(opacity * 255)
    .toString(16)
    .padStart(2, '0');

export interface PlanLegendOptions {
  /** The coverage layers drawn now (coverageLayers' onLegendChange); null: all but the partition. */
  layers: readonly string[] | null;
  minutes: number;
  /** The levels counted in the coverage, and those drawn on the map. */
  counted: StationLevel[];
  drawn: StationLevel[];
  /** Hypothetical sites and switched-off stations in the what-if shown. */
  sites: number;
  switchedOff: number;
}

export function planLegend(t: Translate, o: PlanLegendOptions): ReportLegendEntry[] {
  const has = (key: string) =>
    o.layers ? o.layers.includes(key) : key !== 'partition' && key !== 'gained' && key !== 'lost';
  const entries: ReportLegendEntry[] = [];
  if (has('covered'))
    entries.push({
      color: `${COVERAGE_COLORS.covered}${hex(COVERAGE_COLORS.coveredOpacity)}`,
      label: t('plan.legend.covered', { n: o.minutes }),
    });
  if (has('gaps'))
    entries.push({
      color: COVERAGE_COLORS.land,
      stroke: COVERAGE_COLORS.coveredEdge,
      label: t('plan.legend.gaps', { n: o.minutes }),
    });
  if (has('choropleth')) {
    const pct = (v: number) => `${Math.round(v * 100)}%`;
    COVERAGE_STEPS.forEach(([min, color], i) => {
      const max = COVERAGE_STEPS[i + 1]?.[0];
      const range =
        i === 0
          ? t('plan.legend.below', { b: pct(max!) })
          : max === undefined
            ? t('plan.legend.atLeast', { a: pct(min) })
            : t('plan.legend.range', { a: pct(min), b: pct(max) });
      const tint = GAP_TINT_OPACITY[i] ?? 0;
      entries.push({
        color: tint ? `${color}${hex(tint)}` : COVERAGE_COLORS.land,
        frame: color,
        label: t('report.legendTownship', { range }),
      });
    });
  }
  if (has('uncovered')) {
    entries.push({ shape: 'dot', color: COVERAGE_COLORS.uncovered, label: t('report.legendUncovered') });
    entries.push({ shape: 'dot', color: COVERAGE_COLORS.unreachable, label: t('plan.legend.unreachable') });
  }
  if (has('gained'))
    entries.push({
      color: `${COVERAGE_COLORS.gained}73`,
      stroke: COVERAGE_COLORS.gained,
      label: t('plan.legend.gained'),
    });
  if (has('lost'))
    entries.push({
      color: '#ffffff',
      hatch: COVERAGE_COLORS.lost,
      stroke: COVERAGE_COLORS.lost,
      label: t('plan.legend.lost'),
    });
  if (o.switchedOff) entries.push({ shape: 'image', image: OFF_ICON, color: '', label: t('plan.legend.off') });
  if (o.sites) entries.push({ shape: 'image', image: SITE_ICON, color: '', label: t('plan.legend.site') });
  if (has('partition'))
    entries.push({ shape: 'line', color: COVERAGE_COLORS.partition, label: t('plan.legend.partition') });
  for (const level of STATION_LEVELS_ORDER.filter((l) => o.drawn.includes(l)))
    entries.push({
      shape: 'icon',
      level,
      color: '',
      label: `${t(`levels.${level}`)}${o.counted.includes(level) ? '' : t('plan.legend.notCounted')}`,
    });
  return entries;
}
