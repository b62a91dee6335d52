/**
 * "Where am I, and what is near": the visitor's point (from geolocation, a tap or a search), the
 * filters, and the nearest stations by walking time with their routes. Nothing here is stored.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import { api, ApiError, type NearbyAnswer, type ServiceCategory } from '../api';

export type OriginSource = 'gps' | 'tap' | 'search';
export type NearbyProblem = 'denied' | 'unavailable' | 'unsupported' | 'tooFar' | 'noNetwork' | 'failed';

export const useNearbyStore = defineStore('nearby', () => {
  const origin = ref<{ lon: number; lat: number; source: OriginSource; label?: string } | null>(null);
  const service = ref<ServiceCategory | ''>('');
  const openNow = ref(false);
  const answer = ref<NearbyAnswer | null>(null);
  const loading = ref(false);
  const locating = ref(false);
  const problem = ref<NearbyProblem | null>(null);
  /** The station whose route is drawn. */
  const routeTo = ref<number | null>(null);
  let asked = 0;

  async function search() {
    if (!origin.value) return;
    const ask = ++asked;
    loading.value = true;
    const q = new URLSearchParams({
      lon: String(origin.value.lon),
      lat: String(origin.value.lat),
      limit: '5',
      mode: 'walk',
    });
    if (service.value) q.set('service', service.value);
    if (openNow.value) q.set('openNow', 'true');
    try {
      const result = await api<NearbyAnswer>(`/api/nearby?${q}`);
      if (ask !== asked) return;
      answer.value = result;
      problem.value = null;
      routeTo.value = result.results[0]?.station.properties.id ?? null;
    } catch (err) {
      if (ask !== asked) return;
      answer.value = null;
      problem.value =
        err instanceof ApiError && err.status === 422
          ? 'tooFar'
          : err instanceof ApiError && err.status === 409
            ? 'noNetwork'
            : 'failed';
    } finally {
      if (ask === asked) loading.value = false;
    }
  }

  function setOrigin(lon: number, lat: number, source: OriginSource, label?: string) {
    origin.value = { lon, lat, source, label };
    void search();
  }

  /** Browser geolocation is WGS-84, like everything we store: no conversion. */
  function locate() {
    if (!('geolocation' in navigator)) {
      problem.value = 'unsupported';
      return;
    }
    locating.value = true;
    navigator.geolocation.getCurrentPosition(
      (p) => {
        locating.value = false;
        setOrigin(p.coords.longitude, p.coords.latitude, 'gps');
      },
      (err) => {
        locating.value = false;
        problem.value = err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable';
      },
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
    );
  }

  watch([service, openNow], () => void search());

  return { origin, service, openNow, answer, loading, locating, problem, routeTo, setOrigin, locate, search };
});
