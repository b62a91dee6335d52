/**
 * Delivery over the wire: compressed answers (brotli preferred, gzip otherwise), the built client served
 * precompressed with hashed assets immutable and the page revalidated, conditional requests on the
 * cached lists, and the event stream never buffered by compression. Needs the client build (npm test
 * builds it first).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';

const CLIENT = path.resolve('dist/client');
const built = fs.existsSync(path.join(CLIENT, 'index.html'));

describe.skipIf(!built)('delivery (needs npm run build)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

  it('serves the page brotli-compressed and revalidated, and the same bytes as the build', async () => {
    const res = await get('/plan', { 'accept-encoding': 'br, gzip' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(
      fs.readFileSync(path.join(CLIENT, 'index.html'), 'utf8'),
    );
  });

  it('serves hashed assets immutable for a year, br or gzip as asked', async () => {
    const script = fs.readdirSync(path.join(CLIENT, 'assets')).find((f) => /^index-.*\.js$/.test(f))!;
    const original = fs.readFileSync(path.join(CLIENT, 'assets', script));
    const br = await get(`/assets/${script}`, { 'accept-encoding': 'br, gzip' });
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(original.length / 2.5);
    const gz = await get(`/assets/${script}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).equals(original)).toBe(true);
    const plain = await get(`/assets/${script}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it('compresses large JSON answers and leaves them intact', async () => {
    for (const url of ['/api/service-areas', '/api/coverage/partition', '/api/regions?level=township']) {
      const plain = await get(url);
      const br = await get(url, { 'accept-encoding': 'br, gzip' });
      expect(br.headers['content-encoding'], url).toBe('br');
      expect(br.rawPayload.length, url).toBeLessThan(plain.rawPayload.length / 2);
      expect(JSON.parse(zlib.brotliDecompressSync(br.rawPayload).toString()), url).toEqual(plain.json());
      const gz = await get(url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding'], url).toBe('gzip');
      expect(JSON.parse(zlib.gunzipSync(gz.rawPayload).toString()), url).toEqual(plain.json());
    }
  });

  it('answers 304 to a station list or base map the client already has', async () => {
    for (const url of ['/api/stations', '/api/basemap/streets']) {
      const first = await get(url, { 'accept-encoding': 'br' });
      const etag = String(first.headers.etag);
      expect(etag, url).toMatch(/^"/);
      const again = await get(url, { 'if-none-match': etag });
      expect(again.statusCode, url).toBe(304);
      expect(again.rawPayload.length, url).toBe(0);
    }
    // A planner's change to a station is a new list.
    const before = String((await get('/api/stations')).headers.etag);
    const cookie = await loginCookie(t.app, 'planner', t.accounts.planner.password);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/stations/1',
      headers: { cookie },
      payload: { name: '改名后的站' },
    });
    expect(patch.statusCode).toBe(200);
    const after = await get('/api/stations', { 'if-none-match': before });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before);
  });

  it('never compresses the event stream, whose frames must arrive as they are written', async () => {
    const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const req = http.get(`${origin}/api/activities/stream`, { headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
        resolve(res.headers);
        req.destroy();
      });
      req.on('error', reject);
    });
    expect(headers['content-type']).toMatch(/text\/event-stream/);
    expect(headers['content-encoding']).toBeUndefined();
  });
});
