import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, ApiError } from '../api';
import type { BandCollection } from '../map/serviceAreaLayer';

export type ModeKey = 'walk' | 'bike' | 'ebike' | 'drive';

/** Bands shown for a budget: the budget and two thirds and a third of it (15 -> 15, 10, 5). */
export function bandsFor(minutes: number): number[] {
  return [...new Set([minutes, Math.round((minutes * 2) / 3), Math.round(minutes / 3)])].filter((m) => m > 0);
}

export const useServiceAreasStore = defineStore('serviceAreas', () => {
  const stationAreasOn = ref(false);
  const stationAreas = ref<BandCollection | null>(null);
  const stationAreasLoading = ref(false);
  const probeOn = ref(false);
  const probePoint = ref<[number, number] | null>(null);
  const minutes = ref(15);
  const mode = ref<ModeKey>('walk');
  const probe = ref<BandCollection | null>(null);
  const probeError = ref<string | null>(null);
  let inFlight: AbortController | null = null;
  let pending = false;

  async function loadStationAreas() {
    if (stationAreas.value || stationAreasLoading.value) return;
    stationAreasLoading.value = true;
    try {
      stationAreas.value = await api<BandCollection>('/api/service-areas?minutes=15&mode=walk');
    } finally {
      stationAreasLoading.value = false;
    }
  }

  /** Recomputes the probe; while one request runs, only the latest position is asked for next. */
  async function refreshProbe() {
    if (!probePoint.value) return;
    if (inFlight) {
      pending = true;
      return;
    }
    const [lon, lat] = probePoint.value;
    inFlight = new AbortController();
    try {
      probe.value = await api<BandCollection>(
        `/api/isochrone?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}&minutes=${bandsFor(minutes.value).join(',')}&mode=${mode.value}`,
        { signal: inFlight.signal },
      );
      probeError.value = null;
    } catch (err) {
      probe.value = null;
      probeError.value =
        err instanceof ApiError && err.code === 'TOO_FAR_FROM_STREET'
          ? 'tooFar'
          : err instanceof Error
            ? err.message
            : String(err);
    } finally {
      inFlight = null;
      if (pending) {
        pending = false;
        void refreshProbe();
      }
    }
  }

  function placeProbe(point: [number, number]) {
    probePoint.value = point;
    void refreshProbe();
  }

  function clearProbe() {
    probePoint.value = null;
    probe.value = null;
    probeError.value = null;
  }

  return {
    stationAreasOn,
    stationAreas,
    stationAreasLoading,
    probeOn,
    probePoint,
    minutes,
    mode,
    probe,
    probeError,
    loadStationAreas,
    refreshProbe,
    placeProbe,
    clearProbe,
  };
});
