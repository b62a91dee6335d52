/**
 * Station symbols, drawn on a canvas at start (no sprite sheet to fetch): a star for the centre, a
 * square for institutes, a circle for stations, a diamond for points. Shape and colour both differ,
 * so the levels stay apart for colour-blind readers too.
 */
import type { StationLevel } from '../api';

export const LEVEL_COLORS: Record<StationLevel, string> = {
  center: '#b7282e',
  institute: '#d4532b',
  station: '#e58a1f',
  point: '#2c7a6b',
};

export const LEVEL_SIZES: Record<StationLevel, number> = { center: 34, institute: 26, station: 20, point: 16 };

function star(ctx: CanvasRenderingContext2D, cx: number, cy: number, outer: number, inner: number) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    ctx.lineTo(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
  ctx.closePath();
}

/** Draws a level's symbol into a square canvas of `size` CSS pixels at `ratio` device pixels each. */
export function drawStationIcon(level: StationLevel, ratio = 2, size = LEVEL_SIZES[level]): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = Math.round(size * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  const c = size / 2;
  const r = size / 2 - 1.5;
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#ffffff';
  ctx.fillStyle = LEVEL_COLORS[level];
  ctx.shadowColor = 'rgba(0,0,0,0.25)';
  ctx.shadowBlur = 2;
  if (level === 'center') {
    ctx.beginPath();
    ctx.arc(c, c, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.stroke();
    ctx.fillStyle = '#ffd45e';
    star(ctx, c, c + 1, r * 0.72, r * 0.3);
    ctx.fill();
  } else if (level === 'institute') {
    const s = r * 1.7;
    ctx.beginPath();
    ctx.roundRect(c - s / 2, c - s / 2, s, s, 4);
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    star(ctx, c, c + 0.5, r * 0.55, r * 0.23);
    ctx.fill();
  } else if (level === 'station') {
    ctx.beginPath();
    ctx.arc(c, c, r, 0, 2 * Math.PI);
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    ctx.beginPath();
    ctx.arc(c, c, r * 0.32, 0, 2 * Math.PI);
    ctx.fill();
  } else {
    ctx.beginPath();
    ctx.moveTo(c, c - r);
    ctx.lineTo(c + r, c);
    ctx.lineTo(c, c + r);
    ctx.lineTo(c - r, c);
    ctx.closePath();
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.stroke();
  }
  return canvas;
}
