/**
 * The API document: valid OpenAPI, complete (tags, operation ids, success answers, bodies), and true:
 * the session requirement it states is what the server enforces, and real answers fit its schemas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { loginCookie, startTestApp, type TestApp } from '../support/app.js';
import { testDialects } from '../support/databases.js';

interface Operation {
  method: string;
  path: string;
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  'x-roles'?: string[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}

const ROLES = ['organizer', 'planner', 'admin'] as const;
/** A path id that names nothing, so no probe below can change the demo data. */
const MISSING_ID = '999999';

function operationsOf(doc: { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> }) {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path }) as Operation),
  );
}

const urlOf = (op: Operation) => op.path.replace(/\{[^}]+\}/g, MISSING_ID);
const streams = (op: Operation) => Object.keys(op.responses['200']?.content ?? {}).includes('text/event-stream');

/** A schema where every object lists all its fields: an undocumented field in an answer fails. */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === 'properties' ? v : closed(v)]));
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, closed(v)]));
    if (out.additionalProperties === undefined) out.additionalProperties = false;
  }
  return out;
}

describe.each(testDialects)('API document on %s', (dialect) => {
  let t: TestApp;
  let doc: any;
  let ops: Operation[];
  const cookies = {} as Record<(typeof ROLES)[number], string>;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const res = await t.app.inject('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    doc = res.json();
    ops = operationsOf(doc);
    for (const role of ROLES)
      cookies[role] = await loginCookie(t.app, t.accounts[role].username, t.accounts[role].password);
  });
  afterAll(async () => t?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(ops.length).toBeGreaterThanOrEqual(35);
  });

  it('gives every operation a declared tag, a unique camelCase operationId and a described success answer', () => {
    const tags = new Set(doc.tags.map((tag: { name: string }) => tag.name));
    const ids = new Set<string>();
    for (const op of ops) {
      const where = `${op.method} ${op.path}`;
      expect(op.tags?.length, where).toBeGreaterThan(0);
      for (const tag of op.tags!) expect(tags, where).toContain(tag);
      expect(op.operationId, where).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(ids.has(op.operationId!), `${where}: ${op.operationId} twice`).toBe(false);
      ids.add(op.operationId!);
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [status, answer] of success) {
        expect(answer.description, `${where} ${status}`).not.toBe('Default Response');
        // 204 has no body; everything else says what it sends, by media type.
        if (status !== '204') expect(Object.keys(answer.content ?? {}).length, `${where} ${status}`).toBeGreaterThan(0);
      }
      for (const [status, answer] of Object.entries(op.responses).filter(([s]) => /^4\d\d$/.test(s)))
        expect(answer.content?.['application/json']?.schema, `${where} ${status}`).toBeTruthy();
    }
  });

  it('asks for the session on every write except logging in and out', () => {
    const publicWrites = ops.filter((op) => op.method !== 'GET' && !op.security).map((op) => op.operationId);
    expect(publicWrites.sort()).toEqual(['login', 'logout']);
    for (const op of ops.filter((o) => o.security)) {
      const where = `${op.method} ${op.path}`;
      expect(op.security, where).toEqual([{ session: [] }]);
      expect(op['x-roles']?.length, where).toBeGreaterThan(0);
      expect(op.responses['401'], where).toBeTruthy();
      expect(op.responses['403'], where).toBeTruthy();
    }
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'pm_session' });
  });

  it('documents the imports as the raw file in the body', () => {
    const imports = ops.filter((op) => op.path.startsWith('/api/import/'));
    expect(imports.map((op) => op.operationId).sort()).toEqual(['importPopulation', 'importRegions', 'importStations']);
    for (const op of imports) {
      expect(Object.keys(op.requestBody?.content ?? {}).sort()).toEqual([
        'application/geo+json',
        'application/octet-stream',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/csv',
      ]);
      expect(
        op.requestBody!.content['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'].schema,
      ).toMatchObject({ type: 'string', format: 'binary' });
    }
  });

  it('asks for the session exactly where an anonymous request gets 401', async () => {
    for (const op of ops.filter((o) => !streams(o))) {
      const res = await t.app.inject({
        method: op.method as 'GET',
        url: urlOf(op),
        ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: {} }),
      });
      expect(res.statusCode === 401, `${op.method} ${op.path} answered ${res.statusCode}`).toBe(Boolean(op.security));
    }
  });

  it('names in x-roles exactly the roles that get past the check', async () => {
    for (const op of ops.filter((o) => o.security)) {
      for (const role of ROLES) {
        const res = await t.app.inject({
          method: op.method as 'POST',
          url: urlOf(op),
          headers: { cookie: cookies[role] },
          ...(op.method === 'DELETE' ? {} : { payload: {} }),
        });
        const where = `${role}: ${op.method} ${op.path} answered ${res.statusCode} ${res.body}`;
        if (op['x-roles']!.includes(role)) {
          expect([401, 403], where).not.toContain(res.statusCode);
          // An empty body or a missing id: refused without writing anything (a list without an id just answers,
          // and so does the what-if, which writes nothing: an empty body is no change).
          const answers = (op.method === 'GET' && !op.path.includes('{')) || op.operationId === 'evaluateScenario';
          expect(answers ? [200, 400] : [400, 404], where).toContain(res.statusCode);
        } else expect(res.statusCode, where).toBe(403);
      }
    }
  });

  /** Finds the operation for a URL, checks the answer's status and media type are documented, and its body fits. */
  async function expectDocumented(
    url: string,
    options: { method?: 'GET' | 'POST'; payload?: object; cookie?: string } = {},
  ) {
    const method = options.method ?? 'GET';
    const res = await t.app.inject({
      method,
      url,
      headers: options.cookie ? { cookie: options.cookie } : {},
      ...(options.payload ? { payload: options.payload } : {}),
    });
    const pathname = url.split('?')[0];
    const op = ops.find(
      (o) => o.method === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
    );
    const where = `${method} ${url} (${res.statusCode})`;
    expect(op, where).toBeTruthy();
    const answer = op!.responses[String(res.statusCode)];
    expect(answer, `${where}: status not documented`).toBeTruthy();
    const mediaType = String(res.headers['content-type']).split(';')[0];
    const media = answer.content?.[mediaType];
    expect(media, `${where}: ${mediaType} not documented (${Object.keys(answer.content ?? {})})`).toBeTruthy();
    const body = mediaType.includes('json') ? res.json() : res.body;
    const validate = ajv.compile(closed(media!.schema));
    expect(validate(body) ? [] : validate.errors!.slice(0, 5), where).toEqual([]);
    return res;
  }

  it('answers every public read as its schema says, field for field', async () => {
    const stations = (await t.app.inject('/api/stations')).json();
    const station = stations.features[0];
    const [lon, lat] = station.geometry.coordinates;
    const activities = (await t.app.inject('/api/activities?limit=1')).json();
    const township = (await t.app.inject('/api/regions')).json().features[0].properties.code;
    for (const url of [
      '/api/openapi.json',
      '/api/health',
      '/api/config',
      '/api/auth/me',
      '/api/stations',
      '/api/stations?level=station,point',
      `/api/stations/${station.id}`,
      `/api/stations/${MISSING_ID}`,
      '/api/stations?bbox=1,2,3',
      '/api/regions',
      `/api/regions?level=village&parent=${township}`,
      '/api/basemap/streets',
      '/api/basemap/water',
      `/api/isochrone?lon=${lon}&lat=${lat}&minutes=15,10`,
      '/api/isochrone?lon=0&lat=0',
      `/api/stations/${station.id}/service-area`,
      '/api/service-areas',
      `/api/nearby?lon=${lon}&lat=${lat}&limit=3`,
      '/api/coverage',
      '/api/coverage/gaps',
      `/api/coverage/gaps?region=${township}`,
      '/api/coverage/gaps.geojson',
      '/api/coverage/partition',
      '/api/coverage/export',
      '/api/siting/suggestions?k=2',
      '/api/activities?limit=50',
      `/api/activities/${activities.features[0].id}`,
      '/api/heatmap?bucket=week',
      '/api/heatmap?source=uncovered',
      '/api/stats/overview',
    ])
      await expectDocumented(url);
  });

  it('answers the writes and the staff views as documented too', async () => {
    await expectDocumented('/api/stations', { cookie: cookies.planner });
    await expectDocumented('/api/activities?limit=20', { cookie: cookies.planner });
    await expectDocumented('/api/auth/me', { cookie: cookies.organizer });
    const planner = cookies.planner;
    await expectDocumented('/api/coverage/scenario', { method: 'POST', payload: { remove: [1] }, cookie: planner });
    await expectDocumented('/api/coverage/scenario', {
      method: 'POST',
      payload: { remove: [1], gaps: false },
      cookie: planner,
    });
    for (const url of [
      '/api/coverage/gaps.geojson',
      '/api/coverage/export',
      '/api/coverage/uncovered.csv',
      '/api/siting/suggestions?k=2',
    ])
      await expectDocumented(url, { cookie: planner });
    await expectDocumented('/api/siting/suggestions', {
      cookie: planner,
      method: 'POST',
      payload: { k: 1, candidates: [{ lon: 0, lat: 0 }] },
    });
    await expectDocumented('/api/auth/login', { method: 'POST', payload: { username: 'nobody', password: 'x' } });
  });

  it('answers the scenario routes as documented', async () => {
    const [a, b] = (await t.app.inject('/api/stations')).json().features;
    const [lon, lat] = a.geometry.coordinates;
    const created = await expectDocumented('/api/scenarios', {
      method: 'POST',
      cookie: cookies.planner,
      payload: { name: '文档方案', add: [{ lon, lat, name: '站点', services: ['law'] }], remove: [b.id] },
    });
    const id = created.json().id;
    await expectDocumented('/api/scenarios', { cookie: cookies.planner });
    await expectDocumented(`/api/scenarios/${id}`, { cookie: cookies.admin });
    await expectDocumented(`/api/scenarios/${id}/coverage`, { cookie: cookies.planner });
    await expectDocumented(`/api/scenarios/${id}/coverage?gaps=false`, { cookie: cookies.planner });
    await expectDocumented(`/api/scenarios/${id}/adoption`, { cookie: cookies.planner });
    await expectDocumented(`/api/scenarios/${id}/adopt`, {
      method: 'POST',
      cookie: cookies.planner,
      payload: { version: 1 },
    });
    await expectDocumented(`/api/scenarios/${id}/duplicate`, { method: 'POST', cookie: cookies.planner, payload: {} });
  });

  it('keeps downloads intact: the serializer does not touch CSV, XLSX or pre-serialized GeoJSON', async () => {
    const headers = { cookie: cookies.planner };
    const csv = await t.app.inject({ url: '/api/coverage/export?format=csv', headers });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\n').length).toBeGreaterThan(3);
    const xlsx = await t.app.inject({ url: '/api/coverage/export?format=xlsx', headers });
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const gaps = await t.app.inject({ url: '/api/coverage/gaps.geojson', headers });
    expect(gaps.json().type).toBe('FeatureCollection');
  });

  it('serves Swagger UI at /api/docs from its own files, under the app’s Content-Security-Policy', async () => {
    const page = await t.app.inject('/api/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    // Every script and stylesheet comes from this server: nothing to fetch from a CDN.
    const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/api\/docs\/static\//);
      expect((await t.app.inject(ref)).statusCode, ref).toBe(200);
    }
    expect(page.body).not.toMatch(/<script>|<style>|https?:\/\//);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    const init = await t.app.inject('/api/docs/static/swagger-initializer.js');
    expect(init.body).toContain('validatorUrl: null');
    expect((await t.app.inject('/api/docs/json')).json().paths).toEqual(doc.paths);
  });
});
