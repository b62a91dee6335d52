/**
 * Live activities: what is on now, and a feed of what just happened, kept current by the SSE stream.
 * EventSource reconnects by itself and sends Last-Event-ID, so the server fills any gap.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, type ActivityEventMessage, type ActivityFeature, type Collection } from '../api';

export interface FeedItem {
  key: string;
  kind: ActivityEventMessage['event']['kind'];
  at: string;
  activity: ActivityFeature;
}

const FEED_LENGTH = 40;

export const useLiveStore = defineStore('live', () => {
  const byId = shallowRef(new Map<number, ActivityFeature>());
  const feed = ref<FeedItem[]>([]);
  const connected = ref(false);
  /** Bumped on every activity event, for views that refresh figures after a change. */
  const revision = ref(0);
  let source: EventSource | null = null;

  const live = computed(() =>
    [...byId.value.values()].sort((a, b) => a.properties.startsAt.localeCompare(b.properties.startsAt)),
  );

  function apply(feature: ActivityFeature) {
    const next = new Map(byId.value);
    if (feature.properties.status === 'live') next.set(feature.id, feature);
    else next.delete(feature.id);
    byId.value = next;
  }

  async function start() {
    if (source) return;
    const [now, recent] = await Promise.all([
      api<Collection<ActivityFeature>>('/api/activities?status=live&sort=start&limit=500'),
      api<Collection<ActivityFeature>>('/api/activities?status=live,finished&sort=-start&limit=12'),
    ]);
    byId.value = new Map(now.features.map((f) => [f.id, f]));
    feed.value = recent.features.map((f) => ({
      key: `initial-${f.id}`,
      kind: f.properties.status === 'live' ? 'start' : 'finish',
      at: f.properties.status === 'live' ? f.properties.startsAt : f.properties.endsAt,
      activity: f,
    }));
    source = new EventSource('/api/activities/stream');
    source.addEventListener('open', () => (connected.value = true));
    source.addEventListener('error', () => (connected.value = false));
    source.addEventListener('heartbeat', () => (connected.value = true));
    source.addEventListener('activity', (e) => {
      const message = JSON.parse((e as MessageEvent<string>).data) as ActivityEventMessage;
      const { event, ...feature } = message;
      apply(feature);
      feed.value = [{ key: `e${event.id}`, kind: event.kind, at: event.at, activity: feature }, ...feed.value].slice(
        0,
        FEED_LENGTH,
      );
      revision.value++;
    });
  }

  function stop() {
    source?.close();
    source = null;
    connected.value = false;
  }

  return { live, feed, connected, revision, start, stop };
});
