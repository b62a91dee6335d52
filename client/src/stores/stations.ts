import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  api,
  type Collection,
  type PointFeature,
  type StationDetailProperties,
  type StationLevel,
  type StationProperties,
} from '../api';

export const useStationsStore = defineStore('stations', () => {
  const collection = ref<Collection<PointFeature<StationProperties>>>({ type: 'FeatureCollection', features: [] });
  const visibleLevels = ref(new Set<StationLevel>(['center', 'institute', 'station', 'point']));
  const selectedId = ref<number | null>(null);
  const detail = ref<PointFeature<StationDetailProperties> | null>(null);
  const detailError = ref<string | null>(null);

  const countByLevel = computed(() => {
    const counts: Record<StationLevel, number> = { center: 0, institute: 0, station: 0, point: 0 };
    for (const f of collection.value.features) counts[f.properties.level]++;
    return counts;
  });

  async function fetchAll() {
    collection.value = await api('/api/stations');
  }

  async function select(id: number | null) {
    selectedId.value = id;
    detail.value = null;
    detailError.value = null;
    if (id === null) return;
    try {
      const d = await api<PointFeature<StationDetailProperties>>(`/api/stations/${id}`);
      if (selectedId.value === id) detail.value = d;
    } catch (err) {
      if (selectedId.value === id) detailError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function toggleLevel(level: StationLevel) {
    const next = new Set(visibleLevels.value);
    if (next.has(level)) next.delete(level);
    else next.add(level);
    visibleLevels.value = next;
  }

  return { collection, visibleLevels, selectedId, detail, detailError, countByLevel, fetchAll, select, toggleLevel };
});
