/**
 * Stepped colour ramps for continuous attributes, shared by the 3D style and the legend so the
 * two can never disagree. Colours are sRGB bytes.
 */

export type Rgb = readonly [number, number, number];

/** A class of a stepped ramp: values in [min, max) get `color`. `max` is Infinity for the last. */
export interface RampClass {
  min: number;
  max: number;
  color: Rgb;
}

export interface SteppedRamp {
  /** Attribute the ramp colours, for the legend title. */
  unit: string;
  classes: readonly RampClass[];
  /** Colour for missing or non-numeric values. */
  noData: Rgb;
}

/**
 * Building height classes, metres. Breaks follow typical French urban fabric: houses (< 6 m),
 * small blocks, Haussmann-style blocks (12–20 m), large blocks, towers (≥ 35 m, ≥ 60 m).
 * Colours: a perceptually ordered sequential ramp (light yellow → dark purple, after ColorBrewer
 * YlOrRd/RdPu), readable on both the dark and the light basemap.
 */
export const HEIGHT_RAMP: SteppedRamp = {
  unit: 'm',
  noData: [170, 170, 170],
  classes: [
    { min: -Infinity, max: 6, color: [255, 237, 160] },
    { min: 6, max: 12, color: [254, 196, 79] },
    { min: 12, max: 20, color: [253, 141, 60] },
    { min: 20, max: 35, color: [227, 26, 28] },
    { min: 35, max: 60, color: [177, 0, 38] },
    { min: 60, max: Infinity, color: [103, 0, 81] },
  ],
};

/** Colour of a value in a stepped ramp (noData for NaN, null or undefined). */
export function rampColor(ramp: SteppedRamp, value: number | null | undefined): Rgb {
  if (value === null || value === undefined || !Number.isFinite(value)) return ramp.noData;
  for (const c of ramp.classes) {
    if (value >= c.min && value < c.max) return c.color;
  }
  return ramp.noData;
}

/** Formats an sRGB colour as a CSS hex string. */
export function rgbToHex([r, g, b]: Rgb): string {
  return '#' + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}
