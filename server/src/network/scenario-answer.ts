/**
 * A what-if's answer, shared by POST /api/coverage/scenario (changes in the body) and
 * GET /api/scenarios/:id/coverage (a saved scenario): coverage with the changes applied, the saved
 * totals, the difference, the gap polygons, the areas gained and lost, the uncovered places and the
 * villages whose status changes, spliced in as the worker wrote them.
 */
import type { FastifyInstance } from 'fastify';
import { badRequest } from '../plugins/errors.js';
import { applyScenario, type CoverageParams, type ScenarioChanges } from './coverage-service.js';
import { bufferOf } from './coverage-cache.js';

/**
 * The answer as JSON bytes. `where` names the input in a 400 (`body`, or `scenario 12`) when a change
 * names a station that is not (or no longer) saved.
 */
export async function scenarioAnswer(
  app: FastifyInstance,
  params: CoverageParams,
  changes: ScenarioChanges,
  withGaps: boolean,
  where: string,
): Promise<Buffer> {
  const base = await app.coverage.saved(params);
  let stations;
  try {
    stations = applyScenario(base.data, changes).filter((s) => params.levels.includes(s.level));
  } catch (err) {
    throw badRequest(`${where}: ${(err as Error).message}`);
  }
  const { summary: after, gaps, changes: whatIf } = await app.coverage.scenario(base, stations, withGaps);
  const before = app.coverage.summary(base);
  const answer = JSON.stringify({
    ...after,
    base: before.totals,
    delta: {
      coveredPopulation: after.totals.coveredPopulation - before.totals.coveredPopulation,
      coveredAreaM2: after.totals.coveredAreaM2 - before.totals.coveredAreaM2,
      regions: after.regions.map((r, i) => ({
        code: r.code,
        coveredPopulation: r.coveredPopulation - before.regions[i].coveredPopulation,
      })),
    },
  }).slice(0, -1);
  // `whatIf` is a JSON object ({"gained":…,"villages":[…]}): its members follow the gaps.
  const members = bufferOf(whatIf);
  return Buffer.concat([
    Buffer.from(`${answer},"gaps":`),
    gaps ? bufferOf(gaps) : Buffer.from('null'),
    Buffer.from(','),
    members.subarray(1, members.length - 1),
    Buffer.from('}'),
  ]);
}
