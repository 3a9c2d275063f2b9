import { afterEach, describe, expect, it } from 'vitest';
import { hoursRamp, lossRamp } from '../../../../src/core/simulation/display.ts';
import type { SunHoursOutput } from '../../../../src/features/sun/contract.ts';
import type { SunShown } from '../../../../src/features/sun/controller.ts';
import { areaText, resultView, stageText, sunNowText } from '../../../../src/features/sun/texts.ts';
import { setLang } from '../../../../src/ui/i18n/index.ts';

/** The sun panel's texts from the controller's data (English, for readable expectations). */

const summary = (count: number, mean: number) => ({ count, mean, min: 0, max: 12, p10: 1, p50: mean + 0.5, p90: 11 });
const output = {
  sunHours: Float32Array.from([2, 3, 9, 11]),
  surface: Uint8Array.from([1, 1, 2, 2]),
  buildings: { ids: ['a', 'b'], facadeMeanH: Float32Array.from([4, NaN]) },
  ground: summary(2, 2.5),
  roofs: summary(2, 10),
  rays: 12345,
  dayLengthH: 16,
  sunSteps: 64,
} as unknown as SunHoursOutput;
const base = { output, values: output.sunHours, ms: 2500, workers: 3, params: { date: '2026-06-21', stepMin: 15, cellM: 2, facades: true }, synthetic: false };

describe('sun texts', () => {
  afterEach(() => setLang('fr'));

  it('a sun-hours result: ground, roofs, facades, day length, run time; a histogram per surface; exportable', () => {
    setLang('en');
    const v = resultView({ ...base, kind: 'hours', ramp: hoursRamp(16) });
    expect(v.title).toContain('2026-06-21');
    expect(v.lines).toEqual(['Ground: mean 2.5 h, median 3 h (2 cells)', 'Roofs: mean 10 h, median 10.5 h (2 cells)', 'Facades: mean 4 h over 1 buildings', 'Day length: 16 h · 64 Sun directions', '12,345 rays in 2.5 s on 3 worker(s)']);
    expect(v.histogram!.series.map((s) => s.label)).toEqual(['Ground', 'Roofs']);
    expect(v.canExport).toBe(true);
    expect(v.note).toBeUndefined();
    expect(resultView({ ...base, kind: 'hours', ramp: hoursRamp(16), params: { ...base.params, endDate: '2026-06-30' }, synthetic: true }).title).toBe('Hours of direct sun per day (mean), 2026-06-21 to 2026-06-30');
  });

  it('a loss result: cells losing sun, mean and largest loss, both runs’ time averaged; not exportable', () => {
    setLang('en');
    const loss = { loss: Float32Array.from([3, 0, 0.5, NaN]), surface: Uint8Array.from([1, 1, 2, 0]), lost: 2, sum: 3.5, max: 3 };
    const shown: SunShown = { ...base, kind: 'loss', values: loss.loss, ramp: lossRamp(3), heightM: 30, loss, rays: 300 };
    const v = resultView(shown);
    expect(v.title).toBe('Sun taken by the project (30 m), 2026-06-21');
    expect(v.lines).toEqual(['2 cells lose sun; mean loss 1.8 h, largest 3 h', '300 rays in 1.3 s on 3 worker(s)']);
    expect(v.histogram!.series).toHaveLength(1);
    expect(v.canExport).toBe(false);
  });

  it('stages, the area, the sun now', () => {
    setLang('en');
    expect(stageText('rays')).toBe('Casting rays…');
    expect(stageText('merging')).toBe('merging');
    expect(areaText(0.04)).toBe('0.04 km² · about 10,000 cells');
    const text = sunNowText(Date.UTC(2026, 5, 21, 10), { azimuthDeg: 120.04, elevationDeg: 55.5, sunrise: '2026-06-21T04:05:00Z', sunset: '2026-06-21T20:10:00Z' } as never);
    expect(text).toBe('Sun at 12:00: azimuth 120°, elevation 55.5° · sunrise 06:05, sunset 22:10');
  });
});
