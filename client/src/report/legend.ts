/**
 * The legend of the planner's map as the report draws it, from the same constants the layers are drawn
 * with (coverage classes, station symbols). The page passes it in ReportInput.legend.
 */
import type { StationLevel } from '../api';
import { COVERAGE_STEPS } from '../map/coverageLayers';
import type { ReportLegendEntry } from './input';
import type { Translate } from './mapImage';

export function planLegend(t: Translate, levels: StationLevel[], scenario: boolean): ReportLegendEntry[] {
  const entries: ReportLegendEntry[] = levels.map((level) => ({
    shape: 'icon',
    level,
    color: '',
    label: t(`levels.${level}`),
  }));
  const steps = COVERAGE_STEPS.map(([min], i) => {
    const max = COVERAGE_STEPS[i + 1]?.[0];
    const pct = (v: number) => `${Math.round(v * 100)}%`;
    return max === undefined ? `≥ ${pct(min)}` : `${pct(min)}–${pct(max)}`;
  });
  COVERAGE_STEPS.forEach(([, color], i) =>
    entries.push({
      shape: 'fill',
      color: `${color}55`,
      stroke: color,
      label: t('report.legendTownship', { range: steps[i] }),
    }),
  );
  entries.push({
    shape: 'fill',
    color: 'rgba(78, 52, 46, 0.18)',
    stroke: '#8d2b22',
    dashed: true,
    label: t('plan.gapsLegend'),
  });
  entries.push({ shape: 'dot', color: '#d32f2f', label: t('report.legendUncovered') });
  entries.push({ shape: 'dot', color: '#6a1b9a', label: t('report.unreachableShort') });
  if (scenario) {
    entries.push({
      shape: 'fill',
      color: 'rgba(46, 125, 50, 0.45)',
      stroke: '#2e7d32',
      label: t('report.legendGained'),
    });
    entries.push({ shape: 'fill', color: 'rgba(198, 40, 40, 0.4)', stroke: '#c62828', label: t('report.legendLost') });
  }
  return entries;
}
