/**
 * Where people live in the demo district: urban communities (社区) in the county town, a community at each
 * town seat, and villages (村) spread over the countryside, each with a population in the ranges the
 * issue gives. Positions are in the local plane; townships are found by point in polygon.
 */
import { COMMUNITY_NAMES, SURNAMES, VILLAGE_PREFIXES, VILLAGE_SUFFIXES } from './names.js';
import { distanceToPolyline, insideRing, riverY, type DistrictShape } from './district.js';
import type { Random } from './random.js';
import type { XY } from './network-builder.js';

export interface Place {
  name: string;
  kind: 'community' | 'village';
  township: number;
  p: XY;
  population: number;
  /** Town seat community (镇区社区). */
  seat?: boolean;
}

export interface Places {
  seats: XY[]; // per township index; the subdistricts' seats are their offices
  communities: Place[];
  villages: Place[];
}

export function townshipAt(shape: DistrictShape, p: XY): number {
  for (const t of shape.townships) if (insideRing(p, t.ring)) return t.index;
  return -1;
}

function dartThrow(
  count: number,
  tries: number,
  accept: (p: XY) => boolean,
  sample: () => XY,
  minGap: number,
  taken: XY[],
): XY[] {
  const out: XY[] = [];
  for (let k = 0; k < tries && out.length < count; k++) {
    const p = sample();
    if (!accept(p)) continue;
    if ([...taken, ...out].some((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) < minGap)) continue;
    out.push(p);
  }
  return out;
}

export function placePeople(rng: Random, shape: DistrictShape): Places {
  const { townCenter, urbanRadius, river } = shape;
  const seats: XY[] = shape.townships.map((t) => {
    if (t.urban) {
      // A subdistrict office sits between the town centre and the seed.
      return [townCenter[0] + (t.seed[0] - townCenter[0]) * 0.6, townCenter[1] + (t.seed[1] - townCenter[1]) * 0.6];
    }
    let p: XY = [t.seed[0], t.seed[1]];
    // Keep town seats off the river so their street grid is not cut in two.
    const gap = p[1] - riverY(river, p[0]);
    if (Math.abs(gap) < 1000) {
      const moved: XY = [p[0], riverY(river, p[0]) + Math.sign(gap || 1) * 1000];
      if (townshipAt(shape, moved) === t.index) p = moved;
    }
    return p;
  });

  const usedCommunityNames = new Set<string>();
  const communityName = () => {
    for (;;) {
      const name = `${rng.pick(COMMUNITY_NAMES)}社区`;
      if (!usedCommunityNames.has(name) || usedCommunityNames.size >= COMMUNITY_NAMES.length) {
        usedCommunityNames.add(name);
        return name;
      }
    }
  };

  // Urban communities: inside the built-up radius, off the river.
  const urbanPoints = dartThrow(
    30,
    4000,
    (p) =>
      Math.hypot(p[0] - townCenter[0], p[1] - townCenter[1]) < urbanRadius - 250 && distanceToPolyline(p, river) > 120,
    () => [townCenter[0] + rng.range(-urbanRadius, urbanRadius), townCenter[1] + rng.range(-urbanRadius, urbanRadius)],
    780,
    [],
  );
  const communities: Place[] = [];
  for (const p of urbanPoints) {
    const township = townshipAt(shape, p);
    if (township < 0 || !shape.townships[township].urban) continue;
    communities.push({ name: communityName(), kind: 'community', township, p, population: rng.int(3000, 12000) });
  }
  shape.townships.forEach((t, i) => {
    if (t.urban) return;
    communities.push({
      name: communityName(),
      kind: 'community',
      township: i,
      p: [seats[i][0] + 60, seats[i][1] - 70],
      population: rng.int(3000, 5500),
      seat: true,
    });
  });

  // Villages: spread over the countryside, away from the town, seats, river, motorway band and border.
  const usedVillageNames = new Set<string>();
  const villageName = () => {
    for (;;) {
      const name = `${rng.pick(VILLAGE_PREFIXES)}${rng.pick(SURNAMES)}${rng.pick(VILLAGE_SUFFIXES)}村`.replace(
        '村村',
        '村',
      );
      if (!usedVillageNames.has(name)) {
        usedVillageNames.add(name);
        return name;
      }
    }
  };
  const motorwayY = townCenter[1] + 5200;
  const villagePoints = dartThrow(
    125,
    20000,
    (p) =>
      Math.hypot(p[0] - townCenter[0], p[1] - townCenter[1]) > urbanRadius + 1300 &&
      seats.every((s) => Math.hypot(s[0] - p[0], s[1] - p[1]) > 1300) &&
      Math.abs(p[1] - riverY(river, p[0])) > 450 &&
      Math.abs(p[1] - motorwayY) > 500 &&
      insideRing(p, shape.outline) &&
      distanceToPolyline(p, [...shape.outline, shape.outline[0]]) > 900,
    () => [rng.range(-20000, 20000), rng.range(-15000, 15000)],
    1750,
    [],
  );
  const villages: Place[] = [];
  for (const p of villagePoints) {
    const township = townshipAt(shape, p);
    if (township < 0) continue;
    const big = rng.chance(0.2);
    villages.push({
      name: villageName(),
      kind: 'village',
      township,
      p,
      population: big ? rng.int(1500, 2500) : rng.int(300, 1500),
    });
  }
  return { seats, communities, villages };
}
