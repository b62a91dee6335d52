/**
 * The street graph on disk: a small JSON header and then each typed array's bytes, 8-byte aligned, so
 * loading is a read and a few copies, not a rebuild.
 */
import fs from 'node:fs';
import { STREET_GRAPH_ARRAYS, type StreetGraph } from '../geo/graph.js';
import type { TravelMode } from '../geo/osm.js';

const MAGIC = 'PMGRAPH1';
const ARRAYS = STREET_GRAPH_ARRAYS;
type ArrayName = (typeof ARRAYS)[number];
const CONSTRUCTORS = { Float64Array, Uint32Array, Int8Array, Uint8Array } as const;

export function writeGraphFile(file: string, graph: StreetGraph): void {
  const parts: Buffer[] = [];
  const arrays: { name: ArrayName; type: keyof typeof CONSTRUCTORS; length: number }[] = [];
  for (const name of ARRAYS) {
    const a = graph[name];
    arrays.push({ name, type: a.constructor.name as keyof typeof CONSTRUCTORS, length: a.length });
    const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    parts.push(bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8));
  }
  const header = Buffer.from(
    JSON.stringify({
      mode: graph.mode,
      nodeCount: graph.nodeCount,
      edgeCount: graph.edgeCount,
      highwayClasses: graph.highwayClasses,
      arrays,
    }),
  );
  const headerLength = Buffer.alloc(8);
  headerLength.writeUInt32LE(header.length, 0);
  const pad = Buffer.alloc((8 - (header.length % 8)) % 8);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(MAGIC), headerLength, header, pad, ...parts]));
}

export function readGraphFile(file: string): StreetGraph {
  const buf = fs.readFileSync(file);
  if (buf.subarray(0, 8).toString() !== MAGIC) throw new Error(`${file}: not a Practice Map graph file`);
  const headerLength = buf.readUInt32LE(8);
  const header = JSON.parse(buf.subarray(16, 16 + headerLength).toString()) as {
    mode: TravelMode;
    nodeCount: number;
    edgeCount: number;
    highwayClasses: string[];
    arrays: { name: ArrayName; type: keyof typeof CONSTRUCTORS; length: number }[];
  };
  let offset = 16 + headerLength + ((8 - (headerLength % 8)) % 8);
  const graph: Record<string, unknown> = {
    mode: header.mode,
    nodeCount: header.nodeCount,
    edgeCount: header.edgeCount,
    highwayClasses: header.highwayClasses,
  };
  for (const a of header.arrays) {
    const Ctor = CONSTRUCTORS[a.type];
    const byteLength = a.length * Ctor.BYTES_PER_ELEMENT;
    if (offset + byteLength > buf.length) throw new Error(`${file}: truncated at ${a.name}`);
    // Copy into a fresh, aligned buffer.
    graph[a.name] = new Ctor(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + byteLength));
    offset += byteLength + ((8 - (byteLength % 8)) % 8);
  }
  return graph as unknown as StreetGraph;
}
