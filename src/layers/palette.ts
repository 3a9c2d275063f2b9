import type { Rgb } from '../core/color-ramp.ts';
import type { ColorRule } from './types.ts';

/** Colours shared by several layers (sRGB bytes). */

export const OCCUPANCY_RULE: ColorRule = {
  kind: 'gradient',
  field: 'occupancy',
  unit: '%',
  // Green when there is room, red when full (share of occupied spaces, 0–1).
  stops: [
    { value: 0, color: [46, 160, 67] },
    { value: 0.5, color: [242, 201, 76] },
    { value: 0.8, color: [242, 133, 34] },
    { value: 1, color: [214, 39, 40] },
  ],
  noData: [150, 150, 150],
};

export const WHITE: Rgb = [255, 255, 255];
export const GREY: Rgb = [160, 160, 160];
export const TRAMBUS: Rgb = [111, 34, 130];
/** STAR metro line colours (a: red, b: green). */
export const METRO_A: Rgb = [226, 0, 26];
export const METRO_B: Rgb = [0, 150, 64];
