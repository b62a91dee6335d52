/**
 * Reads an OpenStreetMap extract, PBF or XML, into the OSM nodes and ways the graph builder takes:
 * every way with a `highway` tag (each mode filters its own), the water the base map draws, and only
 * the nodes those ways use. A file that is not OSM, or is cut short, fails with one clear line.
 */
import fs from 'node:fs';
import { createOSMStream } from 'osm-pbf-parser-node';
import sax from 'sax';
import type { OsmData, OsmTags, OsmWay } from '../geo/osm.js';

export class OsmFormatError extends Error {}

const keepWay = (tags: OsmTags | undefined) =>
  !!tags &&
  (!!tags.highway ||
    tags.natural === 'water' ||
    tags.waterway === 'riverbank' ||
    tags.waterway === 'river' ||
    tags.waterway === 'canal' ||
    tags.waterway === 'stream');

function sniff(file: string): 'pbf' | 'xml' {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new OsmFormatError(`${file}: cannot open (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const head = Buffer.alloc(64);
  const n = fs.readSync(fd, head, 0, 64, 0);
  fs.closeSync(fd);
  if (n === 0) throw new OsmFormatError(`${file}: empty file`);
  const text = head.subarray(0, n).toString('latin1');
  if (/^\s*(<\?xml|<osm\b)/.test(text.replace(/^\uFEFF/, ''))) return 'xml';
  // A PBF starts with a 4-byte length and a BlobHeader whose type is "OSMHeader".
  if (n >= 8 && text.slice(4, 40).includes('OSMHeader')) return 'pbf';
  throw new OsmFormatError(`${file}: not an OpenStreetMap file (expected .osm.pbf or .osm XML)`);
}

async function readPbf(file: string): Promise<OsmData> {
  // Nodes come before ways in a PBF: a first pass finds the ways to keep and the nodes they use.
  const ways: OsmWay[] = [];
  const needed = new Set<number>();
  try {
    for await (const item of createOSMStream(file, {
      withTags: { node: false, way: true, relation: false },
      withInfo: false,
    })) {
      const it = item as { type?: string; id: number; refs?: number[]; tags?: OsmTags };
      if (it.type === 'way' && keepWay(it.tags)) {
        ways.push({ id: it.id, refs: it.refs ?? [], tags: it.tags ?? {} });
        for (const r of it.refs ?? []) needed.add(r);
      }
    }
    const nodes = new Map<number, [number, number]>();
    for await (const item of createOSMStream(file, { withTags: false, withInfo: false })) {
      const it = item as { type?: string; id: number; lon: number; lat: number };
      if (it.type === 'node' && needed.has(it.id)) nodes.set(it.id, [it.lon, it.lat]);
      else if (it.type === 'way') break;
    }
    return { nodes, ways };
  } catch (err) {
    if (err instanceof OsmFormatError) throw err;
    throw new OsmFormatError(
      `${file}: unreadable PBF, truncated or corrupt (${(err as Error).message.split('\n')[0]})`,
    );
  }
}

function readXml(file: string): Promise<OsmData> {
  return new Promise((resolve, reject) => {
    const parser = sax.createStream(true, { trim: true });
    const nodes = new Map<number, [number, number]>();
    const ways: OsmWay[] = [];
    let way: OsmWay | null = null;
    let sawOsm = false;
    let closed = false;
    parser.on('opentag', (tag) => {
      const a = tag.attributes as Record<string, string>;
      if (tag.name === 'osm') sawOsm = true;
      else if (tag.name === 'node') {
        const lon = Number(a.lon);
        const lat = Number(a.lat);
        if (Number.isFinite(lon) && Number.isFinite(lat)) nodes.set(Number(a.id), [lon, lat]);
      } else if (tag.name === 'way') way = { id: Number(a.id), refs: [], tags: {} };
      else if (way && tag.name === 'nd') way.refs.push(Number(a.ref));
      else if (way && tag.name === 'tag') way.tags[a.k] = a.v;
    });
    parser.on('closetag', (name) => {
      if (name === 'way' && way) {
        if (keepWay(way.tags)) ways.push(way);
        way = null;
      } else if (name === 'osm') closed = true;
    });
    parser.on('error', (err) =>
      reject(new OsmFormatError(`${file}: malformed OSM XML (${err.message.split('\n')[0]})`)),
    );
    parser.on('end', () => {
      if (!sawOsm) return reject(new OsmFormatError(`${file}: no <osm> element: not an OSM XML file`));
      if (!closed) return reject(new OsmFormatError(`${file}: OSM XML ends before </osm>: the file is truncated`));
      // Keep only the nodes the kept ways use.
      const used = new Map<number, [number, number]>();
      for (const w of ways)
        for (const r of w.refs) {
          const p = nodes.get(r);
          if (p) used.set(r, p);
        }
      resolve({ nodes: used, ways });
    });
    fs.createReadStream(file)
      .on('error', (err) => reject(new OsmFormatError(`${file}: ${err.message}`)))
      .pipe(parser);
  });
}

export async function readOsmFile(file: string): Promise<OsmData> {
  const format = sniff(file);
  const data = format === 'pbf' ? await readPbf(file) : await readXml(file);
  if (!data.ways.some((w) => w.tags.highway))
    throw new OsmFormatError(`${file}: no streets (no ways with a highway tag)`);
  return data;
}
