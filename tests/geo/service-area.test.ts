/**
 * Service areas on fixtures with known answers (in/ -> out/, Turf style: outputs are rewritten only
 * with REGEN=1 and reviewed as a diff; each carries a debug layer of the network and the snapped
 * point to open in a GIS viewer), plus the hand-worked answers each fixture was built for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serviceArea, type ServiceAreaResult } from '../../server/src/geo/service-area.js';
import { pointInArea, type MultiPolygonGeometry } from '../../server/src/geo/polygon.js';
import { LocalPlane } from '../../server/src/geo/ellipsoid.js';
import type { TravelMode } from '../../server/src/geo/osm.js';
import { modeNetwork, osmFromLines } from '../support/networks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'fixtures');
const plane = new LocalPlane(116.62, 36.18);
const REGEN = process.env.REGEN === '1';

interface Fixture {
  result: Extract<ServiceAreaResult, { ok: true }>;
  bands: Map<number, MultiPolygonGeometry>;
  areaOf: (minutes: number) => number;
  inside: (minutes: number, x: number, y: number) => boolean;
}

const round = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(round) : typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v;

function runFixture(name: string): Fixture {
  const input = JSON.parse(fs.readFileSync(path.join(dir, 'in', `${name}.geojson`), 'utf8'));
  const originFeature = input.features.find((f: { properties: { origin?: boolean } }) => f.properties.origin);
  const {
    minutes,
    mode = 'walk',
    offroad = 100,
  } = originFeature.properties as { minutes: number[]; mode?: TravelMode; offroad?: number };
  const net = modeNetwork(osmFromLines(input.features), mode);
  const [lon, lat] = originFeature.geometry.coordinates;
  const result = serviceArea(net, lon, lat, { budgets: minutes.map((m) => m * 60), offroadM: offroad });
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  const output = {
    type: 'FeatureCollection',
    features: [
      ...result.bands.map((b, i) => ({
        type: 'Feature',
        properties: { minutes: minutes[i], areaM2: Math.round(b.areaM2) },
        geometry: { type: 'MultiPolygon', coordinates: round(b.coordinates) },
      })),
      {
        type: 'Feature',
        properties: { debug: 'snapped point', snapDistanceM: Math.round(result.snap.distance * 10) / 10 },
        geometry: { type: 'Point', coordinates: round([result.snap.lon, result.snap.lat]) },
      },
      ...input.features.map((f: object) => ({
        ...f,
        properties: { ...(f as { properties: object }).properties, debug: 'input' },
      })),
    ],
  };
  const outFile = path.join(dir, 'out', `${name}.geojson`);
  if (REGEN || !fs.existsSync(outFile)) fs.writeFileSync(outFile, JSON.stringify(output, null, 1) + '\n');
  else expect(output).toEqual(JSON.parse(fs.readFileSync(outFile, 'utf8')));
  const bands = new Map(
    result.bands.map((b, i) => [minutes[i], { type: 'MultiPolygon' as const, coordinates: b.coordinates }]),
  );
  return {
    result,
    bands,
    areaOf: (m) => result.bands[minutes.indexOf(m)].areaM2,
    inside: (m, x, y) => {
      const [plon, plat] = plane.toLonLat(x, y);
      return pointInArea(plon, plat, bands.get(m)!);
    },
  };
}

describe('service area fixtures', () => {
  it('dead end: a stadium of radius 100 m from the origin to 900 m along (area 900·200 + π·100²)', () => {
    const f = runFixture('dead-end');
    expect(f.areaOf(15)).toBeGreaterThan((900 * 200 + Math.PI * 1e4) * 0.985);
    expect(f.areaOf(15)).toBeLessThan((900 * 200 + Math.PI * 1e4) * 1.015);
    // 5 minutes = 333.3 m: a stadium to 233.3 m.
    expect(f.areaOf(5)).toBeGreaterThan((233.33 * 200 + Math.PI * 1e4) * 0.985);
    expect(f.areaOf(5)).toBeLessThan((233.33 * 200 + Math.PI * 1e4) * 1.015);
    expect(f.inside(15, 990, 0)).toBe(true); // the reach ends 1000 m along
    expect(f.inside(15, 1010, 0)).toBe(false);
    expect(f.inside(15, 500, 95)).toBe(true);
    expect(f.inside(15, 500, 105)).toBe(false);
    expect(f.inside(15, -95, 0)).toBe(true);
    expect(f.inside(15, -105, 0)).toBe(false);
  });

  it('a station 300 m from the street: it walks 300 m to it, 600 m each way along it, and is itself outside', () => {
    const f = runFixture('station-300m-from-street');
    expect(f.result.snap.distance).toBeCloseTo(300, 0);
    const expected = 1200 * 200 + Math.PI * 1e4;
    expect(f.areaOf(15)).toBeGreaterThan(expected * 0.985);
    expect(f.areaOf(15)).toBeLessThan(expected * 1.015);
    expect(f.inside(15, 0, 300)).toBe(false);
    expect(f.inside(15, 650, 0)).toBe(true);
    expect(f.inside(15, 720, 0)).toBe(false);
  });

  it('a river with one bridge: the far bank is outside except near the bridge', () => {
    const f = runFixture('river-one-bridge');
    // Straight across from the origin: 150 + 120 m away, but 150 + 600 + 120 + 600 m to walk.
    expect(f.inside(15, 0, 130)).toBe(false);
    expect(f.inside(15, 0, 250)).toBe(false);
    // Near the bridge: 150 + 600 + 120 = 870 m; 130 m left, of which 100 off the street.
    expect(f.inside(15, 600, 130)).toBe(true);
    expect(f.inside(15, 700, 180)).toBe(true);
    // The near bank all along: 150 + 700 = 850 m to x = ±700.
    expect(f.inside(15, -700, 0)).toBe(true);
    expect(f.inside(15, 700, 0)).toBe(true);
    // The river strip between the banks is reached from either bank street only within 100 m.
    expect(f.inside(10, 600, 130)).toBe(false);
    expect(f.areaOf(10)).toBeLessThan(f.areaOf(15));
  });

  it('a walled block: a hole where the block is more than 100 m from every street', () => {
    const f = runFixture('walled-block');
    const polygon = f.bands.get(15)!.coordinates[0];
    expect(polygon.length).toBeGreaterThanOrEqual(2); // an outer ring and at least one hole
    expect(f.inside(15, 0, 0)).toBe(false);
    expect(f.inside(15, 0, 120)).toBe(true); // 80 m from the north street
    expect(f.inside(15, 120, 0)).toBe(true);
    expect(f.inside(15, -200, -200)).toBe(true);
  });

  it('bands nest: whatever lies in the 5-minute area lies in the 10, and in the 10 lies in the 15', () => {
    const f = runFixture('grid-bands');
    expect(f.areaOf(5)).toBeLessThan(f.areaOf(10));
    expect(f.areaOf(10)).toBeLessThan(f.areaOf(15));
    let inFive = 0;
    for (let x = -1100; x <= 1100; x += 7)
      for (let y = -1100; y <= 1100; y += 7) {
        if (f.inside(5, x, y)) {
          inFive++;
          expect(f.inside(10, x, y)).toBe(true);
        }
        if (f.inside(10, x, y)) expect(f.inside(15, x, y)).toBe(true);
      }
    expect(inFive).toBeGreaterThan(1000);
  });

  it('one-way streets: a car goes only the way the street runs', () => {
    const f = runFixture('oneway-loop');
    // 3 minutes: 20 m walked to the street (18 s), then 162 s at 50 km/h = 2,250 m east from x = 100,
    // never west to x = 0 and round the loop.
    expect(f.inside(3, 2300, 0)).toBe(true);
    expect(f.inside(3, 2400, 0)).toBe(false);
    expect(f.inside(3, -150, 0)).toBe(false); // 250 m behind the snapped point, on a street only driven away from it
    expect(f.inside(3, 0, 1000)).toBe(false);
    expect(f.inside(3, 0, 2900)).toBe(false);
  });

  it('answers "too far" rather than inventing a path for a point 600 m from every street', () => {
    const input = JSON.parse(fs.readFileSync(path.join(dir, 'in', 'dead-end.geojson'), 'utf8'));
    const net = modeNetwork(osmFromLines(input.features));
    const [lon, lat] = plane.toLonLat(1000, 600);
    expect(serviceArea(net, lon, lat, { budgets: [900] })).toEqual({
      ok: false,
      reason: 'too-far-from-street',
      maxSnapM: 500,
    });
  });
});
