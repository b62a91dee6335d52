/**
 * The planner's coverage page: the saved state's coverage (public) and the current scenario draft (planner):
 * moves, switched-off stations and hypothetical sites, evaluated as a what-if. The draft is saved as a
 * scenario (方案) of its own — it never writes a station; adopting a scenario is a separate action.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  api,
  ApiError,
  type CoverageGaps,
  type CoveragePartition,
  type CoverageRegionRow,
  type CoverageSummary,
  type CoverageTotals,
  type ScenarioSummary,
  type StationLevel,
  type SuggestionsAnswer,
} from '../api';
import {
  useScenariosStore,
  type MissingField,
  type Scenario,
  type ScenarioChangesBody,
  type ScenarioSite,
  type VillageChange,
  type WhatIfAnswer,
} from './scenarios';

// The coverage answers' shapes come from the server's schemas; these names are the store's.
export type RegionRow = CoverageRegionRow;
export type Totals = CoverageTotals;
export type { CoverageSummary, ScenarioSummary };
export type Suggestion = SuggestionsAnswer['suggestions'][number];

/** A hypothetical site in the draft: the stored fields plus a key for its map pin. */
export interface DraftSite extends ScenarioSite {
  key: number;
}

/** The saved scenario the draft was opened from (or last saved as). */
export interface OpenScenario {
  id: number;
  name: string;
  version: number;
  owner: Scenario['owner'];
  adoptedAt: string | null;
  adoptedBy: Scenario['adoptedBy'];
}

const opened = (s: Scenario): OpenScenario => ({
  id: s.id,
  name: s.name,
  version: s.version,
  owner: s.owner,
  adoptedAt: s.adoptedAt,
  adoptedBy: s.adoptedBy,
});

/** The fields a hypothetical site needs before it can become a station (as the adoption checks them). */
export function missingFields(site: ScenarioSite): MissingField[] {
  const missing: MissingField[] = [];
  if (!site.name?.trim()) missing.push('name');
  if (!site.level) missing.push('level');
  if (!site.regionCode) missing.push('regionCode');
  if (!site.services?.length) missing.push('services');
  if (!site.hours?.trim()) missing.push('hours');
  return missing;
}

/** Even-odd ray casting over a Polygon's or MultiPolygon's rings; enough for "which township is this point in". */
export function pointInArea(
  point: [number, number],
  geometry: { type: string; coordinates: unknown } | null | undefined,
): boolean {
  if (!geometry) return false;
  const polygons =
    geometry.type === 'Polygon'
      ? [geometry.coordinates as number[][][]]
      : geometry.type === 'MultiPolygon'
        ? (geometry.coordinates as number[][][][])
        : [];
  const [x, y] = point;
  let inside = false;
  for (const rings of polygons)
    for (const ring of rings)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
  return inside;
}

export const usePlanStore = defineStore('plan', () => {
  const scenarios = useScenariosStore();
  const minutes = ref(15);
  const levels = ref<StationLevel[]>(['center', 'institute', 'station']);
  const base = ref<CoverageSummary | null>(null);
  const baseGaps = ref<GeoJSON.FeatureCollection | null>(null);
  const uncovered = ref<GeoJSON.FeatureCollection | null>(null);
  const partition = ref<GeoJSON.FeatureCollection | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  /** Whether the what-if may be computed (a planner or admin is logged in); set by the page from the session. */
  const canCompute = ref(false);

  // The draft.
  const moves = ref(new Map<number, [number, number]>());
  const removed = ref(new Set<number>());
  const added = ref<DraftSite[]>([]);
  const name = ref('');
  const current = ref<OpenScenario | null>(null);
  /** The draft differs from the saved scenario (or is new and not empty). */
  const dirty = ref(false);
  const saving = ref(false);

  const scenario = ref<WhatIfAnswer | null>(null);
  const scenarioBusy = ref(false);
  const suggestions = ref<Suggestion[] | null>(null);
  const suggesting = ref(false);
  let nextKey = 1;

  // A reload or closing the tab would lose an unsaved draft (navigating inside the app keeps it in this store).
  if (typeof window !== 'undefined')
    window.addEventListener('beforeunload', (e) => {
      if (!dirty.value || (!hasChanges.value && !current.value)) return;
      e.preventDefault();
      e.returnValue = '';
    });

  const query = computed(() => `minutes=${minutes.value}&mode=walk&levels=${levels.value.join(',')}`);
  const readOnly = computed(() => current.value?.adoptedAt != null);
  const hasChanges = computed(() => moves.value.size > 0 || removed.value.size > 0 || added.value.length > 0);
  // An adopted scenario is the saved state now: its changes are history, not a what-if to draw.
  const active = computed(() => hasChanges.value && canCompute.value && !readOnly.value && scenario.value !== null);
  const shown = computed(() => (active.value ? scenario.value : base.value));
  const gaps = computed(() => (active.value && scenario.value?.gaps ? scenario.value.gaps : baseGaps.value));
  /** The uncovered villages as the map should draw them: with the scenario applied when there is one. */
  const shownUncovered = computed(() =>
    active.value && scenario.value?.uncovered ? scenario.value.uncovered : uncovered.value,
  );
  const gained = computed(() => (active.value ? (scenario.value?.gained ?? null) : null));
  const lost = computed(() => (active.value ? (scenario.value?.lost ?? null) : null));
  const villages = computed<VillageChange[]>(() => (active.value ? (scenario.value?.villages ?? []) : []));
  const incompleteSites = computed(() => added.value.filter((a) => missingFields(a).length > 0).length);

  function changes(): ScenarioChangesBody {
    return {
      add: added.value.map(({ key: _key, ...site }) => clean(site)),
      move: [...moves.value].map(([id, [lon, lat]]) => ({ id, lon, lat })),
      remove: [...removed.value],
    };
  }

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
  /** Evaluates the draft (never saves it). Only planners and admins may compute. */
  async function runScenario() {
    if (!hasChanges.value || !canCompute.value || readOnly.value) {
      scenario.value = null;
      return;
    }
    if (scenarioBusy.value) {
      pending = true;
      return;
    }
    scenarioBusy.value = true;
    try {
      const body = changes();
      // A saved scenario as it is stored (each site counted in the township chosen for it); a draft as posted.
      const saved = current.value && !dirty.value ? current.value.id : null;
      scenario.value =
        saved !== null
          ? await scenarios.coverage(saved, query.value)
          : await api<WhatIfAnswer>('/api/coverage/scenario', {
              method: 'POST',
              json: {
                minutes: minutes.value,
                mode: 'walk',
                levels: levels.value.join(','),
                move: body.move,
                remove: body.remove,
                // The what-if needs only where and what level; the other fields matter for adoption.
                add: body.add.map((a) => ({
                  lon: a.lon,
                  lat: a.lat,
                  level: a.level ?? 'station',
                  name: a.name || undefined,
                })),
              },
            });
      error.value = null;
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

  function edited() {
    dirty.value = true;
    void runScenario();
  }

  function moveStation(id: number, point: [number, number]) {
    if (readOnly.value) return;
    moves.value = new Map(moves.value).set(id, point);
    edited();
  }
  function undoMove(id: number) {
    const next = new Map(moves.value);
    next.delete(id);
    moves.value = next;
    edited();
  }
  function toggleStation(id: number) {
    if (readOnly.value) return;
    const next = new Set(removed.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    removed.value = next;
    if (next.has(id) && moves.value.has(id)) {
      const m = new Map(moves.value);
      m.delete(id);
      moves.value = m;
    }
    edited();
  }
  function addSite(site: ScenarioSite) {
    if (readOnly.value) return -1;
    const key = nextKey++;
    added.value = [...added.value, { level: 'station', services: [], ...site, key }];
    edited();
    return key;
  }
  /** Changes a site's fields; only a change of place or level needs a new what-if. */
  function updateSite(key: number, patch: Partial<ScenarioSite>) {
    if (readOnly.value) return;
    const prev = added.value.find((a) => a.key === key);
    if (!prev) return;
    added.value = added.value.map((a) => (a.key === key ? { ...a, ...patch } : a));
    dirty.value = true;
    if (patch.lon !== undefined || patch.lat !== undefined || (patch.level && patch.level !== prev.level))
      void runScenario();
  }
  function moveAdded(key: number, point: [number, number]) {
    updateSite(key, { lon: point[0], lat: point[1] });
  }
  function removeSite(key: number) {
    if (readOnly.value) return;
    added.value = added.value.filter((a) => a.key !== key);
    edited();
  }

  function fill(s: Scenario) {
    current.value = opened(s);
    name.value = s.name;
    moves.value = new Map(s.move.map((m) => [m.id, [m.lon, m.lat] as [number, number]]));
    removed.value = new Set(s.remove);
    added.value = s.add.map((a) => ({ ...a, key: nextKey++ }));
    dirty.value = false;
  }

  /** Starts an empty draft (the saved state). */
  function newDraft() {
    current.value = null;
    name.value = '';
    moves.value = new Map();
    removed.value = new Set();
    added.value = [];
    scenario.value = null;
    dirty.value = false;
  }

  /** Opens a saved scenario into the draft: exactly its pins, moves and switched-off stations. */
  async function open(id: number) {
    error.value = null;
    try {
      const s = await scenarios.get(id);
      fill(s);
      scenario.value = null;
      await runScenario();
      return true;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
      return false;
    }
  }

  /** Saves the draft as a scenario: POST the first time, then PATCH with the version it was read at. */
  async function save(newName?: string) {
    const n = (newName ?? name.value).trim();
    if (!n) throw new Error('name');
    saving.value = true;
    error.value = null;
    try {
      const s = current.value
        ? await scenarios.update(current.value.id, { name: n, version: current.value.version, ...changes() })
        : await scenarios.create(n, changes());
      current.value = opened(s);
      name.value = s.name;
      dirty.value = false;
      return s;
    } catch (err) {
      error.value = err instanceof ApiError || err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      saving.value = false;
    }
  }

  /** After the scenario was adopted elsewhere in the page: the draft becomes read-only. */
  function markAdopted(s: Scenario) {
    fill(s);
    scenario.value = null;
  }

  async function suggest(k = 5) {
    suggesting.value = true;
    try {
      suggestions.value = (await api<SuggestionsAnswer>(`/api/siting/suggestions?k=${k}&${query.value}`)).suggestions;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
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
    canCompute,
    moves,
    removed,
    added,
    name,
    current,
    dirty,
    saving,
    scenario,
    scenarioBusy,
    suggestions,
    suggesting,
    query,
    hasChanges,
    active,
    shown,
    gaps,
    shownUncovered,
    gained,
    lost,
    villages,
    readOnly,
    incompleteSites,
    changes,
    load,
    runScenario,
    moveStation,
    undoMove,
    toggleStation,
    addSite,
    updateSite,
    moveAdded,
    removeSite,
    newDraft,
    open,
    save,
    markAdopted,
    suggest,
  };
});

/** A site as stored: no empty strings or empty lists standing for "not given". */
function clean(site: ScenarioSite): ScenarioSite {
  const out: ScenarioSite = { lon: site.lon, lat: site.lat };
  if (site.level) out.level = site.level;
  if (site.name?.trim()) out.name = site.name.trim();
  if (site.regionCode) out.regionCode = site.regionCode;
  if (site.services?.length) out.services = site.services;
  if (site.hours?.trim()) out.hours = site.hours.trim();
  if (site.address?.trim()) out.address = site.address.trim();
  return out;
}
