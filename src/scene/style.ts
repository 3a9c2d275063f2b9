import { Cesium3DTileStyle } from 'cesium';
import type { Rgb, SteppedRamp } from '../core/color-ramp.ts';

/**
 * A Cesium 3D Tiles style that colours buildings by height with a stepped ramp. Works with any
 * tileset: the height is the first of the candidate properties a feature has, converted with
 * Number() so strings and missing values fall back to the no-data colour instead of failing.
 */

/**
 * A string literal in Cesium's style language, which has no escapes (backslashes are kept as
 * they are): pieces between single quotes are quoted with ' and the quotes themselves with ".
 */
export function styleString(value: string): string {
  return value
    .split("'")
    .map((piece) => `'${piece}'`)
    .join(` + "'" + `);
}

/** Reference to a feature property, `${feature['name']}`. Names with a quote cannot be styled. */
function propRef(name: string): string {
  if (name.includes("'")) throw new Error(`property names with a quote cannot be styled: ${name}`);
  return `\${feature['${name}']}`;
}

/** The height expression: the first defined candidate, as a number (NaN when none). */
export function heightExpression(candidates: readonly string[]): string {
  if (candidates.length === 0) return 'NaN';
  const [first, ...rest] = candidates;
  const ref = propRef(first!);
  return rest.length === 0 ? `Number(${ref})` : `(${ref} !== undefined ? Number(${ref}) : ${heightExpression(rest)})`;
}

function colorString([r, g, b]: Rgb, alpha = 1): string {
  return `color('rgb(${r}, ${g}, ${b})', ${alpha})`;
}

/** Colour of buildings highlighted by a tour stop (magenta: apart from the selection's cyan and the height ramp). */
export const HIGHLIGHT_COLOR = '#ff3fd4';

/** The condition "the feature's id is one of `ids`" ('' when there is nothing to test). */
export function idTest(ids: readonly string[], idCandidates: readonly string[]): string {
  const tests: string[] = [];
  for (const p of idCandidates) for (const id of ids) tests.push(`String(${propRef(p)}) === (${styleString(id)})`);
  return tests.join(' || ');
}

/**
 * Builds the style. `selectedId` (with `idCandidates`) is drawn in the selection colour, so the
 * selection survives tiles being unloaded and reloaded; `highlighted` ids (a tour stop's
 * buildings) in the highlight colour, the same way.
 */
export function createHeightStyle(
  ramp: SteppedRamp,
  heightCandidates: readonly string[],
  selected?: { id: string; idCandidates: readonly string[] },
  highlighted?: { ids: readonly string[]; idCandidates: readonly string[] },
  hidden?: { ids: readonly string[]; idCandidates: readonly string[] },
): Cesium3DTileStyle {
  const hExpr = heightExpression(heightCandidates);
  const conditions: [string, string][] = [];
  if (selected !== undefined) {
    const test = idTest([selected.id], selected.idCandidates);
    if (test.length > 0) conditions.push([test, "color('#00e5ff')"]);
  }
  if (highlighted !== undefined && highlighted.ids.length > 0) {
    const test = idTest(highlighted.ids, highlighted.idCandidates);
    if (test.length > 0) conditions.push([test, `color('${HIGHLIGHT_COLOR}')`]);
  }
  // Buildings drawn with their own texture (city packs' LOD2 CityGML) are not tinted.
  conditions.push([`${propRef('textured')} === 1`, "color('white')"]);
  conditions.push([`isNaN(${hExpr})`, colorString(ramp.noData)]);
  for (const c of ramp.classes) {
    if (Number.isFinite(c.max)) conditions.push([`${hExpr} < ${c.max}`, colorString(c.color)]);
    else conditions.push(['true', colorString(c.color)]);
  }
  if (hidden !== undefined && hidden.ids.length > 0 && hidden.idCandidates.length > 0) {
    // Buildings a scenario demolishes or hides: one test per id (scenarios hide a handful).
    const tests = hidden.ids.map((id) => hidden.idCandidates.map((p) => `String(${propRef(p)}) === (${styleString(id)})`).join(' || '));
    return new Cesium3DTileStyle({ color: { conditions }, show: { conditions: [...tests.map((t): [string, string] => [t, 'false']), ['true', 'true']] } });
  }
  return new Cesium3DTileStyle({ color: { conditions } });
}
