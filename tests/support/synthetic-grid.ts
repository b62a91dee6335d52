import { LocalPlane } from '../../server/src/geo/ellipsoid.js';
import type { OsmData } from '../../server/src/geo/osm.js';

/** A city grid of n x n streets, 100 m apart (224 gives about 100,000 edges): the design's budget case. */
export function syntheticGrid(n = 224): OsmData {
  const plane = new LocalPlane(116.6, 36.2);
  const nodes = new Map<number, [number, number]>();
  const id = (i: number, j: number) => i * n + j + 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) nodes.set(id(i, j), plane.toLonLat(i * 100, j * 100));
  const ways = [];
  for (let i = 0; i < n; i++) {
    ways.push({ id: 2 * i + 1, refs: Array.from({ length: n }, (_, j) => id(i, j)), tags: { highway: 'residential' } });
    ways.push({ id: 2 * i + 2, refs: Array.from({ length: n }, (_, j) => id(j, i)), tags: { highway: 'residential' } });
  }
  return { nodes, ways };
}
