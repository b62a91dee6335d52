/**
 * A scale bar for a web-mercator map image: metres per CSS pixel at a latitude and zoom (maplibre's
 * 512-pixel tiles), and the longest round length (1, 2 or 5 × 10^n metres) that fits a width.
 */
const EARTH_CIRCUMFERENCE_M = 40_075_016.686;

export function metresPerPixel(latitude: number, zoom: number): number {
  return (EARTH_CIRCUMFERENCE_M * Math.cos((latitude * Math.PI) / 180)) / (512 * 2 ** zoom);
}

export interface ScaleBar {
  metres: number;
  /** The bar's length in CSS pixels. */
  pixels: number;
  /** "500 m", "2 km". */
  label: string;
}

export function scaleBar(metresPerPx: number, maxPixels: number): ScaleBar {
  if (!(metresPerPx > 0) || !(maxPixels > 0)) throw new Error(`scaleBar: bad input (${metresPerPx}, ${maxPixels})`);
  const maxMetres = metresPerPx * maxPixels;
  const power = 10 ** Math.floor(Math.log10(maxMetres));
  const step = [5, 2, 1].find((s) => s * power <= maxMetres) ?? 1;
  const metres = step * power;
  const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
  return { metres, pixels: metres / metresPerPx, label };
}
