/**
 * Stations on the map. The centre and institutes are always drawn; stations and points cluster when
 * zoomed out (a county has hundreds of them) and spread out from zoom 13.
 */
import type { GeoJSONSource, Map as MaplibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import type { Collection, PointFeature, StationLevel, StationProperties } from '../api';
import { STATION_LEVELS_ORDER } from './levels';
import { drawStationIcon } from './stationIcons';
import { FONT_BOLD, FONT_REGULAR } from './fonts';

type StationCollection = Collection<PointFeature<StationProperties>>;

export const STATION_LAYERS = ['stations-major', 'stations-minor'] as const;

function split(data: StationCollection, visible: Set<StationLevel>) {
  const major: StationCollection = { type: 'FeatureCollection', features: [] };
  const minor: StationCollection = { type: 'FeatureCollection', features: [] };
  for (const f of data.features) {
    if (!visible.has(f.properties.level)) continue;
    (f.properties.level === 'center' || f.properties.level === 'institute' ? major : minor).features.push(f);
  }
  return { major, minor };
}

export function addStationsLayer(
  map: MaplibreMap,
  onSelect: (id: number) => void,
): {
  setData: (data: StationCollection, visible: Set<StationLevel>) => void;
  setSelected: (id: number | null) => void;
} {
  const ratio = Math.max(2, Math.ceil(window.devicePixelRatio || 1));
  for (const level of STATION_LEVELS_ORDER) {
    const canvas = drawStationIcon(level, ratio);
    const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    if (!map.hasImage(`station-${level}`)) map.addImage(`station-${level}`, image, { pixelRatio: ratio });
  }
  const empty = { type: 'FeatureCollection' as const, features: [] };
  map.addSource('stations-minor', {
    type: 'geojson',
    data: empty,
    cluster: true,
    clusterMaxZoom: 12,
    clusterRadius: 42,
    promoteId: 'id',
  });
  map.addSource('stations-major', { type: 'geojson', data: empty, promoteId: 'id' });
  map.addSource('station-selected', { type: 'geojson', data: empty });

  map.addLayer({
    id: 'stations-cluster',
    type: 'circle',
    source: 'stations-minor',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': 'rgba(229,138,31,0.85)',
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
      'circle-radius': ['step', ['get', 'point_count'], 13, 10, 17, 30, 22],
    },
  });
  map.addLayer({
    id: 'stations-cluster-count',
    type: 'symbol',
    source: 'stations-minor',
    filter: ['has', 'point_count'],
    layout: {
      'text-field': ['get', 'point_count_abbreviated'],
      'text-font': FONT_BOLD,
      'text-size': 13,
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    },
    paint: { 'text-color': '#ffffff' },
  });
  map.addLayer({
    id: 'station-selected',
    type: 'circle',
    source: 'station-selected',
    paint: {
      'circle-radius': 22,
      'circle-color': 'rgba(183,40,46,0.15)',
      'circle-stroke-color': '#b7282e',
      'circle-stroke-width': 2.5,
    },
  });
  const symbolLayout = (minzoomText: number) => ({
    'icon-image': ['concat', 'station-', ['get', 'level']] as unknown as string,
    'icon-allow-overlap': true,
    // Icons never hide the base map's place names; only their own labels take part in collisions.
    'icon-ignore-placement': true,
    'symbol-sort-key': ['match', ['get', 'level'], 'center', 0, 'institute', 1, 'station', 2, 3] as unknown as number,
    'text-field': ['step', ['zoom'], '', minzoomText, ['get', 'name']] as unknown as string,
    'text-font': FONT_REGULAR,
    'text-size': 12,
    'text-offset': [0, 1.3] as [number, number],
    'text-anchor': 'top' as const,
    'text-optional': true,
    'text-max-width': 9,
  });
  map.addLayer({
    id: 'stations-minor',
    type: 'symbol',
    source: 'stations-minor',
    filter: ['!', ['has', 'point_count']],
    layout: symbolLayout(14.5),
    paint: { 'text-color': '#4a3b2e', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
  });
  map.addLayer({
    id: 'stations-major',
    type: 'symbol',
    source: 'stations-major',
    layout: { ...symbolLayout(11.5), 'text-font': FONT_BOLD, 'text-size': 13 },
    paint: { 'text-color': '#7a1d21', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
  });

  let current: StationCollection = empty;
  const click = (e: MapLayerMouseEvent) => {
    const f = e.features?.[0];
    if (f) onSelect(Number(f.properties.id));
  };
  for (const layer of STATION_LAYERS) {
    map.on('click', layer, click);
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
  }
  map.on('click', 'stations-cluster', async (e) => {
    const f = e.features?.[0];
    if (!f) return;
    const source = map.getSource('stations-minor') as GeoJSONSource;
    const zoom = await source.getClusterExpansionZoom(Number(f.properties.cluster_id));
    map.easeTo({ center: (f.geometry as unknown as { coordinates: [number, number] }).coordinates, zoom: zoom + 0.2 });
  });
  map.on('mouseenter', 'stations-cluster', () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', 'stations-cluster', () => (map.getCanvas().style.cursor = ''));

  return {
    setData(data, visible) {
      current = data;
      const { major, minor } = split(data, visible);
      (map.getSource('stations-major') as GeoJSONSource).setData(major);
      (map.getSource('stations-minor') as GeoJSONSource).setData(minor);
    },
    setSelected(id) {
      const f = id === null ? undefined : current.features.find((s) => s.properties.id === id);
      (map.getSource('station-selected') as GeoJSONSource).setData({
        type: 'FeatureCollection',
        features: f ? [f] : [],
      });
    },
  };
}
