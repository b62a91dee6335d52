/** What every answer is checked for, and how a request is written down so that a person can replay it. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { unzipText } from './zip.js';

/**
 * Personal data in an answer to the public: a number in the demo's never-issued 139-0000 block (or any
 * 139 mobile number, spaced or not), or a field that only logged-in roles may see.
 */
const PHONE = /(?<![\d.])139[- ]?\d{4}[- ]?\d{4}(?!\d)/g;
const PERSONAL_KEYS =
  /"(contactPhone|contactName|requester|leaderName|leaderPhone|contact_phone|contact_name|leader_name|leader_phone|password_hash|passwordHash|token_hash|tokenHash|password)"\s*:/g;
const PERSONAL_HEADERS = /(联系电话|联系人|点单人|负责人电话)/g;

/** Findings of personal data in `text`; matches that the request itself carried (echoes) do not count. */
export function personalData(text: string, requestText: string, options: { keys: boolean }): string[] {
  const found = new Set<string>();
  const digits = (s: string) => s.replace(/\D/g, '');
  const sent = digits(requestText);
  for (const m of text.matchAll(PHONE)) if (!sent.includes(digits(m[0]))) found.add(`phone ${m[0]}`);
  if (options.keys) {
    for (const m of text.matchAll(PERSONAL_KEYS)) if (!requestText.includes(m[1])) found.add(`field ${m[1]}`);
    for (const m of text.matchAll(PERSONAL_HEADERS)) if (!requestText.includes(m[1])) found.add(`column ${m[1]}`);
  }
  return [...found];
}

/** The answer's body as text: decompressed, and an XLSX opened, so personal data cannot hide in either. */
export function bodyText(raw: Buffer, headers: Record<string, unknown>): string {
  let data = raw;
  const encoding = String(headers['content-encoding'] ?? '');
  try {
    if (encoding === 'br') data = zlib.brotliDecompressSync(data);
    else if (encoding === 'gzip') data = zlib.gunzipSync(data);
    else if (encoding === 'deflate') data = zlib.inflateSync(data);
  } catch {
    return data.toString('latin1');
  }
  if (data.length > 4 && data.readUInt32LE(0) === 0x04034b50) {
    try {
      return [...unzipText(data).values()].join('\n');
    } catch {
      return data.toString('latin1');
    }
  }
  return data.toString('utf8');
}

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  role: string;
  /** Set when a large body was not kept: what it was. */
  omitted?: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The request as a curl line against a local server (http://127.0.0.1:8080). A session is written as
 * $PM_<ROLE> (log in with POST /api/auth/login and export the cookie's value); a body that is binary,
 * long or has control characters goes to a file beside the report and is sent with --data-binary @file.
 */
export function curlLine(req: SentRequest, bodyDir: string, name: string): string {
  const parts = ['curl -sS -g', '-X', req.method, shellQuote(`http://127.0.0.1:8080${req.url}`)];
  for (const [k, v] of Object.entries(req.headers)) {
    if (k === 'cookie' && v.startsWith('pm_session=') && req.role !== 'forged')
      parts.push('-b', `"pm_session=$PM_${req.role.toUpperCase()}"`);
    else parts.push('-H', shellQuote(`${k}: ${v}`));
  }
  if (req.omitted) parts.push(`# body not kept: ${req.omitted}`);
  if (req.payload !== undefined) {
    const text = typeof req.payload === 'string' ? req.payload : null;
    // eslint-disable-next-line no-control-regex
    const plain = text !== null && text.length <= 600 && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text);
    if (plain) parts.push('--data-raw', shellQuote(text));
    else {
      fs.mkdirSync(bodyDir, { recursive: true });
      const file = path.join(bodyDir, `${name}.body`);
      fs.writeFileSync(file, req.payload);
      const size = Buffer.byteLength(req.payload);
      parts.push('--data-binary', `@${file}`, `# ${size} bytes`);
    }
  }
  return parts.join(' ');
}

/** p-th percentile of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** An error message with its numbers and quoted values blurred, so one bug is one entry in the report. */
export function messageShape(message: string): string {
  return message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\(([-\d.e, ]+)\)/g, '(…)')
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, '#')
    .slice(0, 160);
}
