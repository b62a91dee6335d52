/**
 * Coverage against brute force: every population point's own Dijkstra (from the point's snapped
 * street point, over the plain search) to every station, on the demo district and on Monaco with its
 * wards as townships. Area coverage against the union of per-station service areas.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  computeCoverage,
  gapPolygons,
  COVERED,
  UNREACHABLE,
  type CoverageInput,
} from '../../server/src/geo/coverage.js';
import { serviceArea, sourcesFromSnap, type ModeNetwork } from '../../server/src/geo/service-area.js';
import { snapToStreet } from '../../server/src/geo/snap.js';
import { pointInArea, bboxOf, type AreaGeometry, type MultiPolygonGeometry } from '../../server/src/geo/polygon.js';
import { generateDemo } from '../../server/src/demo/generate.js';
import { readOsmFile } from '../../server/src/importers/osm.js';
import { Random } from '../../server/src/demo/random.js';
import { metresPerDegree } from '../../server/src/geo/ellipsoid.js';
import { modeNetwork } from '../support/networks.js';
import { plainDijkstra } from '../support/reference-service-area.js';
import { GEODATA, geodataOrSkip } from '../support/geodata.js';

/** Walking time from station to point by brute force: the point's own search, reversed (walking is symmetric). */
function bruteForceTimes(net: ModeNetwork, input: CoverageInput, checked: number[]): Float64Array {
  const v = net.profile.accessSpeed;
  const stationSnaps = input.stations.map((s) => snapToStreet(net.graph, net.street, s.lon, s.lat, 500));
  const out = new Float64Array(input.population.length).fill(Infinity);
  checked.forEach((i) => {
    const p = input.population[i];
    const snap = snapToStreet(net.graph, net.street, p.lon, p.lat, 500);
    if (!snap) return;
    const dist = plainDijkstra(net.graph, net.edgeTime, sourcesFromSnap(net, snap, snap.distance / v));
    const e = snap.edge;
    const rate = net.edgeTime[e] / net.graph.edgeLength[e];
    for (const s of stationSnaps) {
      if (!s) continue;
      const L = net.graph.edgeLength[s.edge];
      const r = net.edgeTime[s.edge] / L;
      let t = Math.min(
        dist[net.graph.edgeFrom[s.edge]] + s.along * r,
        dist[net.graph.edgeTo[s.edge]] + (L - s.along) * r,
      );
      if (s.edge === e) t = Math.min(t, snap.distance / v + Math.abs(s.along - snap.along) * rate);
      out[i] = Math.min(out[i], t + s.distance / v);
    }
  });
  return out;
}

/** Checks `count` points spread over the list (each brute-force search is slow on purpose). */
function checkAgainstBruteForce(net: ModeNetwork, input: CoverageInput, budgets: number[], count: number) {
  const stepBy = Math.max(1, Math.floor(input.population.length / count));
  const checked = input.population.map((_, i) => i).filter((i) => i % stepBy === 0);
  const brute = bruteForceTimes(net, input, checked);
  return budgets.map((budget) => {
    const result = computeCoverage(net, input, { budget });
    for (const i of checked) {
      if (brute[i] === Infinity && result.pointStatus[i] === UNREACHABLE) continue;
      const fast = result.pointTime[i];
      if (brute[i] <= budget || fast <= budget) expect(fast).toBeCloseTo(brute[i], 6);
      expect(result.pointStatus[i] === COVERED).toBe(brute[i] <= budget);
    }
    // The totals add up from the points.
    const covered = input.population.reduce((s, p, i) => s + (result.pointStatus[i] === COVERED ? p.population : 0), 0);
    expect(result.regions.reduce((s, r) => s + r.coveredPopulation, 0)).toBe(covered);
    return result;
  });
}

describe('coverage on the demo district', () => {
  const demo = generateDemo({ seed: 2, now: Date.parse('2026-11-24T02:00:00Z') });
  const net = modeNetwork(demo.osm);
  const townships = demo.regions.filter((r) => r.level === 'township');
  const input: CoverageInput = {
    stations: demo.stations.filter((s) => s.level !== 'point').map((s) => ({ lon: s.lon, lat: s.lat })),
    population: demo.populationPoints.map((p) => ({
      lon: p.lon,
      lat: p.lat,
      population: p.population,
      region: townships.findIndex((t) => t.code === p.township_code),
    })),
    regions: townships.map((t) => ({ geometry: JSON.parse(t.geometry!) as AreaGeometry })),
  };

  it('population coverage equals each point’s own brute-force search, at 15 and 10 minutes', () => {
    const [r15, r10] = checkAgainstBruteForce(net, input, [900, 600], 60);
    const total = (r: typeof r15) => r.regions.reduce((s, x) => s + x.coveredPopulation, 0);
    expect(total(r10)).toBeLessThanOrEqual(total(r15));
    // Real gaps exist: some places have no station.
    const all = input.population.reduce((s, p) => s + p.population, 0);
    expect(total(r15)).toBeLessThan(all);
    expect(total(r15)).toBeGreaterThan(all * 0.5);
  });

  it('area coverage equals the union of every station’s own service area, cell by cell', () => {
    const result = computeCoverage(net, input, { budget: 900 });
    const areas = input.stations.map((s) => {
      const r = serviceArea(net, s.lon, s.lat, { budgets: [900] });
      return r.ok ? ({ type: 'MultiPolygon', coordinates: r.bands[0].coordinates } as MultiPolygonGeometry) : null;
    });
    const boxes = areas.map((a) => (a && a.coordinates.length ? bboxOf(a) : null));
    const { grid } = result;
    const rng = new Random(3);
    let agree = 0,
      checked = 0;
    for (let k = 0; k < 4000; k++) {
      const i = rng.int(1, grid.width - 2);
      const j = rng.int(1, grid.height - 2);
      const idx = j * grid.width + i;
      if (result.regionOf[idx] === 0) continue;
      const lon = grid.lon0 + (grid.minX + i * grid.cell) / grid.kx;
      const lat = grid.lat0 + (grid.minY + j * grid.cell) / grid.ky;
      const inUnion = areas.some(
        (a, q) =>
          a &&
          boxes[q] &&
          lon >= boxes[q]![0] &&
          lon <= boxes[q]![2] &&
          lat >= boxes[q]![1] &&
          lat <= boxes[q]![3] &&
          pointInArea(lon, lat, a),
      );
      checked++;
      if (inUnion === result.field[idx] <= 900) agree++;
    }
    // Grid nodes right on a boundary can fall either way; the rest must agree.
    expect(agree / checked).toBeGreaterThan(0.995);
    const regionCells = result.regions.reduce((s, r) => s + r.cells, 0);
    expect(regionCells).toBeGreaterThan(100_000);
  });

  it('gap polygons lie inside their township and outside every service area, largest first', () => {
    const result = computeCoverage(net, input, { budget: 900 });
    const k = result.regions.findIndex((r) => r.coveredCells < r.cells * 0.9);
    const gaps = gapPolygons(result, k);
    expect(gaps.length).toBeGreaterThan(0);
    for (let q = 1; q < gaps.length; q++) expect(gaps[q].areaM2).toBeLessThanOrEqual(gaps[q - 1].areaM2);
    const township = input.regions[k].geometry;
    const gapArea = gaps.reduce((s, g) => s + g.areaM2, 0);
    const uncoveredArea = (result.regions[k].cells - result.regions[k].coveredCells) * result.cellAreaM2;
    expect(gapArea).toBeGreaterThan(uncoveredArea * 0.97);
    expect(gapArea).toBeLessThan(uncoveredArea * 1.03);
    // A point well inside the largest gap: in the township, and no station reaches it.
    const ring = gaps[0].coordinates[0];
    const [lon, lat] = ring[0];
    const { kx } = metresPerDegree(lat);
    let inside: number[] | null = null;
    for (const dx of [30, -30, 60, -60]) {
      const p = [lon + dx / kx, lat];
      if (pointInArea(p[0], p[1], { type: 'Polygon', coordinates: gaps[0].coordinates })) inside = p;
    }
    if (inside) {
      expect(pointInArea(inside[0], inside[1], township)).toBe(true);
      for (const s of input.stations.slice(0, 40)) {
        const r = serviceArea(net, s.lon, s.lat, { budgets: [900] });
        if (r.ok)
          expect(pointInArea(inside[0], inside[1], { type: 'MultiPolygon', coordinates: r.bands[0].coordinates })).toBe(
            false,
          );
      }
    }
  });
});

describe.skipIf(!geodataOrSkip('Monaco coverage check'))('coverage on Monaco with its wards as townships', () => {
  let net: ModeNetwork;
  let input: CoverageInput;
  beforeAll(async () => {
    net = modeNetwork(await readOsmFile(path.join(GEODATA, 'monaco.osm.pbf')));
    const admin = JSON.parse(fs.readFileSync(path.join(GEODATA, 'monaco_admin.geojson'), 'utf8'));
    const wards = admin.features.filter(
      (f: { properties: { admin_level: number } }) => f.properties.admin_level === 10,
    );
    const rng = new Random(17);
    const population: CoverageInput['population'] = [];
    wards.forEach((wd: { geometry: AreaGeometry }, region: number) => {
      const [w, s, e, n] = bboxOf(wd.geometry);
      let placed = 0;
      for (let tries = 0; tries < 2000 && placed < 25; tries++) {
        const lon = rng.range(w, e);
        const lat = rng.range(s, n);
        if (!pointInArea(lon, lat, wd.geometry)) continue;
        population.push({ lon, lat, population: rng.int(50, 800), region });
        placed++;
      }
    });
    const stations = Array.from({ length: 6 }, () => {
      const v = rng.int(0, net.graph.nodeCount - 1);
      return { lon: net.graph.nodeLon[v], lat: net.graph.nodeLat[v] };
    });
    input = {
      stations,
      population,
      regions: wards.map((wd: { geometry: AreaGeometry }) => ({ geometry: wd.geometry })),
    };
  });

  it('population coverage per ward equals the brute-force search', () => {
    const [result] = checkAgainstBruteForce(net, input, [600], 70);
    expect(result.regions).toHaveLength(9);
    expect(result.regions.every((r) => r.population > 0)).toBe(true);
  });
});
