import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  api,
  type CoverageGaps,
  type CoveragePartition,
  type CoverageRegionRow,
  type CoverageSummary,
  type CoverageTotals,
  type ScenarioSummary,
  type StationLevel,
  type SuggestionsAnswer,
} from '../api';

// The coverage answers' shapes come from the server's schemas; these names are the store's.
export type RegionRow = CoverageRegionRow;
export type Totals = CoverageTotals;
export type { CoverageSummary, ScenarioSummary };
export type Suggestion = SuggestionsAnswer['suggestions'][number];

export interface HypotheticalStation {
  key: number;
  lon: number;
  lat: number;
  name: string;
}

export const usePlanStore = defineStore('plan', () => {
  const minutes = ref(15);
  const levels = ref<StationLevel[]>(['center', 'institute', 'station']);
  const base = ref<CoverageSummary | null>(null);
  const baseGaps = ref<GeoJSON.FeatureCollection | null>(null);
  const uncovered = ref<GeoJSON.FeatureCollection | null>(null);
  const partition = ref<GeoJSON.FeatureCollection | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const moves = ref(new Map<number, [number, number]>());
  const removed = ref(new Set<number>());
  const added = ref<HypotheticalStation[]>([]);
  const scenario = ref<ScenarioSummary | null>(null);
  const scenarioBusy = ref(false);
  const suggestions = ref<Suggestion[] | null>(null);
  const suggesting = ref(false);
  let nextKey = 1;

  const query = computed(() => `minutes=${minutes.value}&mode=walk&levels=${levels.value.join(',')}`);
  const hasChanges = computed(() => moves.value.size > 0 || removed.value.size > 0 || added.value.length > 0);
  const shown = computed(() => (hasChanges.value && scenario.value ? scenario.value : base.value));
  const gaps = computed(() => (hasChanges.value && scenario.value?.gaps ? scenario.value.gaps : baseGaps.value));

  async function load() {
    loading.value = true;
    error.value = null;
    try {
      const [summary, g, p] = await Promise.all([
        api<CoverageSummary>(`/api/coverage?${query.value}`),
        api<CoverageGaps>(`/api/coverage/gaps?${query.value}`),
        api<CoveragePartition>(`/api/coverage/partition?${query.value}`),
      ]);
      base.value = summary;
      baseGaps.value = g.gaps;
      uncovered.value = g.uncovered;
      partition.value = p;
      suggestions.value = null;
      if (hasChanges.value) await runScenario();
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  let pending = false;
  async function runScenario() {
    if (!hasChanges.value) {
      scenario.value = null;
      return;
    }
    if (scenarioBusy.value) {
      pending = true;
      return;
    }
    scenarioBusy.value = true;
    try {
      scenario.value = await api<ScenarioSummary>('/api/coverage/scenario', {
        method: 'POST',
        json: {
          minutes: minutes.value,
          mode: 'walk',
          levels: levels.value.join(','),
          move: [...moves.value].map(([id, [lon, lat]]) => ({ id, lon, lat })),
          remove: [...removed.value],
          add: added.value.map((a) => ({ lon: a.lon, lat: a.lat, name: a.name })),
        },
      });
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      scenarioBusy.value = false;
      if (pending) {
        pending = false;
        void runScenario();
      }
    }
  }

  function moveStation(id: number, point: [number, number]) {
    moves.value = new Map(moves.value).set(id, point);
    void runScenario();
  }
  function toggleStation(id: number) {
    const next = new Set(removed.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    removed.value = next;
    void runScenario();
  }
  function addStation(point: [number, number], name?: string) {
    const key = nextKey++;
    added.value = [...added.value, { key, lon: point[0], lat: point[1], name: name ?? `拟建站点 ${key}` }];
    void runScenario();
    return key;
  }
  function moveAdded(key: number, point: [number, number]) {
    added.value = added.value.map((a) => (a.key === key ? { ...a, lon: point[0], lat: point[1] } : a));
    void runScenario();
  }
  function discard() {
    moves.value = new Map();
    removed.value = new Set();
    added.value = [];
    scenario.value = null;
  }

  /** Saves moved and new stations (planner): moves as updates, hypothetical stations as new stations. */
  async function save() {
    for (const [id, [lon, lat]] of moves.value)
      await api(`/api/stations/${id}`, { method: 'PATCH', json: { lon, lat } });
    for (const a of added.value)
      await api('/api/stations', { method: 'POST', json: { name: a.name, level: 'station', lon: a.lon, lat: a.lat } });
    moves.value = new Map();
    added.value = [];
    if (removed.value.size === 0) scenario.value = null;
    await load();
  }

  async function suggest(k = 5) {
    suggesting.value = true;
    try {
      suggestions.value = (await api<SuggestionsAnswer>(`/api/siting/suggestions?k=${k}&${query.value}`)).suggestions;
    } finally {
      suggesting.value = false;
    }
  }

  return {
    minutes,
    levels,
    base,
    baseGaps,
    uncovered,
    partition,
    loading,
    error,
    moves,
    removed,
    added,
    scenario,
    scenarioBusy,
    suggestions,
    suggesting,
    query,
    hasChanges,
    shown,
    gaps,
    load,
    runScenario,
    moveStation,
    toggleStation,
    addStation,
    moveAdded,
    discard,
    save,
    suggest,
  };
});
