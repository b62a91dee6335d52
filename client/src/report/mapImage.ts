/**
 * The map as an image for slides and the printed report: the WebGL canvas read right after a synchronous
 * redraw (a printed or copied WebGL canvas is blank otherwise, and preserveDrawingBuffer would cost every
 * frame), the map's HTML pins drawn where they stand, then a title bar, the legend, a scale bar, a north
 * arrow, the date and the sources composed around it on a 2D canvas.
 */
import type { Map as MaplibreMap } from 'maplibre-gl';
import { drawStationIcon } from '../map/stationIcons';
import { isoDate, type ReportInput, type ReportLegendEntry } from './input';
import { metresPerPixel, scaleBar } from './scaleBar';

/** vue-i18n's t, as far as the report uses it. */
export type Translate = (key: string, named?: Record<string, unknown>) => string;

const FAMILY = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";
const INK = '#2b2521';
const MUTED = '#6d635a';
const RED = '#b7282e';
/** CSS pixels of the title bar and the footer around the map. */
const TITLE_H = 62;
const FOOTER_H = 30;

export function reportTitle(input: ReportInput, t: Translate): string {
  return t('report.title', {
    district: input.district ?? t('report.defaultDistrict'),
    minutes: input.minutes,
    mode: t(`modes.${input.mode}`),
  });
}

export function reportSubtitle(input: ReportInput, t: Translate): string {
  const which = input.scenarioName ? t('report.scenario', { name: input.scenarioName }) : t('report.current');
  const levels = input.levels.map((l) => t(`levels.${l}`)).join('、');
  return `${which} · ${t('report.levelsCounted', { levels })}`;
}

export function sourceLine(input: ReportInput, t: Translate): string {
  return `${t('report.osm')}；${input.dataSource}`;
}

function nextIdle(map: MaplibreMap, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      map.off('idle', done);
      resolve();
    }
    map.on('idle', done);
    map.triggerRepaint();
  });
}

/**
 * Draws the map now and copies its canvas (device pixels). Synchronous, so it also works inside a
 * `beforeprint` handler: the drawing buffer is read in the same task as the redraw that filled it.
 */
export function snapshotCanvas(map: MaplibreMap): HTMLCanvasElement {
  map.redraw();
  const source = map.getCanvas();
  const copy = document.createElement('canvas');
  copy.width = source.width;
  copy.height = source.height;
  copy.getContext('2d')!.drawImage(source, 0, 0);
  return copy;
}

/** The map drawn at `ratio` device pixels per CSS pixel, once its tiles and labels have settled; restores the ratio. */
export async function captureMap(map: MaplibreMap, ratio: number): Promise<HTMLCanvasElement> {
  const original = map.getPixelRatio();
  const change = Math.abs(original - ratio) > 1e-6;
  try {
    if (change) map.setPixelRatio(ratio);
    await nextIdle(map, 15_000);
    return snapshotCanvas(map);
  } finally {
    if (change) map.setPixelRatio(original);
  }
}

interface PinImage {
  image: CanvasImageSource;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A number or letter written over the pin (the sidebar's numbering of hypothetical sites). */
  text?: { value: string; x: number; y: number; color: string; font: string };
}

function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => resolve(null);
    image.src = src;
  });
}

/** The map's HTML markers (dragged and hypothetical sites' pins) as images at their place over the map. */
async function markerImages(container: HTMLElement): Promise<PinImage[]> {
  const box = container.getBoundingClientRect();
  const pins: PinImage[] = [];
  for (const el of container.querySelectorAll<HTMLElement>('.maplibregl-marker')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right < box.left || r.left > box.right || r.bottom < box.top || r.top > box.bottom) continue;
    const url = /url\("?(.*?)"?\)$/.exec(getComputedStyle(el).backgroundImage)?.[1];
    const svg = el.querySelector('svg');
    const src = url
      ? url
      : svg
        ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`
        : null;
    const image = src ? await loadImage(src) : null;
    if (!image) continue;
    // background-size: contain, centred, as the pins are drawn on screen.
    const aspect = image.naturalWidth && image.naturalHeight ? image.naturalWidth / image.naturalHeight : 1;
    const width = Math.min(r.width, r.height * aspect);
    const height = width / aspect;
    const span = el.querySelector<HTMLElement>('span');
    const value = span?.textContent?.trim();
    const sr = span?.getBoundingClientRect();
    const style = span ? getComputedStyle(span) : null;
    pins.push({
      image,
      x: r.left - box.left + (r.width - width) / 2,
      y: r.top - box.top + (r.height - height) / 2,
      width,
      height,
      text:
        value && sr && style && style.display !== 'none'
          ? {
              value,
              x: sr.left - box.left + sr.width / 2,
              y: sr.top - box.top + sr.height / 2,
              color: style.color,
              font: `${style.fontWeight} ${style.fontSize} ${FAMILY}`,
            }
          : undefined,
    });
  }
  return pins;
}

/** The legend's pin images, loaded before a map image is composed (the print path cannot wait for them). */
const legendImages = new Map<string, HTMLImageElement>();
async function loadLegendImages(entries: ReportLegendEntry[]): Promise<void> {
  for (const e of entries)
    if (e.image && !legendImages.has(e.image)) {
      const image = await loadImage(e.image);
      if (image) legendImages.set(e.image, image);
    }
}

function font(size: number, weight = 400): string {
  return `${weight} ${size}px ${FAMILY}`;
}

/** Shrinks a font until the text fits, down to 9 px. */
function fitFont(ctx: CanvasRenderingContext2D, text: string, size: number, weight: number, maxWidth: number) {
  let s = size;
  ctx.font = font(s, weight);
  while (s > 9 && ctx.measureText(text).width > maxWidth) ctx.font = font(--s, weight);
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}

function drawSwatch(ctx: CanvasRenderingContext2D, entry: ReportLegendEntry, x: number, y: number, ratio: number) {
  const shape = entry.shape ?? 'fill';
  ctx.save();
  if (shape === 'icon' && entry.level) {
    ctx.drawImage(drawStationIcon(entry.level, ratio, 16), x + 2, y - 8, 16, 16);
  } else if (shape === 'image') {
    const image = entry.image ? legendImages.get(entry.image) : undefined;
    if (image) {
      const aspect = image.naturalWidth / image.naturalHeight || 1;
      const h = 17;
      const w = h * aspect;
      ctx.drawImage(image, x + 10 - w / 2, y - h / 2, w, h);
    }
  } else if (shape === 'dot') {
    ctx.beginPath();
    ctx.arc(x + 10, y, 5.5, 0, Math.PI * 2);
    ctx.fillStyle = entry.color;
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = entry.stroke ?? '#fff';
    ctx.stroke();
  } else if (shape === 'line') {
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 20, y);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = entry.color;
    if (entry.dashed) ctx.setLineDash([4, 3]);
    ctx.stroke();
  } else {
    ctx.fillStyle = entry.color;
    ctx.fillRect(x, y - 6, 20, 12);
    if (entry.hatch) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y - 6, 20, 12);
      ctx.clip();
      ctx.strokeStyle = entry.hatch;
      ctx.lineWidth = 1.6;
      for (let k = -12; k < 24; k += 4.5) {
        ctx.beginPath();
        ctx.moveTo(x + k, y + 6);
        ctx.lineTo(x + k + 12, y - 6);
        ctx.stroke();
      }
      ctx.restore();
    }
    if (entry.frame) {
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = entry.frame;
      ctx.strokeRect(x + 1.25, y - 4.75, 17.5, 9.5);
    }
    if (entry.stroke) {
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = entry.stroke;
      if (entry.dashed) ctx.setLineDash([3, 2]);
      ctx.strokeRect(x + 0.5, y - 5.5, 19, 11);
    }
  }
  ctx.restore();
}

function drawLegend(
  ctx: CanvasRenderingContext2D,
  entries: ReportLegendEntry[],
  title: string,
  left: number,
  bottom: number,
  maxHeight: number,
  ratio: number,
) {
  if (entries.length === 0) return;
  const line = 19;
  const pad = 9;
  ctx.font = font(12);
  const textWidth = Math.max(...entries.map((e) => ctx.measureText(e.label).width));
  ctx.font = font(13, 700);
  const width = Math.max(textWidth + 28, ctx.measureText(title).width) + pad * 2;
  const fits = Math.max(1, Math.floor((maxHeight - pad * 2 - 20) / line));
  const shown = entries.slice(0, fits);
  const height = pad * 2 + 20 + shown.length * line;
  const top = bottom - height;
  ctx.save();
  ctx.shadowColor = 'rgba(0,0,0,0.18)';
  ctx.shadowBlur = 6;
  roundRect(ctx, left, top, width, height, 6);
  ctx.fillStyle = 'rgba(255,255,255,0.94)';
  ctx.fill();
  ctx.restore();
  ctx.fillStyle = INK;
  ctx.textBaseline = 'middle';
  ctx.font = font(13, 700);
  ctx.fillText(title, left + pad, top + pad + 9);
  shown.forEach((entry, i) => {
    const y = top + pad + 20 + i * line + line / 2;
    drawSwatch(ctx, entry, left + pad, y, ratio);
    ctx.fillStyle = INK;
    ctx.font = font(12);
    ctx.fillText(entry.label, left + pad + 28, y);
  });
}

function drawScaleBar(ctx: CanvasRenderingContext2D, map: MaplibreMap, right: number, bottom: number) {
  const bar = scaleBar(metresPerPixel(map.getCenter().lat, map.getZoom()), 140);
  const x = right - bar.pixels;
  ctx.save();
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(x - 8, bottom - 30, bar.pixels + 16, 30);
  ctx.strokeStyle = INK;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, bottom - 14);
  ctx.lineTo(x, bottom - 8);
  ctx.lineTo(x + bar.pixels, bottom - 8);
  ctx.lineTo(x + bar.pixels, bottom - 14);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x + bar.pixels / 2, bottom - 11);
  ctx.lineTo(x + bar.pixels / 2, bottom - 8);
  ctx.stroke();
  ctx.fillStyle = INK;
  ctx.font = font(11.5);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(bar.label, x + bar.pixels / 2, bottom - 17);
  ctx.restore();
}

function drawNorthArrow(ctx: CanvasRenderingContext2D, cx: number, cy: number, bearing: number, label: string) {
  ctx.save();
  ctx.translate(cx, cy);
  ctx.fillStyle = 'rgba(255,255,255,0.9)';
  ctx.beginPath();
  ctx.arc(0, 0, 21, 0, Math.PI * 2);
  ctx.fill();
  ctx.rotate((-bearing * Math.PI) / 180);
  ctx.beginPath();
  ctx.moveTo(0, -16);
  ctx.lineTo(7, 6);
  ctx.lineTo(0, 2);
  ctx.closePath();
  ctx.fillStyle = RED;
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(0, -16);
  ctx.lineTo(-7, 6);
  ctx.lineTo(0, 2);
  ctx.closePath();
  ctx.fillStyle = '#fff';
  ctx.fill();
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = RED;
  ctx.stroke();
  ctx.fillStyle = INK;
  ctx.font = font(11, 700);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, 0, 13);
  ctx.restore();
}

/**
 * Composes the map image: `ratio` device pixels per CSS pixel of the map's container, so a 2× image
 * is exactly twice the 1× one in each direction. `shot` is a snapshot already taken (the synchronous
 * print path); otherwise the map is drawn again at `ratio` and awaited.
 */
export async function composeMapImage(
  map: MaplibreMap,
  input: ReportInput,
  t: Translate,
  ratio: number,
  shot?: HTMLCanvasElement,
): Promise<HTMLCanvasElement> {
  const pins = await markerImages(map.getContainer());
  await loadLegendImages(input.legend);
  const canvas = composeSync(map, input, t, ratio, shot ?? (await captureMap(map, ratio)), pins);
  return canvas;
}

/** The same, all at once, for a `beforeprint` handler (no pins that are not loaded yet). */
export function composeSync(
  map: MaplibreMap,
  input: ReportInput,
  t: Translate,
  ratio: number,
  shot: HTMLCanvasElement,
  pins: PinImage[] = [],
): HTMLCanvasElement {
  const container = map.getContainer();
  const width = Math.max(1, Math.round(container.clientWidth));
  const mapHeight = Math.max(1, Math.round(container.clientHeight));
  const height = TITLE_H + mapHeight + FOOTER_H;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);

  // Title bar.
  ctx.fillStyle = RED;
  ctx.fillRect(0, 0, 6, TITLE_H);
  ctx.fillStyle = INK;
  ctx.textBaseline = 'alphabetic';
  const title = reportTitle(input, t);
  fitFont(ctx, title, 21, 700, width - 32);
  ctx.fillText(title, 18, 29);
  ctx.fillStyle = MUTED;
  const subtitle = reportSubtitle(input, t);
  fitFont(ctx, subtitle, 13, 400, width - 32);
  ctx.fillText(subtitle, 18, 51);

  // The map and its pins.
  ctx.drawImage(shot, 0, TITLE_H, width, mapHeight);
  for (const p of pins) {
    ctx.drawImage(p.image, p.x, TITLE_H + p.y, p.width, p.height);
    if (!p.text) continue;
    ctx.save();
    ctx.font = p.text.font;
    ctx.fillStyle = p.text.color;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(p.text.value, p.text.x, TITLE_H + p.text.y);
    ctx.restore();
  }
  ctx.strokeStyle = '#d9d2c7';
  ctx.lineWidth = 1;
  ctx.strokeRect(0.5, TITLE_H + 0.5, width - 1, mapHeight - 1);

  drawNorthArrow(ctx, width - 34, TITLE_H + 34, map.getBearing(), t('report.north'));
  drawLegend(ctx, input.legend, t('report.legend'), 12, TITLE_H + mapHeight - 12, mapHeight - 24, ratio);
  drawScaleBar(ctx, map, width - 20, TITLE_H + mapHeight - 10);

  // Footer: date, sources, the product.
  ctx.textBaseline = 'middle';
  const footY = TITLE_H + mapHeight + FOOTER_H / 2;
  const left = `${t('report.date', { date: isoDate(input.date) })}    ${sourceLine(input, t)}`;
  ctx.fillStyle = MUTED;
  fitFont(ctx, left, 12, 400, width - 170);
  ctx.textAlign = 'left';
  ctx.fillText(left, 12, footY);
  ctx.font = font(12, 700);
  ctx.fillStyle = RED;
  ctx.textAlign = 'right';
  ctx.fillText(t('report.appName'), width - 12, footY);
  return canvas;
}

/** Waits until the fonts the image uses are ready, so the first export does not draw in a fallback. */
export async function fontsReady(sample: string): Promise<void> {
  try {
    await Promise.all([document.fonts.load(font(13), sample), document.fonts.load(font(13, 700), sample)]);
  } catch {
    // A browser without the Font Loading API draws with what it has.
  }
}
