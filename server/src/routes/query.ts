/** Parsing of query-string values that a schema pattern alone cannot check. */
import { badRequest } from '../plugins/errors.js';

/** `minLon,minLat,maxLon,maxLat`, already matched by BBoxQuery's pattern. */
export function parseBBox(raw: string, field = 'querystring.bbox'): [number, number, number, number] {
  const [a, b, c, d] = raw.split(',').map(Number);
  if (a < -180 || c > 180 || b < -90 || d > 90) throw badRequest(`${field}: out of range (${raw})`);
  if (a > c || b > d) throw badRequest(`${field}: min must not exceed max (${raw})`);
  return [a, b, c, d];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A time bound as UTC ISO text (how the database stores times). A bare date means midnight China
 * time, which is what a user picking "from 1 November" means.
 */
export function parseTimeQuery(raw: string, field: string): string {
  const date = DATE.exec(raw);
  const ms = date ? Date.parse(`${raw}T00:00:00+08:00`) : DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms))
    throw badRequest(
      `${field}: expected an ISO 8601 date (2026-11-01) or date-time with zone (2026-11-01T08:00:00+08:00), got "${raw}"`,
    );
  return new Date(ms).toISOString();
}
