import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointInArea, type MultiPolygonGeometry } from '../../server/src/geo/polygon.js';
import { metresPerDegree } from '../../server/src/geo/ellipsoid.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

describe.each(testDialects)('service-area API on %s', (dialect) => {
  let t: TestApp;
  let center: { id: number; geometry: { coordinates: [number, number] } };
  beforeAll(async () => {
    t = await startTestApp(dialect);
    center = (await t.app.inject('/api/stations?level=center')).json().features[0];
  });
  afterAll(async () => t?.close());

  it('returns one network MultiPolygon per band, largest first, nested', async () => {
    const [lon, lat] = center.geometry.coordinates;
    const res = await t.app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=5,15,10&mode=walk`);
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    expect(fc.features.map((f: { properties: { minutes: number } }) => f.properties.minutes)).toEqual([15, 10, 5]);
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('MultiPolygon');
      expect(f.properties).toMatchObject({ mode: 'walk', method: 'network' });
      expect(f.properties.snapDistanceM).toBeLessThan(50);
    }
    const areas = fc.features.map((f: { properties: { areaM2: number } }) => f.properties.areaM2);
    expect(areas[0]).toBeGreaterThan(areas[1]);
    expect(areas[1]).toBeGreaterThan(areas[2]);
    // A 15-minute walk covers less than the 1 km circle drawn by hand (π km²), here cut by the river.
    expect(areas[0]).toBeLessThan(Math.PI * 1e6);
    expect(pointInArea(lon, lat, fc.features[2].geometry as MultiPolygonGeometry)).toBe(true);
  });

  it("serves a station's area, the same as from its location", async () => {
    const [lon, lat] = center.geometry.coordinates;
    const byStation = (await t.app.inject(`/api/stations/${center.id}/service-area?minutes=15`)).json();
    const byPoint = (await t.app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=15`)).json();
    expect(byStation).toEqual(byPoint);
    expect((await t.app.inject('/api/stations/999999/service-area')).statusCode).toBe(404);
  });

  it('cycling reaches farther than walking in the same time', async () => {
    const [lon, lat] = center.geometry.coordinates;
    const walk = (await t.app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=10&mode=walk`)).json();
    const bike = (await t.app.inject(`/api/isochrone?lon=${lon}&lat=${lat}&minutes=10&mode=bike`)).json();
    expect(bike.features[0].properties.areaM2).toBeGreaterThan(walk.features[0].properties.areaM2 * 3);
  });

  it('answers 422 for a point more than 500 m from any street', async () => {
    const district = (await t.app.inject('/api/config')).json().district;
    // Far outside the district's streets: 3 km south of its southern edge.
    const { ky } = metresPerDegree(district.bbox[1]);
    const res = await t.app.inject(`/api/isochrone?lon=${district.center[0]}&lat=${district.bbox[1] - 3000 / ky}`);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('TOO_FAR_FROM_STREET');
    expect(res.json().error.message).toContain('500 m');
  });

  it.each([
    ['lon=200&lat=36', 'lon'],
    ['lat=36', 'lon'],
    ['lon=116&lat=36&minutes=0', 'minutes'],
    ['lon=116&lat=36&minutes=90', 'minutes'],
    ['lon=116&lat=36&minutes=abc', 'minutes'],
    ['lon=116&lat=36&minutes=1,2,3,4,5,6,7', 'minutes'],
    ['lon=116&lat=36&mode=plane', 'mode'],
    ['lon=116&lat=36&offroad=-5', 'offroad'],
  ])('rejects %s with a 400 naming %s', async (query, field) => {
    const res = await t.app.inject(`/api/isochrone?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(field);
  });

  it("serves every station's area for the map layer, one feature per station", async () => {
    const res = await t.app.inject('/api/service-areas?minutes=15&levels=center,institute');
    expect(res.statusCode).toBe(200);
    const fc = res.json();
    const stations = (await t.app.inject('/api/stations?level=center,institute')).json().features;
    expect(fc.features.map((f: { properties: { stationId: number } }) => f.properties.stationId).sort()).toEqual(
      stations.map((s: { id: number }) => s.id).sort(),
    );
  });
});

describe('without a street network', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { demo: false });
  });
  afterAll(async () => t?.close());

  it('answers with a plain circle, labelled euclidean, never passed off as a network result', async () => {
    const res = (await t.app.inject('/api/isochrone?lon=116.6&lat=36.2&minutes=15')).json();
    expect(res.features).toHaveLength(1);
    expect(res.features[0].properties).toMatchObject({ method: 'euclidean', snapDistanceM: null, minutes: 15 });
    // 15 minutes at 4 km/h: a 1,000 m circle.
    expect(res.features[0].properties.areaM2).toBeGreaterThan(Math.PI * 1e6 * 0.99);
    expect(res.features[0].properties.areaM2).toBeLessThan(Math.PI * 1e6 * 1.01);
  });
});
