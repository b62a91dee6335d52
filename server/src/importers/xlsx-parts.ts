/**
 * An XLSX is a zip, and a zip can be a bomb: 1 MB of compressed whitespace inflates to a gigabyte. Before
 * exceljs reads a workbook, this module reads the zip's central directory, refuses at once a part whose
 * declared uncompressed size is over the limit, and hands exceljs's streaming reader only the parts it needs
 * (the workbook, its relationships, the shared strings, then the first sheet), inflating them here and counting
 * the bytes as they go: a part that inflates past the size it declares is refused while it is read.
 * Putting the shared strings before the sheet also lets exceljs stream the sheet instead of copying it to a
 * temporary file first. Our own directory reader: the zip readers installed (unzipper, jszip) are private to
 * exceljs, and neither bounds what an entry inflates to.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import sax from 'sax';
import { ImportError, ImportLimitError, type ImportLimits } from './tables.js';

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const MB = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const damaged = (why: string) => new ImportError(`Unreadable XLSX: ${why} (a damaged file, or not an .xlsx)`);

/** The entries of a zip as its central directory lists them. */
function readDirectory(zip: Buffer, maxEntries: number): ZipEntry[] {
  // The end-of-central-directory record: 22 bytes, then a comment of at most 65,535 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw damaged('no zip directory');
  const count = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  const dirOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff)
    throw new ImportLimitError('The XLSX is a ZIP64 archive: a workbook within the import limits never needs one');
  if (count > maxEntries) throw new ImportLimitError(`The XLSX has ${count} parts; the limit is ${maxEntries}`);
  if (dirOffset + dirSize > eocd) throw damaged('the zip directory lies outside the file');
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || zip.readUInt32LE(p) !== 0x02014b50) throw damaged('a broken zip directory entry');
    const nameLength = zip.readUInt16LE(p + 28);
    const entry: ZipEntry = {
      flags: zip.readUInt16LE(p + 8),
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
    };
    entries.push(entry);
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return entries;
}

/** Where an entry's compressed bytes are, from its local header. */
function dataOf(zip: Buffer, e: ZipEntry): Buffer {
  const at = e.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw damaged(`${e.name}: no local header`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + e.compressedSize > zip.length) throw damaged(`${e.name} is cut short`);
  if (e.flags & 1) throw new ImportError(`The XLSX is encrypted (${e.name}): save it without a password`);
  if (e.method !== 0 && e.method !== 8) throw damaged(`${e.name} uses compression method ${e.method}`);
  return zip.subarray(start, start + e.compressedSize);
}

/** A small part (the workbook, its relationships), inflated whole: its declared size is checked first. */
function smallPart(zip: Buffer, e: ZipEntry): string {
  if (e.size > 4 * 2 ** 20)
    throw new ImportLimitError(`The XLSX part ${e.name} is ${MB(e.size)} uncompressed; it is a few kB in a workbook`);
  const data = dataOf(zip, e);
  try {
    const raw = e.method === 8 ? zlib.inflateRawSync(data, { maxOutputLength: e.size + 1 }) : data;
    if (raw.length !== e.size) throw new Error('size');
    return raw.toString('utf8');
  } catch {
    throw damaged(`${e.name} does not inflate to its declared size`);
  }
}

/** The first element named `local` (any namespace prefix) and every `Relationship`, by a streaming parse. */
function elements(xml: string, local: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const parser = sax.parser(true);
  parser.onopentag = (tag) => {
    if (tag.name.split(':').pop() === local) found.push(tag.attributes as Record<string, string>);
  };
  try {
    parser.write(xml).close();
  } catch (err) {
    throw damaged(`malformed XML (${(err as Error).message.split('\n')[0]})`);
  }
  return found;
}

/** The zip paths of the first sheet (in the workbook's tab order) and of the shared strings. */
function locateParts(zip: Buffer, byName: Map<string, ZipEntry>) {
  const book = byName.get('xl/workbook.xml');
  const rels = byName.get('xl/_rels/workbook.xml.rels');
  if (!book || !rels) throw damaged('no xl/workbook.xml');
  const sheet = elements(smallPart(zip, book), 'sheet')[0];
  if (!sheet) throw new ImportError('The workbook has no sheets');
  const relId = Object.entries(sheet).find(([k]) => k === 'r:id' || k.endsWith(':id'))?.[1];
  const relations = elements(smallPart(zip, rels), 'Relationship');
  const target = (r: Record<string, string> | undefined) =>
    r?.Target && (r.Target.startsWith('/') ? r.Target.slice(1) : path.posix.normalize(`xl/${r.Target}`));
  const sheetPath = target(relations.find((r) => r.Id === relId));
  if (!sheetPath || !byName.has(sheetPath)) throw damaged('the first sheet is missing');
  const stringsPath = target(relations.find((r) => r.Type?.endsWith('/sharedStrings'))) || 'xl/sharedStrings.xml';
  return { book, rels, sheet: byName.get(sheetPath)!, strings: byName.get(stringsPath) };
}

/** A stored (uncompressed) zip local header for `name`, as exceljs's reader will parse it. */
function localHeader(name: string, size: number, crc: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x0800, 6); // UTF-8 names
  h.writeUInt16LE(0, 8); // stored: the bytes that follow are the part itself
  h.writeUInt16LE(0x21, 12); // 1980-01-01
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(size, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([h, nameBytes]);
}

/** An entry's bytes inflated, in bounded pieces (zlib works off the main thread and waits for the reader). */
async function* inflated(zip: Buffer, e: ZipEntry): AsyncGenerator<Buffer> {
  const data = dataOf(zip, e);
  if (e.method === 0) {
    for (let i = 0; i < data.length; i += 1 << 16) yield data.subarray(i, i + (1 << 16));
    return;
  }
  const inflater = zlib.createInflateRaw({ chunkSize: 1 << 16 });
  // Small input pieces: even at deflate's best ratio (1:1032) one piece inflates to 16 MB at most.
  const input = Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += 1 << 14) yield data.subarray(i, i + (1 << 14));
    })(),
    { objectMode: false },
  );
  input.pipe(inflater);
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (err) {
    throw damaged(`${e.name} does not inflate (${(err as Error).message})`);
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

/**
 * The longest run of bytes between XML delimiters (`<`, `>`) allowed: a text or a tag. exceljs's XML parser
 * holds a text or a tag whole until it ends, so a megabyte of whitespace inside <sheetData> would be one
 * string of a megabyte; a cell's 2,000 characters are at most 10 kB even as entities (&amp;).
 */
const MAX_TOKEN_BYTES = 256 * 1024;

/**
 * The run of bytes since the last delimiter after `chunk`, given the run before it. Chunks are at most
 * 64 kB, less than the limit, so a run over the limit spans chunks: only the ends of each need looking at.
 */
function tokenRun(before: number, chunk: Buffer, name: string): number {
  const first = Math.min(...[chunk.indexOf(0x3c), chunk.indexOf(0x3e)].map((i) => (i < 0 ? Infinity : i)));
  const run = before + (first === Infinity ? chunk.length : first);
  if (run > MAX_TOKEN_BYTES)
    throw new ImportLimitError(
      `The XLSX part ${name} holds a text or tag of more than ${MAX_TOKEN_BYTES / 1024} kB: refused (a cell holds ` +
        `at most 2,000 characters)`,
    );
  if (first === Infinity) return run;
  return chunk.length - 1 - Math.max(chunk.lastIndexOf(0x3c), chunk.lastIndexOf(0x3e));
}

const EMPTY_STRINGS = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
);

/**
 * The parts of `zip` that exceljs's streaming WorkbookReader needs, re-packed as a stored zip stream in the
 * order that lets it stream: relationships, workbook, shared strings, first sheet (as sheet1.xml). Throws at
 * once when the directory is unreadable or a declared size is over the limit; the stream fails with an
 * ImportLimitError when a part inflates past its declared size.
 */
export function xlsxPartsStream(zip: Buffer, limits: ImportLimits): Readable {
  const entries = readDirectory(zip, limits.zipEntries);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const { book, rels, sheet, strings } = locateParts(zip, byName);
  const parts = [rels, book, strings, sheet].filter((e): e is ZipEntry => !!e);
  const declared = parts.reduce((s, e) => s + e.size, 0);
  if (declared > limits.unzippedBytes)
    throw new ImportLimitError(
      `The XLSX's first sheet${strings ? ' with its shared strings' : ''} is ${MB(declared)} uncompressed; ` +
        `the limit is ${MB(limits.unzippedBytes)} (${sheet.name} inflates to ${MB(sheet.size)})`,
    );
  if (strings && strings.size > limits.sharedStringsBytes)
    throw new ImportLimitError(
      `The XLSX's shared strings are ${MB(strings.size)} uncompressed; the limit is ${MB(limits.sharedStringsBytes)}`,
    );
  async function* stream(): AsyncGenerator<Buffer> {
    for (const [e, name] of [
      [rels, 'xl/_rels/workbook.xml.rels'],
      [book, 'xl/workbook.xml'],
      [strings, 'xl/sharedStrings.xml'],
      [sheet, 'xl/worksheets/sheet1.xml'],
    ] as const) {
      if (!e) {
        // No shared strings (every cell a number or an inline string): an empty table, so that exceljs
        // streams the sheet rather than parking it in a temporary file to wait for them.
        yield localHeader(name, EMPTY_STRINGS.length, zlib.crc32(EMPTY_STRINGS));
        yield EMPTY_STRINGS;
        continue;
      }
      yield localHeader(name, e.size, e.crc);
      let produced = 0;
      let run = 0;
      for await (const chunk of inflated(zip, e)) {
        produced += chunk.length;
        run = tokenRun(run, chunk, e.name);
        if (produced > e.size)
          throw new ImportLimitError(
            `The XLSX part ${e.name} inflates to more than the ${e.size.toLocaleString('en-US')} bytes its zip ` +
              `entry declares: refused as a zip bomb (the limit is ${MB(limits.unzippedBytes)} uncompressed)`,
          );
        yield chunk;
      }
      if (produced !== e.size) throw damaged(`${e.name} inflates to ${produced} bytes, not the ${e.size} it declares`);
    }
    // An empty end-of-directory record: the reader stops there rather than at an unexpected end of file.
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    yield end;
  }
  return Readable.from(stream(), { objectMode: false, highWaterMark: 1 << 16 });
}
