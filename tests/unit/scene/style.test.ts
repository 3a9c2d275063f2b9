import { type Cesium3DTileStyle, Color } from 'cesium';
import { describe, expect, it } from 'vitest';
import { HEIGHT_RAMP } from '../../../src/core/color-ramp.ts';
import { createHeightStyle, heightExpression } from '../../../src/scene/style.ts';

/** A stand-in for a Cesium3DTileFeature: styles read properties through these two methods. */
function feature(props: Record<string, unknown>) {
  const get = (name: string) => props[name];
  return { getProperty: get, getPropertyInherited: get } as never;
}

function colorOf(style: Cesium3DTileStyle, props: Record<string, unknown>): number[] {
  const c = style.color!.evaluateColor(feature(props), new Color());
  return [Math.round(c.red * 255), Math.round(c.green * 255), Math.round(c.blue * 255)];
}

describe('height style (evaluated by Cesium)', () => {
  it('uses the first height property a feature has', () => {
    expect(heightExpression(['heightM'])).toBe("Number(${feature['heightM']})");
    const style = createHeightStyle(HEIGHT_RAMP, ['hauteur', 'heightM']);
    expect(colorOf(style, { hauteur: 3 })).toEqual([...HEIGHT_RAMP.classes[0]!.color]);
    expect(colorOf(style, { heightM: 25 })).toEqual([...HEIGHT_RAMP.classes[3]!.color]);
    expect(colorOf(style, { hauteur: 70, heightM: 3 })).toEqual([...HEIGHT_RAMP.classes[5]!.color]);
  });
  it('colours missing or non-numeric heights as no-data instead of failing', () => {
    const style = createHeightStyle(HEIGHT_RAMP, ['heightM']);
    expect(colorOf(style, {})).toEqual([...HEIGHT_RAMP.noData]);
    expect(colorOf(style, { heightM: 'twelve' })).toEqual([...HEIGHT_RAMP.noData]);
    expect(colorOf(style, { heightM: '12' })).toEqual([...HEIGHT_RAMP.classes[2]!.color]);
  });
  it('leaves textured buildings untinted (white), unless selected', () => {
    const style = createHeightStyle(HEIGHT_RAMP, ['heightM'], { id: 'sel', idCandidates: ['id'] });
    expect(colorOf(style, { heightM: 3, textured: 1 })).toEqual([255, 255, 255]);
    expect(colorOf(style, { heightM: 3, textured: 0 })).toEqual([...HEIGHT_RAMP.classes[0]!.color]);
    expect(colorOf(style, { id: 'sel', heightM: 3, textured: 1 })).toEqual([0, 229, 255]);
  });
  it('highlights the selected id, including ids with quotes', () => {
    const style = createHeightStyle(HEIGHT_RAMP, ['heightM'], { id: "O'Neil \"7\"", idCandidates: ['id'] });
    expect(colorOf(style, { id: "O'Neil \"7\"", heightM: 3 })).toEqual([0, 229, 255]);
    expect(colorOf(style, { id: 'other', heightM: 3 })).toEqual([...HEIGHT_RAMP.classes[0]!.color]);
  });
});

describe('style string literals', () => {
  it('survive quotes of both kinds and backslashes', () => {
    for (const id of ['plain', "O'Neil", 'say "hi"', `both ' and "`, 'back\\slash', "''", '']) {
      const style = createHeightStyle(HEIGHT_RAMP, ['heightM'], { id, idCandidates: ['id'] });
      expect(colorOf(style, { id, heightM: 3 }), id).toEqual([0, 229, 255]);
      expect(colorOf(style, { id: `${id}x`, heightM: 3 }), id).toEqual([...HEIGHT_RAMP.classes[0]!.color]);
    }
  });
});
