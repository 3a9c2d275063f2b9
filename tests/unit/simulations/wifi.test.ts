import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enuFrame } from '../../../src/core/geodesy.ts';
import { planWifi, wifiCoverageInput } from '../../../src/features/wifi/contract.ts';
import { residentsPerCell, wifiKpis } from '../../../src/features/wifi/figures.ts';
import { MAX_URL_APS, parseWifiParam, serializeWifiParam, type ScenarioAp } from '../../../src/features/wifi/scenario.ts';
import { gridFor } from '../../../src/core/grid.ts';

const FRAME = { lonDeg: -1.68, latDeg: 48.11 };
const f = enuFrame({ ...FRAME, heightM: 0 });
/** A square of side s metres centred (cx, cy) metres from the frame origin, as lon/lat rings. */
function squareLonLat(cx: number, cy: number, s: number): number[][][] {
  const c = (x: number, y: number) => {
    const g = f.toGeodetic(x, y, 0);
    return [g.lonDeg, g.latDeg];
  };
  const h = s / 2;
  return [[c(cx - h, cy - h), c(cx + h, cy - h), c(cx + h, cy + h), c(cx - h, cy + h), c(cx - h, cy - h)]];
}

describe('wifi key figures', () => {
  // A 400 m study square, 4 m cells, all at street level.
  const study = [squareLonLat(0, 0, 400)];
  const grid = gridFor([[[-200, -200, 200, -200, 200, 200, -200, 200]]], 4);
  const n = grid.cols * grid.rows;
  const surface = new Uint8Array(n).fill(1);

  it('weights a population square by its share of area inside the study (turf)', () => {
    // Half of this 200 m square lies outside the study: half its 800 residents count.
    const half = residentsPerCell({ frame: FRAME, grid, surface, studyArea: study, population: [{ polygons: [squareLonLat(200, 0, 200)], residents: 800 }] });
    const total = half.perCell.reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(400, 0);
    expect(half.placed).toBeCloseTo(400, 0);
    // A square fully inside counts whole, spread evenly over its cells.
    const whole = residentsPerCell({ frame: FRAME, grid, surface, studyArea: study, population: [{ polygons: [squareLonLat(-100, -100, 200)], residents: 500 }] });
    expect(whole.perCell.reduce((s, v) => s + v, 0)).toBeCloseTo(500, 6);
    const nonZero = Array.from(whole.perCell).filter((v) => v > 0);
    expect(new Set(nonZero.map((v) => v.toFixed(9))).size).toBe(1);
    // Outside entirely: nothing.
    const out = residentsPerCell({ frame: FRAME, grid, surface, studyArea: study, population: [{ polygons: [squareLonLat(900, 0, 200)], residents: 500 }] });
    expect(out.placed + out.unplaced).toBe(0);
  });

  it('counts residents of squares with no street cell as present and never covered', () => {
    const roofs = new Uint8Array(n).fill(2);
    const r = residentsPerCell({ frame: FRAME, grid, surface: roofs, studyArea: study, population: [{ polygons: [squareLonLat(-100, -100, 200)], residents: 300 }] });
    expect(r.unplaced).toBeCloseTo(300, 6);
    const k = wifiKpis({ frame: FRAME, grid, surface: roofs, covered: new Uint8Array(n).fill(1), studyArea: study, population: [{ polygons: [squareLonLat(-100, -100, 200)], residents: 300 }], districts: [], priorityAreas: [] });
    expect(k.residents).toBeCloseTo(300, 6);
    expect(k.coveredResidents).toBe(0);
  });

  it('splits covered area and residents per district and inside / outside priority areas', () => {
    const covered = new Uint8Array(n);
    // Cover the western half.
    for (let r = 0; r < grid.rows; r++) for (let c = 0; c < grid.cols / 2; c++) covered[r * grid.cols + c] = 1;
    const k = wifiKpis({
      frame: FRAME, grid, surface, covered, studyArea: study,
      population: [{ polygons: [squareLonLat(-100, 0, 200)], residents: 100 }, { polygons: [squareLonLat(100, 0, 200)], residents: 300 }],
      districts: [{ name: 'West', polygons: [squareLonLat(-100, 0, 200)] }, { name: 'East', polygons: [squareLonLat(100, 0, 200)] }],
      priorityAreas: [[squareLonLat(100, 0, 200)]],
    });
    expect(k.areaShare).toBeCloseTo(0.5, 2);
    expect(k.residents).toBeCloseTo(400, 1);
    expect(k.coveredResidents).toBeCloseTo(100, 1);
    expect(k.residentsShare).toBeCloseTo(0.25, 2);
    const west = k.districts.find((d) => d.name === 'West')!, east = k.districts.find((d) => d.name === 'East')!;
    expect(west.coveredCells).toBe(west.cells);
    expect(east.coveredCells).toBe(0);
    expect(k.priority!.inside.residents).toBeCloseTo(300, 1);
    expect(k.priority!.inside.coveredResidents).toBe(0);
    expect(k.priority!.outside.coveredResidents).toBeCloseTo(100, 1);
  });
});

describe('wifi input', () => {
  const base = {
    area: { type: 'Polygon', coordinates: [squareLonLat(0, 0, 200)[0]] },
    city: { tileset: 'packs/demo/tileset.json' },
    accessPoints: [{ id: 'a', position: [-1.68, 48.11] }],
  };

  it('has documented defaults', () => {
    const v = wifiCoverageInput.parse(base);
    expect(v).toMatchObject({ thresholdDbm: -70, floorDbm: -95, wallLossDb: 10, receiverHeightM: 1.5, cellM: 4, environment: 'urban', place: 0 });
    expect(v.accessPoints[0]).toMatchObject({ heightM: 4, eirpDbm: 20, band: '2.4', pattern: { kind: 'omni' } });
  });

  it('names the field at fault', () => {
    const path = (input: unknown) => {
      const r = wifiCoverageInput.safeParse(input);
      return r.success ? null : r.error.issues[0]!.path.join('.');
    };
    expect(path({ ...base, accessPoints: [{ id: 'a', position: [-1.68, 48.11], eirpDbm: 90 }] })).toBe('accessPoints.0.eirpDbm');
    expect(path({ ...base, accessPoints: [{ id: 'a', position: [-1.68, 48.11], band: '60' }] })).toBe('accessPoints.0.band');
    expect(path({ ...base, candidates: [{ id: 'a', position: [-1.68, 48.11] }] })).toBe('candidates.0.id');
    expect(path({ ...base, floorDbm: -60 })).toBe('floorDbm');
    expect(path({ ...base, cellM: 1, area: { type: 'Polygon', coordinates: [squareLonLat(0, 0, 1900)[0]] } })).toBe('cellM');
    const population = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: squareLonLat(0, 0, 200) }, properties: { ind_c: 'many' } }] };
    expect(path({ ...base, population })).toBe('population.features.0.properties.ind_c');
    expect(path({ ...base, facades: { spacingM: 0.5 } })).toBe('facades.spacingM');
    expect(path({ ...base, facades: { spacing: 3 } })).toBe('facades');
  });

  it('facades are off unless asked for; asked for, the spacing defaults to 3 m and reaches the plan', () => {
    expect(wifiCoverageInput.parse(base).facades).toBeUndefined();
    const v = wifiCoverageInput.parse({ ...base, facades: {} });
    expect(v.facades).toEqual({ spacingM: 3 });
    expect(planWifi(v, { lonDeg: -1.68, latDeg: 48.11 }).facades).toEqual({ spacingM: 3 });
    expect(planWifi(wifiCoverageInput.parse(base), { lonDeg: -1.68, latDeg: 48.11 }).facades).toBeNull();
  });
});

describe('wifiap URL parameter', () => {
  const ap = fc.record({
    lonDeg: fc.integer({ min: -180_000_000, max: 180_000_000 }).map((v) => v / 1e6),
    latDeg: fc.integer({ min: -90_000_000, max: 90_000_000 }).map((v) => v / 1e6),
    heightM: fc.integer({ min: 0, max: 3000 }).map((v) => v / 10),
    eirpDbm: fc.integer({ min: -100, max: 400 }).map((v) => v / 10),
    band: fc.constantFrom('2.4' as const, '5' as const),
    azimuthDeg: fc.option(fc.integer({ min: 0, max: 360 }), { nil: null }),
  });

  it('round-trips', () => {
    fc.assert(fc.property(fc.array(ap, { maxLength: 8 }), (aps: ScenarioAp[]) => {
      const r = parseWifiParam(serializeWifiParam(aps));
      expect(r.issues).toEqual([]);
      expect(r.aps).toEqual(aps.map((a) => ({ ...a, lonDeg: a.lonDeg + 0, latDeg: a.latDeg + 0 })));
    }), { seed: 7 });
  });

  it('never throws, and keeps the good entries of a bad value with an issue per bad one', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const r = parseWifiParam(s);
      expect(r.aps.length + r.issues.length).toBeGreaterThanOrEqual(s === '' ? 0 : 1);
    }), { seed: 7 });
    const r = parseWifiParam('-1.68_48.11_4_20_2.4_o~junk~-1.68_48.11_4_90_2.4_o~-1.68_48.11_4_20_5_45');
    expect(r.aps).toHaveLength(2);
    expect(r.issues.map((i) => i.where)).toEqual(['entry 2 "junk"', 'entry 3 "-1.68_48.11_4_90_2.4_o"']);
    expect(r.issues[1]!.reason).toMatch(/EIRP/);
    const many = parseWifiParam(Array.from({ length: MAX_URL_APS + 5 }, () => '1_2_3_4_5_o').join('~'));
    expect(many.aps).toHaveLength(MAX_URL_APS);
    expect(many.issues).toHaveLength(1);
  });
});
