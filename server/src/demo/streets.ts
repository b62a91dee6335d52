/**
 * The demo district's streets, as OSM nodes and ways: the county town's grid (main roads every ~500 m,
 * 110-150 m blocks, footpaths through blocks, an embankment road on each bank and four bridges), a small
 * grid at each town seat, village lanes, county and township roads linking them, and a motorway with
 * one interchange that pedestrians may not use.
 */
import { NetworkBuilder, type XY } from './network-builder.js';
import { DISTRICT_NAME, RIVER_NAME, URBAN_LOCAL_ROADS, URBAN_MAIN_ROADS_EW, URBAN_MAIN_ROADS_NS } from './names.js';
import { offsetPolyline, riverY, type DistrictShape } from './district.js';
import type { Places } from './places.js';
import type { Random } from './random.js';
import type { OsmTags } from '../geo/osm.js';

export interface StreetPlan {
  builder: NetworkBuilder;
  /** Node id at the centre of each village's main lane (where its station stands). */
  villageCenterNodes: number[];
  /** Node id at the centre of each township's seat. */
  seatNodes: number[];
  /** Urban grid node ids (for placing urban sites on streets). */
  urbanNodes: number[];
  bridgesInTown: number;
  motorwayY: number;
}

const dist = (a: XY, b: XY) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A gently wiggling road between two points, with a vertex every ~`step` metres. */
function wigglyRoad(rng: Random, a: XY, b: XY, step: number, amplitude: number): XY[] {
  const len = dist(a, b);
  const n = Math.max(2, Math.ceil(len / step));
  const nx = -(b[1] - a[1]) / (len || 1);
  const ny = (b[0] - a[0]) / (len || 1);
  const waves = Math.max(1, Math.round(len / 3000));
  const amp = Math.min(amplitude, len / 8) * rng.range(0.4, 1);
  const phase = rng.chance(0.5) ? 0 : Math.PI;
  const out: XY[] = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    const off = amp * Math.sin(Math.PI * waves * t + phase) * Math.sin(Math.PI * t);
    out.push([a[0] + t * (b[0] - a[0]) + nx * off, a[1] + t * (b[1] - a[1]) + ny * off]);
  }
  return out;
}

export function layStreets(rng: Random, shape: DistrictShape, places: Places, townshipNames: string[]): StreetPlan {
  const b = new NetworkBuilder();
  const { townCenter: c, urbanRadius: R, river } = shape;
  const side = (p: XY) => Math.sign(p[1] - riverY(river, p[0])) || 1;

  // ---- County town grid -------------------------------------------------------------------------
  const wob = [rng.range(0, 6.3), rng.range(0, 6.3)];
  const insideTown = (p: XY) => {
    const th = Math.atan2(p[1] - c[1], p[0] - c[0]);
    return dist(p, c) < R * (1 + 0.07 * Math.sin(3 * th + wob[0]) + 0.04 * Math.sin(5 * th + wob[1]));
  };
  const gridLines = (origin: number) => {
    const lines: { v: number; main: boolean }[] = [];
    let v = origin - R - 300;
    let sinceMain = 0;
    while (v < origin + R + 300) {
      const main = sinceMain === 0;
      lines.push({ v, main });
      sinceMain = (sinceMain + 1) % rng.int(4, 5);
      v += rng.range(110, 150);
    }
    return lines;
  };
  const xs = gridLines(c[0]);
  const ys = gridLines(c[1]);
  const grid: number[][] = xs.map((x) => ys.map((y) => (insideTown([x.v, y.v]) ? b.addNode([x.v, y.v]) : -1)));
  const urbanNodes = grid.flat().filter((n) => n >= 0);
  let mainNs = 0;
  let mainEw = 0;
  let local = 0;
  // The four main north-south roads nearest these offsets carry the bridges.
  const bridgeXs = [-1900, -650, 650, 1900].map((off) => {
    let best = 0;
    xs.forEach((x, i) => {
      if (x.main && Math.abs(x.v - c[0] - off) < Math.abs(xs[best].v - c[0] - off)) best = i;
    });
    return best;
  });
  const bridgeLines = new Set(bridgeXs);
  const layLine = (nodes: number[], main: boolean, name: string, mayBridge: boolean) => {
    let run: number[] = [];
    const flush = () => {
      if (run.length >= 2) {
        const tags: OsmTags = {
          highway: main ? (mayBridge ? 'primary' : 'secondary') : rng.chance(0.15) ? 'tertiary' : 'residential',
          name,
        };
        b.addWay(run, tags, { mayBridge });
      }
      run = [];
    };
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k];
      if (n < 0) {
        flush();
        continue;
      }
      // Local streets are sometimes interrupted by a walled compound (小区): a superblock.
      if (!main && run.length >= 1 && rng.chance(0.09)) flush();
      run.push(n);
    }
    flush();
  };
  xs.forEach((x, i) => {
    const name = x.main
      ? `${URBAN_MAIN_ROADS_NS[mainNs++ % URBAN_MAIN_ROADS_NS.length]}`
      : `${URBAN_LOCAL_ROADS[local++ % URBAN_LOCAL_ROADS.length]}路`;
    layLine(grid[i], x.main, name, bridgeLines.has(i));
  });
  ys.forEach((y, j) => {
    const name = y.main
      ? `${URBAN_MAIN_ROADS_EW[mainEw++ % URBAN_MAIN_ROADS_EW.length]}`
      : `${URBAN_LOCAL_ROADS[local++ % URBAN_LOCAL_ROADS.length]}街`;
    layLine(
      grid.map((col) => col[j]),
      y.main,
      name,
      false,
    );
  });
  // Footpaths through a quarter of the blocks; they overshoot the streets by 4 m so noding joins them.
  for (let i = 0; i + 1 < xs.length; i++)
    for (let j = 0; j + 1 < ys.length; j++) {
      if (grid[i][j] < 0 || grid[i + 1][j] < 0 || grid[i][j + 1] < 0 || grid[i + 1][j + 1] < 0) continue;
      if (!rng.chance(0.25)) continue;
      if (rng.chance(0.5)) {
        const x = (xs[i].v + xs[i + 1].v) / 2 + rng.range(-15, 15);
        b.addPolyline(
          [
            [x, ys[j].v - 4],
            [x, ys[j + 1].v + 4],
          ],
          { highway: 'footway' },
        );
      } else {
        const y = (ys[j].v + ys[j + 1].v) / 2 + rng.range(-15, 15);
        b.addPolyline(
          [
            [xs[i].v - 4, y],
            [xs[i + 1].v + 4, y],
          ],
          { highway: 'footway' },
        );
      }
    }
  // Embankment roads along both banks inside the town.
  for (const [d, name] of [
    [70, '滨河北路'],
    [-70, '滨河南路'],
  ] as const) {
    const bank = offsetPolyline(river, d).filter((p) => insideTown(p));
    if (bank.length >= 2) b.addPolyline(bank, { highway: 'tertiary', name });
  }

  // ---- Town seats ---------------------------------------------------------------------------------
  const seatNodes: number[] = [];
  const seatGrids: number[][] = [];
  shape.townships.forEach((t, ti) => {
    const s = places.seats[ti];
    if (t.urban) {
      // A subdistrict's seat is the urban node nearest its office.
      let best = urbanNodes[0];
      for (const n of urbanNodes) if (dist(b.xy[n], s) < dist(b.xy[best], s)) best = n;
      seatNodes.push(best);
      seatGrids.push([]);
      return;
    }
    const a = rng.range(-0.35, 0.35);
    const ca = Math.cos(a);
    const sa = Math.sin(a);
    const size = rng.int(5, 6);
    const spacing = rng.range(140, 170);
    const ids: number[][] = [];
    for (let i = 0; i < size; i++) {
      ids.push([]);
      for (let j = 0; j < size; j++) {
        const u = (i - (size - 1) / 2) * spacing;
        const v = (j - (size - 1) / 2) * spacing;
        ids[i].push(b.addNode([s[0] + u * ca - v * sa, s[1] + u * sa + v * ca]));
      }
    }
    const townName = townshipNames[ti].replace(/镇$/, '');
    const mid = Math.floor(size / 2);
    for (let i = 0; i < size; i++) {
      b.addWay(ids[i], i === mid ? { highway: 'tertiary', name: `${townName}大街` } : { highway: 'residential' }, {
        mayBridge: true,
      });
      b.addWay(
        ids.map((col) => col[i]),
        i === mid ? { highway: 'tertiary', name: `${townName}中路` } : { highway: 'residential' },
        { mayBridge: true },
      );
    }
    seatNodes.push(ids[mid][mid]);
    seatGrids.push(ids.flat());
  });

  // ---- County roads (县道) from the town to each seat, township roads (乡道) between seats -----------
  const mainUrbanNodes = urbanNodes.filter((n) => {
    const [x, y] = b.xy[n];
    return xs.some((l) => l.main && l.v === x) || ys.some((l) => l.main && l.v === y);
  });
  const backbone: number[] = [...urbanNodes];
  let countyRef = 1;
  shape.townships.forEach((t, ti) => {
    if (t.urban) return;
    const seat = b.xy[seatNodes[ti]];
    const sameSide = mainUrbanNodes.filter((n) => side(b.xy[n]) === side(seat));
    const pool = sameSide.length ? sameSide : mainUrbanNodes;
    let start = pool[0];
    for (const n of pool) if (dist(b.xy[n], seat) < dist(b.xy[start], seat)) start = n;
    const pts = wigglyRoad(rng, b.xy[start], seat, 180, 500);
    const ref = `X${String(countyRef++).padStart(3, '0')}`;
    const ids = b.addPolyline(
      pts,
      { highway: 'secondary', ref, name: `${DISTRICT_NAME[0]}${townshipNames[ti][0]}公路` },
      { startNode: start, endNode: seatNodes[ti], mayBridge: true },
    );
    backbone.push(...ids, ...seatGrids[ti]);
  });
  const rural = shape.townships.map((_t, i) => i).filter((i) => !shape.townships[i].urban);
  const linked = new Set<string>();
  let townshipRef = 1;
  for (const i of rural) {
    const others = rural
      .filter((j) => j !== i)
      .sort((p, q) => dist(places.seats[i], places.seats[p]) - dist(places.seats[i], places.seats[q]));
    for (const j of others.slice(0, 2)) {
      const key = i < j ? `${i}-${j}` : `${j}-${i}`;
      if (linked.has(key)) continue;
      linked.add(key);
      const from = seatGrids[i].reduce((best, n) =>
        dist(b.xy[n], places.seats[j]) < dist(b.xy[best], places.seats[j]) ? n : best,
      );
      const to = seatGrids[j].reduce((best, n) =>
        dist(b.xy[n], places.seats[i]) < dist(b.xy[best], places.seats[i]) ? n : best,
      );
      const ids = b.addPolyline(
        wigglyRoad(rng, b.xy[from], b.xy[to], 180, 700),
        { highway: 'tertiary', ref: `Y${String(townshipRef++).padStart(3, '0')}` },
        { startNode: from, endNode: to, mayBridge: true },
      );
      backbone.push(...ids);
    }
  }

  // ---- Motorway with one interchange north of the town ----------------------------------------------
  const motorwayY = c[1] + 5200;
  const myAt = (x: number) => motorwayY + 300 * Math.sin(x / 6000);
  const mx: number[] = [];
  for (let x = -21000; x <= 21000; x += 250) mx.push(x);
  const eb = mx.map((x) => b.addNode([x, myAt(x) - 15]));
  const wb = mx.map((x) => b.addNode([x, myAt(x) + 15])).reverse();
  const motorwayTags = { highway: 'motorway', oneway: 'yes', ref: 'G3', name: '京沪高速' };
  b.addWay(eb, motorwayTags, { separated: true, mayBridge: true });
  b.addWay(wb, motorwayTags, { separated: true, mayBridge: true });
  // The access road: the central main north-south street continues north across the motorway.
  const centralLine = xs.reduce(
    (best, x, i) => (x.main && Math.abs(x.v - c[0]) < Math.abs(xs[best].v - c[0]) ? i : best),
    0,
  );
  const northEnd = [...grid[centralLine]].reverse().find((n) => n >= 0)!;
  const x0 = b.xy[northEnd][0];
  const my0 = myAt(x0);
  const access: XY[] = [];
  for (let y = b.xy[northEnd][1] + 200; y < my0 + 1500; y += 200) access.push([x0, y]);
  const p1 = b.addNode([x0, my0 - 220]);
  const p2 = b.addNode([x0, my0 + 220]);
  const accessIds = [
    northEnd,
    ...access.filter((p) => p[1] < my0 - 220).map((p) => b.addNode(p)),
    p1,
    p2,
    ...access.filter((p) => p[1] > my0 + 220).map((p) => b.addNode(p)),
  ];
  b.addWay(accessIds, { highway: 'primary', name: '迎宾大道' }, { mayBridge: true });
  backbone.push(...accessIds);
  const nearestIndex = (x: number) =>
    mx.reduce((best, v, i) => (Math.abs(v - x) < Math.abs(mx[best] - x) ? i : best), 0);
  const ramp = { highway: 'motorway_link', oneway: 'yes' };
  const ebOn = eb[nearestIndex(x0 + 600)];
  const ebOff = eb[nearestIndex(x0 - 600)];
  const wbOn = wb[wb.length - 1 - nearestIndex(x0 - 600)];
  const wbOff = wb[wb.length - 1 - nearestIndex(x0 + 600)];
  b.addPolyline([b.xy[p1], [x0 + 250, my0 - 90], b.xy[ebOn]], ramp, { startNode: p1, endNode: ebOn, separated: true });
  b.addPolyline([b.xy[ebOff], [x0 - 250, my0 - 90], b.xy[p1]], ramp, {
    startNode: ebOff,
    endNode: p1,
    separated: true,
  });
  b.addPolyline([b.xy[p2], [x0 - 250, my0 + 90], b.xy[wbOn]], ramp, { startNode: p2, endNode: wbOn, separated: true });
  b.addPolyline([b.xy[wbOff], [x0 + 250, my0 + 90], b.xy[p2]], ramp, {
    startNode: wbOff,
    endNode: p2,
    separated: true,
  });

  // ---- Villages: lanes, and a road (村道) to the nearest road on their bank of the river ----------------
  const villageCenterNodes: number[] = [];
  for (const v of places.villages) {
    const a = rng.range(0, Math.PI);
    const half = rng.range(220, 380);
    const dx = Math.cos(a);
    const dy = Math.sin(a);
    const lane: XY[] = [];
    const steps = Math.max(4, Math.round((2 * half) / 90));
    for (let k = 0; k <= steps; k++) {
      const t = -half + (2 * half * k) / steps;
      lane.push([v.p[0] + t * dx + rng.range(-8, 8), v.p[1] + t * dy + rng.range(-8, 8)]);
    }
    const laneIds = b.addPolyline(lane, { highway: 'residential' }, { mayBridge: true });
    villageCenterNodes.push(laneIds[Math.floor(laneIds.length / 2)]);
    for (let k = 1; k < laneIds.length - 1; k++) {
      if (!rng.chance(0.45)) continue;
      for (const sgn of rng.chance(0.5) ? [1, -1] : [rng.chance(0.5) ? 1 : -1]) {
        const len = rng.range(110, 240);
        const o = b.xy[laneIds[k]];
        const end: XY = [o[0] - dy * len * sgn + rng.range(-10, 10), o[1] + dx * len * sgn + rng.range(-10, 10)];
        const tags = rng.weighted(
          [{ highway: 'service' }, { highway: 'residential' }, { highway: 'path' }],
          [0.45, 0.3, 0.25],
        );
        b.addPolyline(
          [o, [(o[0] + end[0]) / 2, (o[1] + end[1]) / 2], end],
          { ...tags },
          { startNode: laneIds[k], mayBridge: true },
        );
      }
    }
    const ends = [laneIds[0], laneIds[laneIds.length - 1]];
    const nearest = (from: XY, exclude: (n: number) => boolean) => {
      let best = -1;
      let bestSame = -1;
      for (const n of backbone) {
        if (exclude(n)) continue;
        const d = dist(b.xy[n], from);
        if (best < 0 || d < dist(b.xy[best], from)) best = n;
        if (side(b.xy[n]) === side(from) && (bestSame < 0 || d < dist(b.xy[bestSame], from))) bestSame = n;
      }
      return bestSame >= 0 && dist(b.xy[bestSame], from) < 4000 ? bestSame : best;
    };
    const target = nearest(v.p, () => false);
    const from = dist(b.xy[ends[0]], b.xy[target]) < dist(b.xy[ends[1]], b.xy[target]) ? ends[0] : ends[1];
    b.addPolyline(
      wigglyRoad(rng, b.xy[from], b.xy[target], 150, 150),
      { highway: 'unclassified' },
      { startNode: from, endNode: target, mayBridge: true },
    );
    if (rng.chance(0.35)) {
      const other = from === ends[0] ? ends[1] : ends[0];
      const t2 = nearest(b.xy[other], (n) => dist(b.xy[n], b.xy[target]) < 900 || dist(b.xy[n], v.p) < 600);
      if (t2 >= 0 && dist(b.xy[t2], b.xy[other]) < 3000) {
        b.addPolyline(
          wigglyRoad(rng, b.xy[other], b.xy[t2], 150, 150),
          { highway: 'unclassified' },
          { startNode: other, endNode: t2, mayBridge: true },
        );
      }
    }
    backbone.push(...laneIds);
  }

  // ---- Noding, the river, cleanup -----------------------------------------------------------------
  b.nodeCrossings();
  const bridgeName = (tags: OsmTags) =>
    tags.name ? `${tags.name}${RIVER_NAME}桥` : tags.ref ? `${tags.ref}${RIVER_NAME}桥` : undefined;
  b.applyRiver(river, bridgeName);
  b.trimStubs(8);
  b.addFeatureWay(river, { waterway: 'river', name: RIVER_NAME });
  const width = (p: XY) => (dist(p, c) < R + 1500 ? 45 : 28);
  const left = offsetPolyline(river, 1).map((p, i) => {
    const q = river[i];
    const w = width(q);
    return [q[0] + (p[0] - q[0]) * w, q[1] + (p[1] - q[1]) * w] as XY;
  });
  const right = offsetPolyline(river, -1).map((p, i) => {
    const q = river[i];
    const w = width(q);
    return [q[0] + (p[0] - q[0]) * w, q[1] + (p[1] - q[1]) * w] as XY;
  });
  b.addFeatureWay([...left, ...right.reverse()], { natural: 'water', water: 'river', name: RIVER_NAME }, true);
  return { builder: b, villageCenterNodes, seatNodes, urbanNodes, bridgesInTown: bridgeLines.size, motorwayY };
}
