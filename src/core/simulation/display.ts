import type { Rgb, SteppedRamp } from '../color-ramp.ts';
import { rampColor } from '../color-ramp.ts';

/**
 * How results look: colour ramps, cell colours and histograms, as pure functions (the scene
 * draws, the legend and the histogram read the same ramp).
 */

/** Viridis, 10 stops: perceptually ordered and readable with colour-vision deficiencies. */
const VIRIDIS: Rgb[] = [
  [68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37],
];

/** Classes of sun hours: 1 or 2 h wide up to the day length. */
export function hoursRamp(maxHours: number): SteppedRamp {
  const top = Math.max(1, Math.ceil(maxHours));
  const width = top <= 10 ? 1 : 2;
  const n = Math.ceil(top / width);
  const classes = Array.from({ length: n }, (_, k) => ({
    min: k === 0 ? -Infinity : k * width,
    max: k === n - 1 ? Infinity : (k + 1) * width,
    color: VIRIDIS[Math.round((k * (VIRIDIS.length - 1)) / Math.max(1, n - 1))]!,
  }));
  return { unit: 'h', classes, noData: [128, 128, 128] };
}

/** Classes of hours lost (red) or gained (blue) between two runs. */
export function lossRamp(maxLoss: number): SteppedRamp {
  const step = maxLoss > 6 ? 2 : maxLoss > 3 ? 1 : 0.5;
  const reds: Rgb[] = [[254, 224, 210], [252, 187, 161], [252, 146, 114], [251, 106, 74], [222, 45, 38], [165, 15, 21]];
  const classes: SteppedRamp['classes'][number][] = [
    { min: -Infinity, max: -0.05, color: [66, 146, 198] },
    { min: -0.05, max: 0.05, color: [240, 240, 240] },
  ];
  for (let k = 0; k < reds.length; k++) {
    const lo = k === 0 ? 0.05 : k * step;
    const hi = k === reds.length - 1 ? Infinity : (k + 1) * step;
    classes.push({ min: lo, max: hi, color: reds[k]! });
  }
  return { unit: 'h', classes, noData: [128, 128, 128] };
}

/** RGBA of every cell (alpha 0 where `keep` is false or the value is not a number). */
export function cellColors(values: Float32Array, ramp: SteppedRamp, keep: (i: number) => boolean, alpha = 255): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!keep(i) || Number.isNaN(v)) continue;
    const [r, g, b] = rampColor(ramp, v);
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = alpha;
  }
  return out;
}

export interface Histogram {
  /** Lower edges of the bins, and their width. */
  edges: number[];
  width: number;
  /** Share of cells per bin (0–1), per series. */
  series: { label: string; share: number[] }[];
}

/** Histogram of values in bins of `width`, one series per selector. */
export function histogram(values: Float32Array, width: number, maxValue: number, selectors: { label: string; keep: (i: number) => boolean }[]): Histogram {
  const n = Math.max(1, Math.ceil(maxValue / width + 1e-9));
  const edges = Array.from({ length: n }, (_, k) => k * width);
  const series = selectors.map((s) => {
    const counts = new Array<number>(n).fill(0);
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!s.keep(i) || Number.isNaN(v)) continue;
      counts[Math.min(n - 1, Math.max(0, Math.floor(v / width)))]!++;
      total++;
    }
    return { label: s.label, share: counts.map((c) => (total > 0 ? c / total : 0)) };
  });
  return { edges, width, series };
}

/** Classes of received signal (RSSI, dBm), 10 dB wide from the floor up; the threshold is a class edge when it is a multiple of 10. */
export function rssiRamp(floorDbm = -95): SteppedRamp {
  const edges = [-90, -80, -70, -60, -50].filter((e) => e > floorDbm);
  const colors: Rgb[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [186, 222, 40], [253, 231, 37]];
  const classes = [-Infinity, ...edges].map((min, k, all) => ({ min, max: k + 1 < all.length ? all[k + 1]! : Infinity, color: colors[colors.length - all.length + k]! }));
  return { unit: 'dBm', classes, noData: [128, 128, 128] };
}
