import type { LayerFeature } from '../../layers/types.ts';
import type { FieldSummary } from '../../layers/userdata-types.ts';

/** Summaries of the attributes (kind, distinct values, range), for styling and the legend. */
export function summariseFields(features: readonly LayerFeature[], maxFields = 60): FieldSummary[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const f of features.slice(0, 1000)) {
    for (const k of Object.keys(f.properties)) {
      if (!seen.has(k) && names.length < maxFields) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names.map((name) => {
    let numeric = true, any = false, min = Infinity, max = -Infinity;
    const distinct = new Set<string>();
    for (const f of features) {
      const v = f.properties[name];
      if (v === null || v === undefined || v === '') continue;
      any = true;
      if (typeof v === 'number') {
        if (v < min) min = v;
        if (v > max) max = v;
      } else numeric = false;
      if (distinct.size < 1000) distinct.add(String(v));
    }
    const isNum = any && numeric;
    return {
      name,
      kind: isNum ? 'numeric' : 'text',
      values: [...distinct].sort().slice(0, 13),
      distinct: distinct.size,
      min: isNum ? min : null,
      max: isNum ? max : null,
    } satisfies FieldSummary;
  });
}
