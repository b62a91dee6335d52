/**
 * The engine against an independent implementation of the design's definition (tests/support/
 * reference-service-area.ts) on real OpenStreetMap extracts and on the demo district: the
 * intersection over union of the two areas, sampled on a 10 m lattice, must be at least 0.97.
 * Also shortest times against a plain Dijkstra on random small graphs, walking and driving.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOsmFile } from '../../server/src/importers/osm.js';
import { connectedComponents } from '../../server/src/geo/graph.js';
import { serviceArea, sourcesFromSnap, type ModeNetwork } from '../../server/src/geo/service-area.js';
import { shortestTimes } from '../../server/src/geo/dijkstra.js';
import { snapToStreet } from '../../server/src/geo/snap.js';
import { pointInArea, type MultiPolygonGeometry } from '../../server/src/geo/polygon.js';
import { metresPerDegree, LocalPlane } from '../../server/src/geo/ellipsoid.js';
import { generateDemo } from '../../server/src/demo/generate.js';
import { Random } from '../../server/src/demo/random.js';
import type { OsmData } from '../../server/src/geo/osm.js';
import { modeNetwork } from '../support/networks.js';
import { plainDijkstra, referenceServiceArea } from '../support/reference-service-area.js';
import { GEODATA, geodataOrSkip } from '../support/geodata.js';

const haveGeodata = geodataOrSkip('real-extract service-area checks');

function iou(net: ModeNetwork, lon: number, lat: number, minutes: number): { iou: number; area: number } {
  const budget = minutes * 60;
  const result = serviceArea(net, lon, lat, { budgets: [budget] });
  if (!result.ok) throw new Error('too far');
  const shape: MultiPolygonGeometry = { type: 'MultiPolygon', coordinates: result.bands[0].coordinates };
  const ref = referenceServiceArea(net.graph, net.edgeTime, net.profile.accessSpeed, lon, lat, budget, 100);
  const { kx, ky } = metresPerDegree(lat);
  const reach = budget * net.profile.accessSpeed + 200;
  let both = 0,
    either = 0;
  for (let x = -reach; x <= reach; x += 10)
    for (let y = -reach; y <= reach; y += 10) {
      const plon = lon + x / kx;
      const plat = lat + y / ky;
      const a = pointInArea(plon, plat, shape);
      const b = ref.inside(plon, plat);
      if (a && b) both++;
      if (a || b) either++;
    }
  return { iou: either ? both / either : 1, area: result.bands[0].areaM2 };
}

/** Origins: street points of the main component, plus one a little off the street. */
function origins(osm: OsmData, net: ModeNetwork, count: number, seed: number): [number, number][] {
  const comps = connectedComponents(net.graph);
  const rng = new Random(seed);
  const main: number[] = [];
  for (let v = 0; v < net.graph.nodeCount; v++) if (comps.componentOf[v] === 0) main.push(v);
  const out: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    const v = rng.pick(main);
    const { kx, ky } = metresPerDegree(net.graph.nodeLat[v]);
    const off = k === count - 1 ? 60 : rng.range(0, 30);
    out.push([net.graph.nodeLon[v] + off / kx, net.graph.nodeLat[v] + off / 2 / ky]);
  }
  void osm;
  return out;
}

describe.skipIf(!haveGeodata)('service areas on real extracts against the reference implementation', () => {
  let monaco: { osm: OsmData; net: ModeNetwork };
  let beijing: { osm: OsmData; net: ModeNetwork };
  beforeAll(async () => {
    const m = await readOsmFile(path.join(GEODATA, 'monaco.osm.pbf'));
    monaco = { osm: m, net: modeNetwork(m) };
    const b = await readOsmFile(path.join(GEODATA, 'beijing_cau_east.osm'));
    beijing = { osm: b, net: modeNetwork(b) };
  });

  it('Monaco (PBF): IoU >= 0.97 for 15 and 5 minutes at several origins', () => {
    for (const [lon, lat] of origins(monaco.osm, monaco.net, 5, 11)) {
      for (const minutes of [15, 5]) {
        const r = iou(monaco.net, lon, lat, minutes);
        expect(r.iou, `(${lon}, ${lat}) ${minutes} min`).toBeGreaterThanOrEqual(0.97);
        expect(r.area).toBeGreaterThan(0);
      }
    }
  });

  it('Beijing campus (OSM XML): IoU >= 0.97 at several origins', () => {
    for (const [lon, lat] of origins(beijing.osm, beijing.net, 4, 12)) {
      const r = iou(beijing.net, lon, lat, 15);
      expect(r.iou, `(${lon}, ${lat})`).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('the Monaco network has the size the extract notes give (about 470 km of walkable street)', () => {
    let km = 0;
    for (let e = 0; e < monaco.net.graph.edgeCount; e++) km += monaco.net.graph.edgeLength[e] / 1000;
    expect(km).toBeGreaterThan(440);
    expect(km).toBeLessThan(500);
  });
});

describe('service areas on the demo district against the reference implementation', () => {
  it('IoU >= 0.97 at three origins, one across the river from the town centre', () => {
    const demo = generateDemo({ seed: 3, now: Date.parse('2026-11-24T02:00:00Z') });
    const net = modeNetwork(demo.osm);
    const center = demo.stations[0];
    for (const [lon, lat] of [[center.lon, center.lat], ...origins(demo.osm, net, 2, 5)] as [number, number][]) {
      expect(iou(net, lon, lat, 15).iou).toBeGreaterThanOrEqual(0.97);
    }
  });
});

describe('shortest times against a plain Dijkstra on random graphs', () => {
  const plane = new LocalPlane(116.6, 36.2);
  function randomOsm(rng: Random, n: number, onewayShare: number): OsmData {
    const nodes = new Map<number, [number, number]>();
    const pts: [number, number][] = [];
    for (let i = 1; i <= n; i++) {
      const p: [number, number] = [rng.range(0, 2000), rng.range(0, 2000)];
      pts.push(p);
      nodes.set(i, plane.toLonLat(p[0], p[1]));
    }
    const ways = [];
    let id = 1;
    for (let i = 0; i < n; i++) {
      const near = pts
        .map((p, j) => [Math.hypot(p[0] - pts[i][0], p[1] - pts[i][1]), j])
        .sort((a, b) => a[0] - b[0])
        .slice(1, 4);
      for (const [, j] of near) {
        if (j < i && rng.chance(0.5)) continue;
        const tags: Record<string, string> = { highway: rng.pick(['primary', 'residential', 'tertiary']) };
        if (rng.chance(onewayShare)) tags.oneway = rng.chance(0.8) ? 'yes' : '-1';
        ways.push({ id: id++, refs: [i + 1, j + 1], tags });
      }
    }
    return { nodes, ways };
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random graph %i: walking and driving times equal the plain Dijkstra', (seed) => {
    const rng = new Random(seed * 7919);
    const osm = randomOsm(rng, 40, 0.3);
    for (const mode of ['walk', 'drive'] as const) {
      const net = modeNetwork(osm, mode);
      if (net.graph.edgeCount === 0) continue;
      for (let k = 0; k < 3; k++) {
        const [x, y] = [rng.range(0, 2000), rng.range(0, 2000)];
        const [lon, lat] = plane.toLonLat(x, y);
        const snap = snapToStreet(net.graph, net.street, lon, lat, 5000)!;
        const sources = sourcesFromSnap(net, snap, snap.distance / net.profile.accessSpeed);
        const fast = shortestTimes(net.graph, net.edgeTime, sources, Infinity).time;
        const slow = plainDijkstra(net.graph, net.edgeTime, sources);
        for (let v = 0; v < net.graph.nodeCount; v++) {
          if (slow[v] === Infinity) expect(fast[v]).toBe(Infinity);
          else expect(fast[v]).toBeCloseTo(slow[v], 6);
        }
        // With a cutoff, exactly the vertices within it are reached.
        const cut = shortestTimes(net.graph, net.edgeTime, sources, 200).time;
        for (let v = 0; v < net.graph.nodeCount; v++) expect(cut[v] <= 200).toBe(slow[v] <= 200);
      }
    }
  });

  it.each([1, 2, 3])('random graph %i: the service area agrees with the reference (IoU >= 0.97)', (seed) => {
    const rng = new Random(seed * 104729);
    const net = modeNetwork(randomOsm(rng, 60, 0));
    const [lon, lat] = plane.toLonLat(1000, 1000);
    expect(iou(net, lon, lat, 10).iou).toBeGreaterThanOrEqual(0.97);
  });
});
