import { rampColor, type Rgb } from '../core/color-ramp.ts';
import { toNumber } from './parse/geojson.ts';
import type { LayerMessageKey } from './messages.ts';
import type { ColorRule, LayerDefinition, LayerFeature, LayerVariant, PropertyValue, SizeRule, SymbolSpec } from './types.ts';

/**
 * Evaluating a layer's declarative style (pure): the scene colours and sizes features with these
 * functions, and the legend is built from the same rules, so the two cannot disagree.
 */

/** `#rrggbb` or `rrggbb` → bytes, or null. */
export function parseHexColor(v: PropertyValue | undefined): Rgb | null {
  if (typeof v !== 'string') return null;
  const m = /^#?([0-9a-fA-F]{6})$/.exec(v.trim());
  if (m === null) return null;
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function lerp(a: Rgb, b: Rgb, f: number): Rgb {
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Colour of a value on a gradient rule (clamped to its stops). */
export function gradientColor(rule: Extract<ColorRule, { kind: 'gradient' }>, value: number | null): Rgb {
  if (value === null || !Number.isFinite(value) || rule.stops.length === 0) return rule.noData;
  const s = rule.stops;
  if (value <= s[0]!.value) return s[0]!.color;
  for (let i = 1; i < s.length; i++) {
    if (value <= s[i]!.value) {
      const a = s[i - 1]!, b = s[i]!;
      return lerp(a.color, b.color, (value - a.value) / (b.value - a.value || 1));
    }
  }
  return s[s.length - 1]!.color;
}

/** Colour of a feature by a rule; `override` supplies computed values (e.g. occupancy now). */
export function colorOf(rule: ColorRule, props: Readonly<Record<string, PropertyValue>>, override?: Readonly<Record<string, number>>): Rgb {
  const value = (field: string): PropertyValue | undefined => (override !== undefined && field in override ? override[field]! : props[field]);
  switch (rule.kind) {
    case 'constant':
      return rule.color;
    case 'category': {
      const v = value(rule.field);
      const s = v === null || v === undefined ? '' : String(v);
      return rule.classes.find((c) => c.value === s)?.color ?? rule.other;
    }
    case 'steps':
      return rampColor(rule.ramp, toNumber(value(rule.field) ?? null));
    case 'gradient':
      return gradientColor(rule, toNumber(value(rule.field) ?? null));
    case 'data':
      return parseHexColor(value(rule.field)) ?? rule.fallback;
  }
}

/** Pixel size of a point by a size rule (area proportional to the value between min and max). */
export function sizeOf(rule: SizeRule, props: Readonly<Record<string, PropertyValue>>): number {
  if (typeof rule === 'number') return rule;
  const v = toNumber(props[rule.field] ?? null);
  if (v === null) return rule.minPx;
  const f = Math.min(1, Math.max(0, (v - rule.min) / (rule.max - rule.min || 1)));
  return Math.sqrt(rule.minPx ** 2 + f * (rule.maxPx ** 2 - rule.minPx ** 2));
}

/** Which symbols of a variant apply to a feature (by geometry type). */
export function symbolsFor(variant: LayerVariant, f: LayerFeature): SymbolSpec[] {
  const t = f.geometry.type;
  return variant.symbols.filter((s) => {
    switch (s.kind) {
      case 'point':
      case 'gauge':
      case 'tree':
      case 'flow':
        return t === 'point';
      case 'line':
      case 'ribbon':
        return t === 'line';
      case 'fill':
      case 'outline':
      case 'extrusion':
        return t === 'polygon';
      case 'imagery':
        return false;
    }
  });
}

/** One line of a legend: a colour swatch (or gradient) with a label (message key or literal text). */
export type LegendItem =
  | { kind: 'swatch'; color: Rgb; label: { key: LayerMessageKey } | { text: string } | { range: [number, number]; unit: string } }
  | { kind: 'gradient'; colors: Rgb[]; min: number; max: number; unit: string; scale: number }
  | { kind: 'size'; min: number; max: number; unit: string }
  | { kind: 'note'; key: LayerMessageKey; params?: Record<string, string | number> };

function colorItems(rule: ColorRule, out: LegendItem[]): void {
  switch (rule.kind) {
    case 'constant':
      if (rule.label !== undefined) out.push({ kind: 'swatch', color: rule.color, label: { key: rule.label } });
      break;
    case 'category':
      for (const c of rule.classes) out.push({ kind: 'swatch', color: c.color, label: c.label !== undefined ? { key: c.label } : { text: c.value } });
      out.push({ kind: 'swatch', color: rule.other, label: { key: rule.otherLabel ?? 'layers.legend.other' } });
      break;
    case 'steps':
      for (const c of rule.ramp.classes) out.push({ kind: 'swatch', color: c.color, label: { range: [c.min, c.max], unit: rule.ramp.unit } });
      out.push({ kind: 'swatch', color: rule.ramp.noData, label: { key: 'layers.legend.noData' } });
      break;
    case 'gradient': {
      const pct = rule.unit === '%';
      out.push({ kind: 'gradient', colors: rule.stops.map((s) => s.color), min: rule.stops[0]?.value ?? 0, max: rule.stops[rule.stops.length - 1]?.value ?? 1, unit: rule.unit, scale: pct ? 100 : 1 });
      out.push({ kind: 'swatch', color: rule.noData, label: { key: 'layers.legend.noData' } });
      break;
    }
    case 'data':
      out.push({ kind: 'swatch', color: rule.fallback, label: { key: rule.label } });
      break;
  }
}

/** The legend of a layer's variant, from its symbols (deduplicated). */
export function legendItems(def: LayerDefinition, variantId?: string): LegendItem[] {
  const variant = def.variants.find((v) => v.id === variantId) ?? def.variants[0];
  const out: LegendItem[] = [];
  const seen = new Set<string>();
  const push = (i: LegendItem) => {
    const k = JSON.stringify(i);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(i);
    }
  };
  for (const s of variant.symbols) {
    const items: LegendItem[] = [];
    if (s.kind !== 'imagery') colorItems(s.color, items);
    if (s.kind === 'point' && typeof s.sizePx !== 'number') items.push({ kind: 'size', min: s.sizePx.min, max: s.sizePx.max, unit: s.sizePx.unit });
    if (s.kind === 'point' && s.cluster !== undefined) items.push({ kind: 'note', key: 'layers.legend.cluster' });
    if (s.kind === 'extrusion') items.push({ kind: 'note', key: 'layers.legend.extrusion', params: { per: Math.round(1 / s.metresPerUnit), unit: s.color.kind === 'steps' ? s.color.ramp.unit : '' } });
    items.forEach(push);
  }
  return out;
}
