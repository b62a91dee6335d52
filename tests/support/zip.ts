/**
 * Hand-made zips for the import tests: a minimal XLSX around a sheet, and zip bombs (whitespace that
 * inflates a thousandfold, sizes that lie). Built here rather than with exceljs, which would refuse to
 * write a bomb and takes minutes to write a sheet past the row limit.
 */
import zlib from 'node:zlib';

export interface ZipPart {
  name: string;
  /** The bytes as stored (deflated unless `stored`). */
  data: Buffer;
  /** What the directory says the part inflates to. */
  size: number;
  crc: number;
  stored?: boolean;
}

/** A part deflated from its content, sizes and CRC true. */
export function part(name: string, content: string | Buffer): ZipPart {
  const raw = typeof content === 'string' ? Buffer.from(content) : content;
  return { name, data: zlib.deflateRawSync(raw), size: raw.length, crc: zlib.crc32(raw) };
}

/** A zip of the parts, with local headers, a central directory and its end record. */
export function zip(parts: ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(p.stored ? 0 : 8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(p.size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(p.stored ? 0 : 8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(p.crc >>> 0, 16);
    central.writeUInt32LE(p.data.length, 20);
    central.writeUInt32LE(p.size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    chunks.push(local, name, p.data);
    directory.push(central, name);
    offset += 30 + name.length + p.data.length;
  }
  const dir = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, dir, end]);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** The parts of a one-sheet workbook around `sheet` (the part xl/worksheets/sheet1.xml). */
export function xlsx(sheet: ZipPart): Buffer {
  return zip([
    part(
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
        `</Types>`,
    ),
    part(
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    part(
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="站点" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ),
    part(
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    ),
    { ...sheet, name: 'xl/worksheets/sheet1.xml' },
  ]);
}

/** Sheet XML for rows of inline strings (row 1 first). */
export function sheetXml(rows: string[][]): string {
  const col = (k: number) => String.fromCharCode(65 + k);
  const body = rows
    .map(
      (cells, i) =>
        `<row r="${i + 1}">${cells.map((v, k) => `<c r="${col(k)}${i + 1}" t="inlineStr"><is><t>${v}</t></is></c>`).join('')}</row>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>${body}</sheetData></worksheet>`;
}

/**
 * Sheet XML whose middle is `megabytes` MB of spaces, deflated in a few hundred kB without ever being
 * held: one megabyte of spaces is deflated once ending in a full flush (which forgets the history), so
 * that its compressed bytes can be repeated to stand for the megabyte repeated.
 */
export function whitespaceSheet(megabytes: number, declaredSize?: number): ZipPart {
  const head = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>`);
  const tail = Buffer.from('</sheetData></worksheet>');
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH };
  const block = zlib.deflateRawSync(Buffer.alloc(2 ** 20, ' '), flush);
  const data = Buffer.concat([
    zlib.deflateRawSync(head, flush),
    ...Array.from({ length: megabytes }, () => block),
    zlib.deflateRawSync(tail),
  ]);
  const size = head.length + megabytes * 2 ** 20 + tail.length;
  // The CRC of the whole would need the whole; a reader refuses the part before it could check it.
  return { name: 'xl/worksheets/sheet1.xml', data, size: declaredSize ?? Math.min(size, 0xffffffff - 1), crc: 0 };
}
