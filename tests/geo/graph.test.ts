import { describe, expect, it } from 'vitest';
import { LocalPlane, distanceM } from '../../server/src/geo/ellipsoid.js';
import { buildStreetGraph, connectedComponents } from '../../server/src/geo/graph.js';
import { isWalkable, isDrivable, type OsmData } from '../../server/src/geo/osm.js';

describe('the osmnx walk filter', () => {
  it.each([
    [{ highway: 'residential' }, true],
    [{ highway: 'footway' }, true],
    [{ highway: 'steps' }, true],
    [{ highway: 'service' }, true],
    [{ highway: 'motorway' }, false],
    [{ highway: 'motorway_link' }, false],
    [{ highway: 'cycleway' }, false],
    [{ highway: 'construction' }, false],
    [{ highway: 'proposed' }, false],
    [{ highway: 'platform' }, false],
    [{ highway: 'trunk' }, false],
    [{ highway: 'trunk', foot: 'yes' }, true],
    [{ highway: 'trunk_link', foot: 'yes' }, true],
    [{ highway: 'residential', foot: 'no' }, false],
    [{ highway: 'residential', access: 'private' }, false],
    [{ highway: 'service', service: 'private' }, false],
    [{ highway: 'pedestrian', area: 'yes' }, false],
    [{ waterway: 'river' }, false],
  ])('%j -> %s', (tags, walkable) => {
    expect(isWalkable(tags)).toBe(walkable);
  });

  it('lets cars on motorways but not on footways', () => {
    expect(isDrivable({ highway: 'motorway' })).toBe(true);
    expect(isDrivable({ highway: 'footway' })).toBe(false);
  });
});

/**
 *   1 ---- 2 ---- 3          A: 1-2-3 (residential), B: 4-2-5 (footway), C: 5-6 (residential, oneway)
 *          |                 D: 7-8 motorway, E: 9-10 an isolated path, F: 11-12-99 (99 is missing)
 *   4 -----+
 *          5 ---- 6
 */
function fixture(): { osm: OsmData; plane: LocalPlane } {
  const plane = new LocalPlane(116.6, 36.2);
  const at: Record<number, [number, number]> = {
    1: [0, 100],
    2: [100, 100],
    3: [250, 100],
    4: [0, 0],
    5: [100, -50],
    6: [200, -50],
    7: [0, 300],
    8: [500, 300],
    9: [1000, 1000],
    10: [1000, 1100],
    11: [2000, 0],
    12: [2100, 0],
  };
  const nodes = new Map<number, [number, number]>();
  for (const [id, [x, y]] of Object.entries(at)) nodes.set(Number(id), plane.toLonLat(x, y));
  return {
    plane,
    osm: {
      nodes,
      ways: [
        { id: 1, refs: [1, 2, 3], tags: { highway: 'residential' } },
        { id: 2, refs: [4, 2, 5], tags: { highway: 'footway' } },
        { id: 3, refs: [5, 6], tags: { highway: 'residential', oneway: 'yes' } },
        { id: 4, refs: [7, 8], tags: { highway: 'motorway' } },
        { id: 5, refs: [9, 10], tags: { highway: 'path' } },
        { id: 6, refs: [11, 12, 99], tags: { highway: 'residential' } },
      ],
    },
  };
}

describe('buildStreetGraph', () => {
  it('splits ways at shared nodes and measures each edge along its polyline', () => {
    const { osm } = fixture();
    const { graph, report } = buildStreetGraph(osm, 'walk');
    // Edges: 1-2, 2-3, 4-2, 2-5, 5-6, 9-10, 11-12; the motorway is left out.
    expect(graph.edgeCount).toBe(7);
    expect(graph.nodeCount).toBe(10);
    expect(report.missingNodeRefs).toBe(1);
    const lengthBetween = (a: number, b: number) => {
      for (let e = 0; e < graph.edgeCount; e++) {
        const f = graph.nodeOsmId[graph.edgeFrom[e]];
        const t = graph.nodeOsmId[graph.edgeTo[e]];
        if ((f === a && t === b) || (f === b && t === a)) return graph.edgeLength[e];
      }
      return NaN;
    };
    expect(lengthBetween(1, 2)).toBeCloseTo(100, 0);
    expect(lengthBetween(2, 3)).toBeCloseTo(150, 0);
    expect(lengthBetween(2, 5)).toBeCloseTo(150, 0);
    expect(lengthBetween(4, 2)).toBeCloseTo(Math.hypot(100, 100), 0);
    // The polyline of each edge starts and ends at its vertices and sums to its length.
    for (let e = 0; e < graph.edgeCount; e++) {
      const s = graph.edgeGeomStart[e];
      const end = graph.edgeGeomStart[e + 1] - 1;
      expect(graph.geomLon[s]).toBe(graph.nodeLon[graph.edgeFrom[e]]);
      expect(graph.geomLat[end]).toBe(graph.nodeLat[graph.edgeTo[e]]);
      let len = 0;
      for (let i = s + 1; i <= end; i++)
        len += distanceM(graph.geomLon[i - 1], graph.geomLat[i - 1], graph.geomLon[i], graph.geomLat[i]);
      expect(graph.edgeLength[e]).toBeCloseTo(len, 6);
    }
  });

  it('walks both ways along oneway streets; driving does not', () => {
    const { osm } = fixture();
    const arcsFrom = (g: ReturnType<typeof buildStreetGraph>['graph'], osmId: number) => {
      const v = [...g.nodeOsmId].indexOf(osmId);
      const out: number[] = [];
      for (let a = g.arcStart[v]; a < g.arcStart[v + 1]; a++) out.push(g.nodeOsmId[g.arcHead[a]]);
      return out.sort();
    };
    const walk = buildStreetGraph(osm, 'walk').graph;
    expect(arcsFrom(walk, 6)).toEqual([5]);
    const drive = buildStreetGraph(osm, 'drive').graph;
    expect(arcsFrom(drive, 6)).toEqual([]);
    expect(arcsFrom(drive, 5)).toEqual([6]);
  });

  it('reports disconnected fragments as components, largest first', () => {
    const { osm } = fixture();
    const { graph } = buildStreetGraph(osm, 'walk');
    const comps = connectedComponents(graph);
    expect(comps.sizes).toEqual([6, 2, 2]);
    expect(comps.componentOf[[...graph.nodeOsmId].indexOf(1)]).toBe(0);
  });
});
