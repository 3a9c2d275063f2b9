import { describe, expect, it } from 'vitest';
import { enuFrame, type GeodeticDeg } from '../../../../src/core/geodesy.ts';
import { createMeasureController, hintKey, measureResult, type MeasureEffects, type MeasureKind } from '../../../../src/features/measure/controller.ts';

/** The measurement tools' controller: results in words, hints, and the start / end / clear sequence. */

const f = enuFrame({ lonDeg: -1.68, latDeg: 48.11, heightM: 0 });
const at = (e: number, n: number, u: number): GeodeticDeg => ({ ...f.toGeodetic(e, n, 0), heightM: u });
const fmt = (v: number, digits: number) => v.toFixed(digits);

describe('measureResult', () => {
  it('formats each measurement once it has enough points', () => {
    expect(measureResult('distance', [at(0, 0, 0)], fmt)).toBeNull();
    expect(measureResult('distance', [at(0, 0, 0), at(30, 40, 0), at(30, 40, 12)], fmt)).toEqual({ key: 'measure.distanceResult', params: { length: '62.0', horizontal: '50.0', rise: '12.0' } });
    expect(measureResult('height', [at(0, 0, 35), at(3, 4, 82)], fmt)).toEqual({ key: 'measure.heightResult', params: { height: '47.0', horizontal: '5.0' } });
    expect(measureResult('area', [at(0, 0, 0), at(20, 0, 0)], fmt)).toBeNull();
    // A 20 m × 10 m roof sloping 10 m over its depth: areas to the square metre, perimeter to 0.1 m.
    const roof = measureResult('area', [at(0, 0, 0), at(20, 0, 0), at(20, 10, 10), at(0, 10, 10)], fmt);
    expect(roof).toEqual({ key: 'measure.areaResult', params: { horizontal: '200', plane: '283', perimeter: (40 + 20 * Math.SQRT2).toFixed(1) } });
  });

  it('hints by measurement', () => {
    expect(hintKey(null)).toBe('measure.none');
    expect(hintKey('height')).toBe('measure.hintHeight');
    expect(hintKey('distance')).toBe('measure.hint');
    expect(hintKey('area')).toBe('measure.hint');
  });
});

/** Effects that record the sequence and let the test add points as clicks would. */
function fake() {
  const log: string[] = [];
  const shown: (string | null)[] = [];
  let click: (pts: GeodeticDeg[]) => string = () => '';
  let finish: () => void = () => undefined;
  const pts: GeodeticDeg[] = [];
  const fx: MeasureEffects = {
    draw(kind, onChange, onEnd) {
      log.push(`draw ${kind}`);
      pts.length = 0;
      click = onChange;
      finish = onEnd;
      return { points: pts, dispose: () => log.push(`dispose ${kind}`) };
    },
    suspendPicking() {
      log.push('suspend');
      return () => log.push('resume');
    },
    format: fmt,
    text: (r) => `${r.key} ${Object.values(r.params).join(' ')}`,
    showResult: (text) => shown.push(text),
    render: () => log.push('render'),
  };
  const add = (p: GeodeticDeg) => {
    pts.push(p);
    return click([...pts]);
  };
  return { fx, log, shown, add, end: () => finish() };
}

describe('measure controller', () => {
  it('starts with picking suspended, shows the result as points come, resumes picking at the end', () => {
    const { fx, log, shown, add, end } = fake();
    const c = createMeasureController(fx);
    c.start('height');
    expect(log).toEqual(['render', 'suspend', 'draw height', 'render']);
    expect(c.state()).toEqual({ kind: 'height', points: 0, result: null });
    expect(add(at(0, 0, 35))).toBe('');
    expect(add(at(3, 4, 82))).toBe('measure.heightResult 47.0 5.0');
    expect(shown).toEqual([null, 'measure.heightResult 47.0 5.0']);
    end();
    expect(log.slice(4)).toEqual(['resume', 'render']);
    // The result stays after the end, with no measurement on.
    expect(c.state()).toEqual({ kind: null, points: 2, result: 'measure.heightResult 47.0 5.0' });
    c.clear();
    expect(log.slice(6)).toEqual(['dispose height', 'render']);
    expect(c.state()).toEqual({ kind: null, points: 0, result: null });
  });

  it('a new measurement replaces the one on, resuming picking once', () => {
    const { fx, log, add } = fake();
    const c = createMeasureController(fx);
    const kinds: MeasureKind[] = ['distance', 'area'];
    c.start(kinds[0]!);
    add(at(0, 0, 0));
    add(at(10, 0, 0));
    expect(c.result()).toBe('measure.distanceResult 10.0 10.0 0.0');
    c.start(kinds[1]!);
    expect(log).toEqual(['render', 'suspend', 'draw distance', 'render', 'dispose distance', 'resume', 'render', 'suspend', 'draw area', 'render']);
    expect(c.kind()).toBe('area');
    expect(c.result()).toBeNull();
    c.clear();
    c.clear();
    expect(log.filter((l) => l === 'resume')).toHaveLength(2);
  });
});
