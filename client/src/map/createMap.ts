/**
 * The one maplibre map of a view. It is a plain object owned by the view, never reactive state.
 * With BASEMAP_STYLE set, that online style is the base; otherwise the offline base from our data.
 */
import maplibregl, { type Map as MaplibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { AppConfig, Collection, RegionFeature } from '../api';
import { buildBaseStyle } from './baseStyle';

declare global {
  interface Window {
    /** The live map, for browser tests and for debugging in the console. */
    __practiceMap?: MaplibreMap;
  }
}

export function createMap(container: HTMLElement, config: AppConfig): MaplibreMap {
  const bbox = config.district?.bbox;
  const map = new maplibregl.Map({
    container,
    style: config.basemapStyle ?? buildBaseStyle({ withStreets: config.network }),
    bounds: bbox
      ? [
          [bbox[0], bbox[1]],
          [bbox[2], bbox[3]],
        ]
      : undefined,
    fitBoundsOptions: { padding: 24 },
    center: bbox ? undefined : [116.4, 39.9],
    zoom: bbox ? undefined : 9,
    maxZoom: 19,
    minZoom: 6,
    attributionControl: { compact: true, customAttribution: config.basemapStyle ? undefined : '底图：本系统路网数据' },
    dragRotate: false,
    pitchWithRotate: false,
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  window.__practiceMap = map;
  return map;
}

/** Township names at their label points (a polygon's label would repeat on every tile it crosses). */
export function setTownshipLabels(map: MaplibreMap, townships: Collection<RegionFeature>): void {
  const source = map.getSource('township-labels') as maplibregl.GeoJSONSource | undefined;
  source?.setData({
    type: 'FeatureCollection',
    features: townships.features.map((f) => ({
      type: 'Feature',
      properties: { name: f.properties.name, kind: f.properties.kind },
      geometry: { type: 'Point', coordinates: [f.properties.labelLon, f.properties.labelLat] },
    })),
  });
}
