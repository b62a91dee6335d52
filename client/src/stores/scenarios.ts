/**
 * The planner's saved scenarios (方案): list, read, create, update, duplicate, delete, the adoption preview and
 * adoption, and each scenario's coverage for comparing. A scenario never touches the live stations; only
 * adoption does, on the server, as an explicit action.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  api,
  type AdoptionChange,
  type AdoptionPreview,
  type AdoptionResult,
  type CoverageSummary,
  type Scenario,
  type ScenarioListItem,
  type ScenarioSite,
  type ScenarioSummary,
} from '../api';

// The scenarios' shapes come from the server's schemas (routes/scenarios.schema.ts).
export type { AdoptionChange, AdoptionPreview, AdoptionResult, Scenario, ScenarioListItem, ScenarioSite };
export interface ScenarioMove {
  id: number;
  lon: number;
  lat: number;
}
export interface ScenarioChangesBody {
  add: ScenarioSite[];
  move: ScenarioMove[];
  remove: number[];
}
export type MissingField = AdoptionChange['missing'][number];

/** A village (population point) whose status the scenario changes. */
export interface VillageChange {
  id: number;
  name: string;
  kind: 'community' | 'village';
  population: number;
  region: string | null;
  before: 'covered' | 'uncovered';
  after: 'covered' | 'uncovered';
  minutesBefore: number | null;
  minutesAfter: number | null;
}

type AreaCollection = GeoJSON.FeatureCollection<
  GeoJSON.Polygon,
  { region: string; regionName: string; areaM2: number }
>;

/**
 * The what-if answer (POST /api/coverage/scenario and GET /api/scenarios/:id/coverage) with the contract's
 * gained/lost/uncovered/villages; optional here so the page still reads an answer without them.
 */
export type WhatIfAnswer = ScenarioSummary & {
  gained?: AreaCollection | null;
  lost?: AreaCollection | null;
  uncovered?: GeoJSON.FeatureCollection | null;
  villages?: VillageChange[];
};

export type { CoverageSummary };

export const useScenariosStore = defineStore('scenarios', () => {
  const list = ref<ScenarioListItem[] | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function refresh() {
    loading.value = true;
    error.value = null;
    try {
      list.value = (await api<{ scenarios: ScenarioListItem[] }>('/api/scenarios')).scenarios;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  const get = (id: number) => api<Scenario>(`/api/scenarios/${id}`);

  async function create(name: string, changes: ScenarioChangesBody) {
    const s = await api<Scenario>('/api/scenarios', { method: 'POST', json: { name, ...changes } });
    void refresh();
    return s;
  }

  async function update(id: number, patch: Partial<ScenarioChangesBody> & { name?: string; version?: number }) {
    const s = await api<Scenario>(`/api/scenarios/${id}`, { method: 'PATCH', json: patch });
    void refresh();
    return s;
  }

  async function duplicate(id: number, name?: string) {
    const s = await api<Scenario>(`/api/scenarios/${id}/duplicate`, {
      method: 'POST',
      json: name ? { name } : {},
    });
    void refresh();
    return s;
  }

  async function remove(id: number) {
    await api<void>(`/api/scenarios/${id}`, { method: 'DELETE' });
    void refresh();
  }

  const coverage = (id: number, query: string) => api<WhatIfAnswer>(`/api/scenarios/${id}/coverage?${query}`);
  const adoption = (id: number) => api<AdoptionPreview>(`/api/scenarios/${id}/adoption`);

  async function adopt(id: number, version: number) {
    const r = await api<AdoptionResult>(`/api/scenarios/${id}/adopt`, { method: 'POST', json: { version } });
    void refresh();
    return r;
  }

  return { list, loading, error, refresh, get, create, update, duplicate, remove, coverage, adoption, adopt };
});
