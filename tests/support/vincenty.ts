/**
 * Vincenty's formulae on WGS-84 (T. Vincenty, Survey Review 23(176), 1975): the inverse (distance and
 * azimuths between two points) and the direct problem (the point at a distance along an azimuth). An
 * independent reference for the engine's distances and, by densifying geodesic edges, for its areas.
 * Accurate to well under a millimetre for the distances used here.
 */
const a = 6378137;
const f = 1 / 298.257223563;
const b = a * (1 - f);
const RAD = Math.PI / 180;

function series(cos2Alpha: number) {
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  return { A, B };
}

function deltaSigma(B: number, sinSigma: number, cosSigma: number, cos2SigmaM: number): number {
  return (
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM ** 2) -
          (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)))
  );
}

/** Geodesic distance in metres and the forward azimuth at the start (degrees clockwise from north). */
export function vincentyInverse(
  lon1: number,
  lat1: number,
  lon2: number,
  lat2: number,
): { distance: number; azimuth: number } {
  const L = (lon2 - lon1) * RAD;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * RAD));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * RAD));
  const sinU1 = Math.sin(U1),
    cosU1 = Math.cos(U1),
    sinU2 = Math.sin(U2),
    cosU2 = Math.cos(U2);
  let lambda = L;
  let sinSigma = 0,
    cosSigma = 0,
    sigma = 0,
    cos2Alpha = 0,
    cos2SigmaM = 0;
  for (let i = 0; i < 200; i++) {
    const sinL = Math.sin(lambda);
    const cosL = Math.cos(lambda);
    sinSigma = Math.sqrt((cosU2 * sinL) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosL) ** 2);
    if (sinSigma === 0) return { distance: 0, azimuth: 0 };
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    cos2Alpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda =
      L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
    if (Math.abs(lambda - prev) < 1e-13) break;
  }
  const { A, B } = series(cos2Alpha);
  const distance = b * A * (sigma - deltaSigma(B, sinSigma, cosSigma, cos2SigmaM));
  const azimuth = Math.atan2(cosU2 * Math.sin(lambda), cosU1 * sinU2 - sinU1 * cosU2 * Math.cos(lambda)) / RAD;
  return { distance, azimuth };
}

/** The point `distance` metres from (lon1, lat1) along the geodesic leaving at `azimuth` degrees. */
export function vincentyDirect(lon1: number, lat1: number, azimuth: number, distance: number): [number, number] {
  const alpha1 = azimuth * RAD;
  const sinAlpha1 = Math.sin(alpha1),
    cosAlpha1 = Math.cos(alpha1);
  const tanU1 = (1 - f) * Math.tan(lat1 * RAD);
  const cosU1 = 1 / Math.sqrt(1 + tanU1 * tanU1),
    sinU1 = tanU1 * cosU1;
  const sigma1 = Math.atan2(tanU1, cosAlpha1);
  const sinAlpha = cosU1 * sinAlpha1;
  const cos2Alpha = 1 - sinAlpha * sinAlpha;
  const { A, B } = series(cos2Alpha);
  let sigma = distance / (b * A);
  for (let i = 0; i < 200; i++) {
    const prev = sigma;
    sigma = distance / (b * A) + deltaSigma(B, Math.sin(sigma), Math.cos(sigma), Math.cos(2 * sigma1 + sigma));
    if (Math.abs(sigma - prev) < 1e-14) break;
  }
  const sinSigma = Math.sin(sigma);
  const cosSigma = Math.cos(sigma);
  const cos2SigmaM = Math.cos(2 * sigma1 + sigma);
  const x = sinU1 * sinSigma - cosU1 * cosSigma * cosAlpha1;
  const lat2 = Math.atan2(sinU1 * cosSigma + cosU1 * sinSigma * cosAlpha1, (1 - f) * Math.sqrt(sinAlpha ** 2 + x * x));
  const lambda = Math.atan2(sinSigma * sinAlpha1, cosU1 * cosSigma - sinU1 * sinSigma * cosAlpha1);
  const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
  const L =
    lambda - (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
  return [lon1 + L / RAD, lat2 / RAD];
}
