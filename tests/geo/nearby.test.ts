/**
 * Nearest stations by time on a hand-drawn network with hand-worked answers (metres, walking):
 *
 *   y=300                      + (600, 300)
 *                              |  B (610, 250), 10 m off the street
 *   y=100            +---------+ (600, 100)
 *                    | (500, 100)
 *   y=0   +----------+------------------------------------------+
 *        (0,0)  O'(100,0)  A'(300,0)  (500,0)              (4000,0)   D (3900, 15)
 *        origin O (100, 20); A (300, -10) on the same edge as O
 *   y=2000 a street of its own, not joined to the rest; C (200, 2010) beside it
 */
import { describe, expect, it } from 'vitest';
import { LocalPlane, polylineLengthM } from '../../server/src/geo/ellipsoid.js';
import { nearestStations, snapStations } from '../../server/src/geo/nearby.js';
import { modeNetwork, osmFromLines } from '../support/networks.js';

const plane = new LocalPlane(116.62, 36.18);
const line = (...xy: [number, number][]) => ({
  properties: { highway: 'residential' },
  geometry: { type: 'LineString', coordinates: xy.map(([x, y]) => plane.toLonLat(x, y)) },
});
const net = modeNetwork(
  osmFromLines([
    line([0, 0], [500, 0], [4000, 0]),
    line([500, 0], [500, 100], [600, 100], [600, 300]),
    line([0, 2000], [600, 2000]),
  ]),
);
const at = (x: number, y: number) => {
  const [lon, lat] = plane.toLonLat(x, y);
  return { lon, lat };
};
const stations = { A: at(300, -10), B: at(610, 250), C: at(200, 2010), D: at(3900, 15) };
const list = Object.values(stations);
const snaps = snapStations(net, list);
const all = list.map((_, i) => i);
const origin = at(100, 20);
const V = 4 / 3.6;
const toB = 20 + 400 + 100 + 100 + 150 + 10;

describe('nearestStations', () => {
  it('ranks by walking time: connectors, network and the shared edge, and leaves out what cannot be reached', () => {
    const r = nearestStations(net, origin.lon, origin.lat, list, snaps, all, { limit: 10 });
    if (!r.ok) throw new Error('not snapped');
    expect(r.hits.map((h) => h.station)).toEqual([0, 1, 3]); // A, B, D; C is on a street of its own
    const [a, b, d] = r.hits;
    expect(a.metres).toBeCloseTo(20 + 200 + 10, 1);
    expect(a.seconds).toBeCloseTo(a.metres / V, 3);
    expect(b.metres).toBeCloseTo(toB, 0);
    expect(d.metres).toBeCloseTo(20 + 3800 + 15, 0);
    // D is 58 minutes away: the 30-minute first cutoff was widened, and the time is still exact.
    expect(r.searches).toBeGreaterThan(1);
    expect(d.seconds).toBeCloseTo(d.metres / V, 3);
  });

  it('stops at `limit` within the first cutoff, and only looks at the candidates given', () => {
    const r = nearestStations(net, origin.lon, origin.lat, list, snaps, all, { limit: 2 });
    if (!r.ok) throw new Error('not snapped');
    expect(r.hits.map((h) => h.station)).toEqual([0, 1]);
    expect(r.searches).toBe(1);
    const only = nearestStations(net, origin.lon, origin.lat, list, snaps, [1, 3], { limit: 1 });
    if (!only.ok) throw new Error('not snapped');
    expect(only.hits.map((h) => h.station)).toEqual([1]);
  });

  it('never widens past the largest cutoff', () => {
    const r = nearestStations(net, origin.lon, origin.lat, list, snaps, [3], { limit: 1, maxCutoff: 1800 });
    if (!r.ok) throw new Error('not snapped');
    expect(r.hits).toEqual([]);
  });

  it('draws the route from the origin through its street point along the full street geometry to the station', () => {
    const r = nearestStations(net, origin.lon, origin.lat, list, snaps, all, { limit: 2 });
    if (!r.ok) throw new Error('not snapped');
    const xy = (route: number[][]) =>
      route.map(([lon, lat]) => plane.toXY(lon, lat).map((v) => Math.round(v * 10) / 10));
    // Straight along the shared edge: origin, its street point, the station's street point, the station.
    expect(xy(r.hits[0].route)).toEqual([
      [100, 20],
      [100, 0],
      [300, 0],
      [300, -10],
    ]);
    // Around the corner and through the bend, cut at the station's street point.
    expect(xy(r.hits[1].route)).toEqual([
      [100, 20],
      [100, 0],
      [500, 0],
      [500, 100],
      [600, 100],
      [600, 250],
      [610, 250],
    ]);
    for (const h of r.hits) {
      expect(h.route[0]).toEqual([origin.lon, origin.lat]);
      expect(polylineLengthM(h.route)).toBeCloseTo(h.metres, 0);
    }
  });

  it('finds nothing for a location more than 500 m from every street', () => {
    const far = at(2000, 1000);
    expect(nearestStations(net, far.lon, far.lat, list, snaps, all, { limit: 5 })).toEqual({
      ok: false,
      reason: 'too-far-from-street',
      maxSnapM: 500,
    });
  });
});
