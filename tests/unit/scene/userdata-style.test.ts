import { type Cesium3DTileStyle, Color } from 'cesium';
import { describe, expect, it } from 'vitest';
import { tilesetStyle } from '../../../src/features/userdata/view.ts';
import { userColorRule, USER_PALETTE } from '../../../src/features/userdata/style.ts';

/** User colour rules as Cesium tileset styles, evaluated by Cesium on stand-in features. */
function colorOf(style: Cesium3DTileStyle, props: Record<string, unknown>): number[] {
  const get = (name: string) => props[name];
  const c = style.color!.evaluateColor({ getProperty: get, getPropertyInherited: get } as never, new Color());
  return [Math.round(c.red * 255), Math.round(c.green * 255), Math.round(c.blue * 255), Math.round(c.alpha * 100)];
}

describe('tileset styles of user colour rules', () => {
  it('colours classes of a text attribute, quotes included, and others in grey', () => {
    const rule = userColorRule([0, 0, 0], { name: 'use', kind: 'text', values: ['office', "l'atelier"], distinct: 2, min: null, max: null });
    const style = tilesetStyle(rule)!;
    expect(colorOf(style, { use: 'office' })).toEqual([...USER_PALETTE[0]!, 100]);
    expect(colorOf(style, { use: "l'atelier" })).toEqual([...USER_PALETTE[1]!, 100]);
    expect(colorOf(style, { use: 'other' })).toEqual([150, 150, 150, 100]);
    expect(colorOf(style, {})).toEqual([150, 150, 150, 100]);
  });
  it('colours a numeric attribute by the nearest gradient stop, no-data in grey, at an opacity', () => {
    const rule = userColorRule([0, 0, 0], { name: 'heightM', kind: 'numeric', values: [], distinct: 10, min: 0, max: 40 });
    const style = tilesetStyle(rule, 0.5)!;
    expect(colorOf(style, { heightM: 0 })).toEqual([68, 1, 84, 50]);
    expect(colorOf(style, { heightM: '40' })).toEqual([253, 231, 37, 50]);
    expect(colorOf(style, { heightM: 'n/a' })).toEqual([150, 150, 150, 50]);
  });
  it('leaves the tileset its own colours with one colour at full opacity', () => {
    expect(tilesetStyle(null)).toBeUndefined();
    expect(colorOf(tilesetStyle(null, 0.3)!, {})).toEqual([255, 255, 255, 30]);
  });
});
