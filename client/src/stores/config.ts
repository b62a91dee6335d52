import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, type AppConfig, type Collection, type RegionFeature } from '../api';

export const useConfigStore = defineStore('config', () => {
  const config = ref<AppConfig | null>(null);
  const townships = ref<Collection<RegionFeature> | null>(null);

  async function load() {
    if (config.value) return;
    const [c, t] = await Promise.all([
      api<AppConfig>('/api/config'),
      api<Collection<RegionFeature>>('/api/regions?level=township'),
    ]);
    config.value = c;
    townships.value = t;
  }
  return { config, townships, load };
});
