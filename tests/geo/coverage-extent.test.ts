/**
 * The coverage grid never grows with a region's extent beyond the streets' reach, and no grid is
 * allocated past its cell limit: regions far from the network are measured from their polygons and
 * kept as gaps as they are; a service area wider than its cell limit is drawn on coarser cells.
 */
import { describe, expect, it } from 'vitest';
import {
  computeCoverage,
  coverageClip,
  gapPolygons,
  rasterizeRegions,
  CoverageExtentError,
} from '../../server/src/geo/coverage.js';
import { serviceArea } from '../../server/src/geo/service-area.js';
import { ringAreaM2, type AreaGeometry } from '../../server/src/geo/polygon.js';
import { metresPerDegree } from '../../server/src/geo/ellipsoid.js';
import { modeNetwork, osmFromLines } from '../support/networks.js';

const LON = 116.6;
const LAT = 36.2;
const { kx, ky } = metresPerDegree(LAT);

/** Streets every 200 m over a 2 km square around (LON, LAT). */
function gridNetwork() {
  const lines = [];
  for (let k = 0; k <= 10; k++) {
    const d = -1000 + k * 200;
    lines.push({
      properties: { highway: 'residential' },
      geometry: {
        type: 'LineString',
        coordinates: Array.from({ length: 11 }, (_, i) => [LON + d / kx, LAT + (-1000 + i * 200) / ky]),
      },
    });
    lines.push({
      properties: { highway: 'residential' },
      geometry: {
        type: 'LineString',
        coordinates: Array.from({ length: 11 }, (_, i) => [LON + (-1000 + i * 200) / kx, LAT + d / ky]),
      },
    });
  }
  return modeNetwork(osmFromLines(lines));
}

/** A rectangle in metres east and north of (LON, LAT). */
function rect(x0: number, y0: number, x1: number, y1: number): AreaGeometry {
  const p = (x: number, y: number) => [LON + x / kx, LAT + y / ky];
  return { type: 'Polygon', coordinates: [[p(x0, y0), p(x1, y0), p(x1, y1), p(x0, y1), p(x0, y0)]] } as AreaGeometry;
}

const areaOf = (g: AreaGeometry) => ringAreaM2((g.coordinates as number[][][])[0]);

describe('the coverage grid stops where the streets reach', () => {
  const net = gridNetwork();
  const clip = coverageClip(net, 100, 25);

  it('clips to the network’s extent grown by the off-street reach and the stamp margin', () => {
    // Streets span ±1000 m; 100 m off the street and two 25 m cells beyond.
    expect((clip.e - LON) * kx).toBeCloseTo(1150, 0);
    expect((LAT - clip.s) * ky).toBeCloseTo(1150, 0);
  });

  it('measures a region 60° away from its polygon, keeps it whole as a gap, and allocates a district-sized grid', () => {
    const home = rect(-900, -900, 900, 900);
    const far = {
      type: 'Polygon',
      coordinates: [
        [
          [LON + 60, LAT],
          [LON + 60.02, LAT],
          [LON + 60.02, LAT + 0.02],
          [LON + 60, LAT + 0.02],
          [LON + 60, LAT],
        ],
      ],
    } as AreaGeometry;
    const regions = [{ geometry: home }, { geometry: far }];
    const area = rasterizeRegions(regions, 25, undefined, { clip });
    // The home square and the streets' reach east of it: about 2 × 2 km.
    expect(area.grid.width * area.grid.height).toBeLessThan(90 * 90);
    expect(area.outside[0].cells).toBe(0);
    expect((area.outside[1].cells * 625) / areaOf(far)).toBeCloseTo(1, 6);

    const result = computeCoverage(
      net,
      { stations: [{ lon: LON, lat: LAT }], population: [], regions },
      { budget: 15 * 60, areaGrid: area },
    );
    expect(result.regions[1].coveredCells).toBe(0);
    expect((result.regions[1].cells * 625) / areaOf(far)).toBeCloseTo(1, 6);
    const gaps = gapPolygons(result, 1);
    expect(gaps).toHaveLength(1);
    expect(gaps[0].areaM2 / areaOf(far)).toBeCloseTo(1, 4);
  });

  it('splits a region across the reach: the part beyond is a gap, the total area is kept', () => {
    // From the middle of the streets to 3 km east of them, and 500 m beyond them to the north.
    const straddling = rect(0, -500, 4000, 1650);
    const area = rasterizeRegions([{ geometry: straddling }], 25, undefined, { clip });
    const inside = Array.from(area.regionOf).filter((r) => r === 1).length;
    expect(((inside + area.outside[0].cells) * 625) / areaOf(straddling)).toBeCloseTo(1, 2);
    const beyond = area.outside[0].pieces.reduce((s, p) => s + p.areaM2, 0);
    // Beyond x = 1150 m or y = 1150 m.
    expect(beyond / (2850 * 2150 + 1150 * 500)).toBeCloseTo(1, 3);
    const result = computeCoverage(
      net,
      { stations: [{ lon: LON, lat: LAT }], population: [], regions: [{ geometry: straddling }] },
      { budget: 60 * 60, areaGrid: area },
    );
    // An hour on foot reaches every street: covered up to 100 m beyond the last one, never farther.
    expect((result.regions[0].coveredCells * 625) / (1100 * 1600)).toBeCloseTo(1, 1);
    expect(result.regions[0].coveredCells).toBeLessThanOrEqual(inside);
  });

  it('refuses a grid over its cell limit before allocating it', () => {
    const huge = rect(-5e6, -2e6, 5e6, 2e6);
    // Without a clip the extent is the region's: 10,000 × 4,000 km.
    expect(() => rasterizeRegions([{ geometry: huge }], 25)).toThrow(CoverageExtentError);
    expect(() => rasterizeRegions([{ geometry: huge }], 25)).toThrow(/cells of 25 m \(10000\.0 × 4000\.0 km/);
    // Clipped, it is the streets' square.
    const area = rasterizeRegions([{ geometry: huge }], 25, undefined, { clip });
    expect(area.grid.width * area.grid.height).toBeLessThan(100 * 100);
    expect(() => rasterizeRegions([{ geometry: rect(0, 0, 1000, 1000) }], 25, undefined, { maxCells: 100 })).toThrow(
      /more than the 100 it computes/,
    );
  });
});

describe('a service area never allocates past its cell limit', () => {
  const net = gridNetwork();
  it('draws a wide area on coarser cells, with about the same area', () => {
    const fine = serviceArea(net, LON, LAT, { budgets: [900] });
    const coarse = serviceArea(net, LON, LAT, { budgets: [900], maxCells: 2_000 });
    expect(fine.ok && coarse.ok).toBe(true);
    if (!fine.ok || !coarse.ok) return;
    expect(coarse.bands[0].areaM2 / fine.bands[0].areaM2).toBeCloseTo(1, 1);
  });
});
