/**
 * Output simplification cannot change an answer the user sees: on the demo district's service areas and
 * gap polygons, each polygon's area moves by at most 0.2 %, rings stay valid, and a test point lands on
 * the same side of the simplified outline as of the original unless it is within 1 m (the tolerance)
 * plus 0.1 m (six decimals) of the original outline.
 */
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../server/src/demo/generate.js';
import { serviceArea } from '../../server/src/geo/service-area.js';
import { computeCoverage, gapPolygons } from '../../server/src/geo/coverage.js';
import { LocalPlane } from '../../server/src/geo/ellipsoid.js';
import { pointInPolygon, ringAreaM2, type PolygonCoords, type Ring } from '../../server/src/geo/polygon.js';
import {
  OUTPUT_MAX_AREA_CHANGE,
  simplifyLine,
  simplifyMultiPolygon,
  simplifyPolygon,
} from '../../server/src/geo/simplify.js';
import { computeServiceArea } from '../../server/src/network/service-areas.js';
import type { NetworkState } from '../../server/src/network/state.js';
import { Random } from '../../server/src/demo/random.js';
import { modeNetwork } from '../support/networks.js';

const demo = generateDemo({ seed: 1, now: Date.parse('2026-11-24T02:00:00Z') });
const net = modeNetwork(demo.osm, 'walk');
const townships = demo.regions.filter((r) => r.level === 'township');

const polygonArea = (p: PolygonCoords) => ringAreaM2(p[0]) - p.slice(1).reduce((s, r) => s + ringAreaM2(r), 0);
const vertices = (ps: PolygonCoords[]) => ps.reduce((s, p) => s + p.reduce((t, r) => t + r.length, 0), 0);

function serviceAreaPolygons(every: number): PolygonCoords[] {
  const out: PolygonCoords[] = [];
  demo.stations.forEach((s, i) => {
    if (i % every) return;
    const r = serviceArea(net, s.lon, s.lat, { budgets: [900] });
    if (r.ok) out.push(...r.bands[0].coordinates);
  });
  return out;
}

function gapPolygonsOfDistrict(): PolygonCoords[] {
  const coverage = computeCoverage(
    net,
    {
      stations: demo.stations.map((s) => ({ lon: s.lon, lat: s.lat })),
      population: demo.populationPoints.map((p) => ({
        lon: p.lon,
        lat: p.lat,
        population: p.population,
        region: townships.findIndex((t) => t.code === p.township_code),
      })),
      regions: townships.map((t) => ({ geometry: JSON.parse(t.geometry!) })),
    },
    { budget: 900 },
  );
  return townships.flatMap((_, k) => gapPolygons(coverage, k).map((g) => g.coordinates));
}

/** Distance in metres from a point to the nearest edge of any ring, in a local plane. */
function distanceToOutline(plane: LocalPlane, lon: number, lat: number, rings: Ring[]): number {
  const [px, py] = plane.toXY(lon, lat);
  let best = Infinity;
  for (const ring of rings) {
    let [ax, ay] = plane.toXY(ring[0][0], ring[0][1]);
    for (let i = 1; i < ring.length; i++) {
      const [bx, by] = plane.toXY(ring[i][0], ring[i][1]);
      const dx = bx - ax;
      const dy = by - ay;
      const l2 = dx * dx + dy * dy;
      const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0;
      best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
      [ax, ay] = [bx, by];
    }
  }
  return best;
}

function checkSimplified(name: string, originals: PolygonCoords[], pointsPerPolygon: number) {
  const simplified = originals.map((p) => simplifyPolygon(p));
  let maxChange = 0;
  let disagreements = 0;
  let farDisagreements = 0;
  const rng = new Random(11);
  originals.forEach((original, i) => {
    const s = simplified[i];
    const a = polygonArea(original);
    maxChange = Math.max(maxChange, Math.abs(polygonArea(s) / a - 1));
    for (const ring of s) {
      expect(ring.length, `${name} ${i}`).toBeGreaterThanOrEqual(4);
      expect(ring[ring.length - 1]).toEqual(ring[0]);
      for (const p of ring) for (const v of p) expect(Math.round(v * 1e6) / 1e6).toBe(v);
    }
    // Points near the outline and across the whole box, so both sides of every edge are tried.
    const outer = original[0];
    const plane = new LocalPlane(outer[0][0], outer[0][1]);
    let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [lon, lat] of outer) {
      [minLon, minLat] = [Math.min(minLon, lon), Math.min(minLat, lat)];
      [maxLon, maxLat] = [Math.max(maxLon, lon), Math.max(maxLat, lat)];
    }
    for (let k = 0; k < pointsPerPolygon; k++) {
      let lon: number, lat: number;
      if (k % 2) {
        lon = rng.range(minLon, maxLon);
        lat = rng.range(minLat, maxLat);
      } else {
        const ring = original[rng.int(0, original.length - 1)];
        const v = ring[rng.int(0, ring.length - 1)];
        lon = v[0] + rng.range(-3e-5, 3e-5);
        lat = v[1] + rng.range(-3e-5, 3e-5);
      }
      if (pointInPolygon(lon, lat, original) === pointInPolygon(lon, lat, s)) continue;
      disagreements++;
      if (distanceToOutline(plane, lon, lat, original) > 1.1) farDisagreements++;
    }
  });
  return { simplified, maxChange, disagreements, farDisagreements };
}

describe('output simplification', () => {
  it('service areas: half the vertices, area within 0.2 %, the same answer for every point more than 1.1 m from the outline', () => {
    const originals = serviceAreaPolygons(4);
    const r = checkSimplified('service area', originals, 400);
    expect(r.maxChange).toBeLessThanOrEqual(OUTPUT_MAX_AREA_CHANGE);
    expect(r.farDisagreements).toBe(0);
    expect(r.disagreements).toBeGreaterThan(0); // the test points do probe the 1 m band
    expect(vertices(r.simplified)).toBeLessThan(0.6 * vertices(originals));
  });

  it('gap polygons of the whole district: the same bounds', () => {
    const originals = gapPolygonsOfDistrict();
    const r = checkSimplified('gap', originals, 2000);
    expect(r.maxChange).toBeLessThanOrEqual(OUTPUT_MAX_AREA_CHANGE);
    expect(r.farDisagreements).toBe(0);
    expect(vertices(r.simplified)).toBeLessThan(0.6 * vertices(originals));
  });

  it('keeps the API area unsimplified and the geometry simplified', () => {
    const network = { modes: { walk: net } } as unknown as NetworkState;
    const s = demo.stations[3];
    const direct = serviceArea(net, s.lon, s.lat, { budgets: [900, 600] });
    const answer = computeServiceArea(network, {
      lon: s.lon,
      lat: s.lat,
      minutes: [15, 10],
      mode: 'walk',
      offroadM: 100,
    });
    if (!direct.ok || !answer.ok) throw new Error('the demo station is on the network');
    answer.collection.features.forEach((f, i) => {
      expect(f.properties.areaM2).toBe(Math.round(direct.bands[i].areaM2));
      expect(f.geometry.coordinates).toEqual(simplifyMultiPolygon(direct.bands[i].coordinates));
      expect(vertices(f.geometry.coordinates)).toBeLessThan(vertices(direct.bands[i].coordinates));
    });
  });

  it('sends a polygon whose area would move by more than 0.2 % unsimplified', () => {
    // A 100 m square whose sides zigzag 0.8 m outwards every 5 m: Douglas–Peucker at 1 m would flatten the
    // teeth and lose 1.6 % of the area.
    const plane = new LocalPlane(116.62, 36.18);
    const ring: Ring = [];
    for (let k = 0; k < 80; k++) {
      const t = (k % 20) * 5;
      const out = k % 2 ? 0.8 : 0;
      const xy = [
        [t, -out],
        [100 + out, t],
        [100 - t, 100 + out],
        [-out, 100 - t],
      ][Math.floor(k / 20)];
      ring.push(plane.toLonLat(xy[0], xy[1]));
    }
    ring.push(ring[0]);
    const result = simplifyPolygon([ring]);
    expect(result[0].length).toBe(ring.length);
    result[0].forEach((p, i) => expect(distanceToOutline(plane, p[0], p[1], [[ring[i], ring[i]]])).toBeLessThan(0.1));
    expect(Math.abs(ringAreaM2(result[0]) / ringAreaM2(ring) - 1)).toBeLessThanOrEqual(OUTPUT_MAX_AREA_CHANGE);
  });

  it('keeps every ring valid: a hole that rounding collapses is dropped below 1 m², kept as it was above', () => {
    const plane = new LocalPlane(116.62, 36.18);
    const outer: Ring = [
      [0, 0],
      [100, 0],
      [100, 100],
      [0, 100],
      [0, 0],
    ].map(([x, y]) => plane.toLonLat(x, y));
    // Both holes lie within one 1e-6° column, so six decimals fold each to a line.
    const hole = (lat: number, height: number): Ring => [
      [116.6202002, lat],
      [116.6202002, lat + height],
      [116.6202004, lat + height],
      [116.6202004, lat],
      [116.6202002, lat],
    ];
    const speck = hole(36.18031, 5e-7); // 0.018 m x 0.06 m
    const sliver = hole(36.1802, 6e-4); // 0.018 m x 67 m: 1.2 m²
    expect(ringAreaM2(speck)).toBeLessThan(1);
    expect(ringAreaM2(sliver)).toBeGreaterThan(1);
    const result = simplifyPolygon([outer, speck, sliver]);
    expect(result.length).toBe(2);
    expect(result[1]).toEqual(sliver);
    for (const ring of result) expect(ring.length).toBeGreaterThanOrEqual(4);
  });

  it('simplifies a line within 1 m and keeps its ends', () => {
    const plane = new LocalPlane(116.62, 36.18);
    const line = Array.from({ length: 101 }, (_, k) => plane.toLonLat(k * 5, 0.4 * Math.sin(k)));
    const out = simplifyLine(line);
    expect(out.length).toBe(2);
    expect(out[0]).toEqual([Math.round(line[0][0] * 1e6) / 1e6, Math.round(line[0][1] * 1e6) / 1e6]);
    expect(out[1]).toEqual([Math.round(line[100][0] * 1e6) / 1e6, Math.round(line[100][1] * 1e6) / 1e6]);
    const bent = Array.from({ length: 101 }, (_, k) => plane.toLonLat(k * 5, k > 50 ? (k - 50) * 5 : 0));
    expect(simplifyLine(bent).length).toBe(3);
    const short = [plane.toLonLat(0, 0), plane.toLonLat(0.01, 0)];
    expect(simplifyLine(short).length).toBe(2);
  });
});
