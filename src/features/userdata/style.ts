import type { Rgb } from '../../core/color-ramp.ts';
import type { ColorRule, LayerGeometry, LayerVariant, SymbolSpec } from '../../layers/types.ts';
import type { FieldSummary } from '../../layers/userdata-types.ts';

/**
 * Styles of user layers (pure): one colour per layer, or a colour by attribute — classes for a
 * text attribute with at most 12 values, a gradient between the minimum and maximum of a
 * numeric one. The scene draws with the returned variant and the legend lists the same rule.
 */

/** Colours given to successive user layers, and to the classes of a categorical style. */
export const USER_PALETTE: readonly Rgb[] = [
  [230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180], [70, 240, 240],
  [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128], [170, 110, 40], [128, 0, 0],
];
const OTHER: Rgb = [150, 150, 150];
/** Viridis, 5 stops. */
const GRADIENT: readonly Rgb[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export const MAX_CLASSES = 12;

/** The colour rule of a user layer: by `field` when given and usable, else the constant `base`. */
export function userColorRule(base: Rgb, field: FieldSummary | null): ColorRule {
  if (field === null) return { kind: 'constant', color: base };
  if (field.kind === 'numeric' && field.min !== null && field.max !== null) {
    const span = field.max - field.min;
    return { kind: 'gradient', field: field.name, unit: '', stops: GRADIENT.map((color, i) => ({ value: field.min! + (span * i) / (GRADIENT.length - 1), color })), noData: OTHER };
  }
  return { kind: 'category', field: field.name, classes: field.values.slice(0, MAX_CLASSES).map((value, i) => ({ value, color: USER_PALETTE[i % USER_PALETTE.length]! })), other: OTHER };
}

/** Whether an attribute can colour a layer (numbers with a range, or text with few values). */
export function styleable(f: FieldSummary): boolean {
  return f.kind === 'numeric' ? f.min !== null && f.max !== null && f.max > f.min : f.distinct >= 1 && f.distinct <= MAX_CLASSES;
}

/** The drawing variant of a user layer for its geometry types and colour rule. */
export function userVariant(types: readonly LayerGeometry['type'][], color: ColorRule): LayerVariant {
  const symbols: SymbolSpec[] = [];
  if (types.includes('polygon')) symbols.push({ kind: 'fill', color, alpha: 0.45 }, { kind: 'outline', color, widthPx: 2 });
  if (types.includes('line')) symbols.push({ kind: 'line', color, widthPx: 3 });
  if (types.includes('point')) symbols.push({ kind: 'point', color, sizePx: 9, outline: [255, 255, 255] });
  return { id: 'user', label: 'layers.prop.layer', symbols };
}

/** Legend entries of a colour rule: colour and text. */
export function legendEntries(rule: ColorRule, allLabel: string, otherLabel: string): { color: Rgb; text: string }[] {
  switch (rule.kind) {
    case 'constant':
      return [{ color: rule.color, text: allLabel }];
    case 'category':
      return [...rule.classes.map((c) => ({ color: c.color, text: c.value === '' ? '—' : c.value })), { color: rule.other, text: otherLabel }];
    case 'gradient':
      return rule.stops.map((s) => ({ color: s.color, text: formatValue(s.value) }));
    default:
      return [];
  }
}

function formatValue(v: number): string {
  const a = Math.abs(v);
  return a >= 100 || a === 0 ? String(Math.round(v)) : a >= 1 ? v.toFixed(1) : v.toPrecision(2);
}
