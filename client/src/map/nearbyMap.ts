/**
 * The public view's map and all its layers, behind one small interface. NearbyView imports this
 * module dynamically, so maplibre (most of the public route's bytes) loads while the list is already
 * usable: on a slow phone connection, "find me" works before the map has arrived.
 */
import maplibregl from 'maplibre-gl';
import type {
  AppConfig,
  Collection,
  NearbyAnswer,
  NearbyResult,
  PointFeature,
  RegionFeature,
  StationLevel,
  StationProperties,
} from '../api';
import { createMap, setTownshipLabels } from './createMap';
import { addStationsLayer } from './stationsLayer';
import { addServiceAreaLayers, type BandCollection } from './serviceAreaLayer';
import { addRouteLayer } from './routeLayer';

export interface NearbyMapHandlers {
  /** A station symbol was clicked. */
  openStation(id: number): void;
  /** The map was clicked where there is no station. */
  clickPlace(lon: number, lat: number): void;
  /** The service-area probe's pin was dragged. */
  dragProbe(lon: number, lat: number): void;
}

export interface NearbyMapOptions {
  config: AppConfig;
  townships: Collection<RegionFeature> | null;
  labels: { origin: string; probe: string };
  handlers: NearbyMapHandlers;
}

const phone = () => window.matchMedia('(max-width: 640px)').matches;

/** Resolves once the style has loaded and every layer is in place. */
export function createNearbyMap(container: HTMLElement, options: NearbyMapOptions) {
  const map = createMap(container, options.config);

  return new Promise<NearbyMap>((resolve) => {
    map.on('load', () => resolve(addLayers(map, options)));
  });
}

export type NearbyMap = ReturnType<typeof addLayers>;

function addLayers(map: maplibregl.Map, options: NearbyMapOptions) {
  let probeMarker: maplibregl.Marker | null = null;
  if (options.townships) setTownshipLabels(map, options.townships);
  // Under the borders and labels of our own base; on top of an online base style.
  const areas = addServiceAreaLayers(map, map.getLayer('township-border') ? 'township-border' : undefined);
  const route = addRouteLayer(map, options.labels.origin);
  const stations = addStationsLayer(map, options.handlers.openStation);
  map.on('click', (e) => {
    const hit = map.queryRenderedFeatures(e.point, {
      layers: ['stations-major', 'stations-minor', 'stations-cluster'],
    });
    if (!hit.length) options.handlers.clickPlace(e.lngLat.lng, e.lngLat.lat);
  });

  return {
    /** Resolves when the first frame is drawn (flying before then leaves software canvases blank). */
    idle: () => new Promise<void>((done) => map.once('idle', () => done())),
    setStations: (collection: Collection<PointFeature<StationProperties>>, visible: Set<StationLevel>) =>
      stations.setData(collection, visible),
    setSelected: (id: number | null) => stations.setSelected(id),
    setProbe: (bands: BandCollection | null) => areas.setProbe(bands),
    setStationAreas: (bands: BandCollection | null) => areas.setStationAreas(bands),
    setOrigin: (point: [number, number] | null) => route.setOrigin(point),
    setRoute: (result: NearbyResult | null) => route.setRoute(result),
    setProbeCursor: (on: boolean) => {
      map.getCanvas().style.cursor = on ? 'crosshair' : '';
    },
    /** The probe's start point: a draggable pin; dragging recomputes the bands as it moves. */
    showProbeMarker(point: [number, number] | null) {
      if (!point) {
        probeMarker?.remove();
        probeMarker = null;
        return;
      }
      if (probeMarker) {
        probeMarker.setLngLat(point);
        return;
      }
      const el = document.createElement('div');
      el.className = 'probe-pin';
      el.setAttribute('aria-label', options.labels.probe);
      probeMarker = new maplibregl.Marker({ element: el, draggable: true, anchor: 'bottom' })
        .setLngLat(point)
        .addTo(map);
      probeMarker.on('drag', () => {
        const p = probeMarker!.getLngLat();
        options.handlers.dragProbe(p.lng, p.lat);
      });
    },
    /** Centre a station in the part of the map the panel leaves visible. */
    flyToStation(coordinates: [number, number]) {
      map.easeTo({
        center: coordinates,
        zoom: Math.max(map.getZoom(), 14),
        offset: phone() ? [0, 0] : [-190, 0],
        duration: 0,
      });
    },
    /** Show the visitor's point and the stations found together. */
    fitAnswer(answer: NearbyAnswer) {
      // maplibre's own bounds: @turf/bbox here would join the map chunk and rename it (tests/e2e finds createMap-*.js).
      const bounds = new maplibregl.LngLatBounds(
        [answer.origin.lon, answer.origin.lat],
        [answer.origin.lon, answer.origin.lat],
      );
      for (const r of answer.results) bounds.extend(r.station.geometry.coordinates);
      const padding = phone() ? 36 : { top: 60, right: 400, bottom: 60, left: 60 };
      map.fitBounds(bounds, { padding, maxZoom: 16, duration: 0 });
    },
    remove() {
      probeMarker?.remove();
      map.remove();
      if (window.__practiceMap === map) delete window.__practiceMap;
    },
  };
}
