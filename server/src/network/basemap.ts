/**
 * The offline base map's layers, drawn from the project's own network: streets by class, water, and
 * the river's name. Plain GeoJSON that maplibre tiles in the browser; coordinates rounded to ~1 m.
 */
import type { OsmData } from '../geo/osm.js';

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id?: number;
    properties: Record<string, unknown>;
    geometry: { type: string; coordinates: unknown };
  }[];
}

const round = (v: number) => Math.round(v * 1e5) / 1e5;

/** Street classes the base map styles, from the most to the least important. */
const STREET_CLASS: Record<string, string> = {
  motorway: 'motorway',
  motorway_link: 'motorway',
  trunk: 'primary',
  trunk_link: 'primary',
  primary: 'primary',
  primary_link: 'primary',
  secondary: 'secondary',
  secondary_link: 'secondary',
  tertiary: 'tertiary',
  tertiary_link: 'tertiary',
  unclassified: 'minor',
  residential: 'minor',
  living_street: 'minor',
  road: 'minor',
  service: 'service',
  track: 'path',
  path: 'path',
  footway: 'path',
  pedestrian: 'path',
  steps: 'path',
  cycleway: 'path',
  bridleway: 'path',
  corridor: 'path',
};

export function basemapLayers(osm: OsmData): { streets: FeatureCollection; water: FeatureCollection } {
  const streets: FeatureCollection = { type: 'FeatureCollection', features: [] };
  const water: FeatureCollection = { type: 'FeatureCollection', features: [] };
  const coords = (refs: number[]) => {
    const out: number[][] = [];
    for (const r of refs) {
      const p = osm.nodes.get(r);
      if (p) out.push([round(p[0]), round(p[1])]);
    }
    return out;
  };
  for (const way of osm.ways) {
    const t = way.tags;
    if (t.highway && STREET_CLASS[t.highway] && t.area !== 'yes') {
      const line = coords(way.refs);
      if (line.length < 2) continue;
      streets.features.push({
        type: 'Feature',
        properties: {
          class: STREET_CLASS[t.highway],
          highway: t.highway,
          name: t.name ?? '',
          ref: t.ref ?? '',
          bridge: t.bridge === 'yes',
        },
        geometry: { type: 'LineString', coordinates: line },
      });
    } else if (t.natural === 'water' || t.waterway === 'riverbank') {
      const ring = coords(way.refs);
      if (ring.length >= 4)
        water.features.push({
          type: 'Feature',
          properties: { kind: 'area', name: t.name ?? '' },
          geometry: { type: 'Polygon', coordinates: [ring] },
        });
    } else if (t.waterway === 'river' || t.waterway === 'stream' || t.waterway === 'canal') {
      const line = coords(way.refs);
      if (line.length >= 2)
        water.features.push({
          type: 'Feature',
          properties: { kind: t.waterway, name: t.name ?? '' },
          geometry: { type: 'LineString', coordinates: line },
        });
    }
  }
  return { streets, water };
}
