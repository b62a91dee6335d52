import { leadersBench } from '../tests/bench/live.ts';
async function time(fn: () => unknown, runs: number) { const s: number[] = []; for (let i = 0; i < runs; i++) { const t0 = performance.now(); await fn(); s.push(performance.now() - t0); } s.sort((a,b)=>a-b); return { medianMs: +s[Math.floor(s.length/2)].toFixed(1) }; }
console.log(JSON.stringify(await leadersBench(time)));
