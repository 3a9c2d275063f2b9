import { describe, expect, it } from 'vitest';
import { MeshBuilder } from '../../../src/core/geometry/extrude.ts';
import { enuFrame } from '../../../src/core/geodesy.ts';
import { buildTraceGeometry } from '../../../src/city/analysis/model.ts';
import { runToEnd } from '../../../src/core/simulation/kernel.ts';
import { applyScenario, scenarioKey, type CityArrays } from '../../../src/city/analysis/scenario.ts';
import { sunHoursKernel, type SunHoursPlan } from '../../../src/features/sun/kernel.ts';
import { squareM } from './city-fixtures.ts';

/** Scenario edits on the simulation geometry: a project building takes sun from its neighbours. */

const FRAME = { lonDeg: -1.68, latDeg: 48.11 };

function baseline(): CityArrays {
  const mb = new MeshBuilder();
  mb.addExtrudedPolygon({ outer: [-30, -5, -20, -5, -20, 5, -30, 5], holes: [] }, 0, 12, 0);
  return { positions: mb.positions.toArray(), index: mb.indices.toArray(), vertexBuilding: mb.featureIds.toArray(), buildingIds: ['EXISTING'] };
}

function plan(): SunHoursPlan {
  return {
    frame: { ...FRAME, heightM: 0 },
    site: { ...FRAME },
    polygons: [squareM(0, 20, 60)],
    cellM: 2,
    days: [{ year: 2026, month: 12, day: 21, tzOffsetHours: 1 }],
    stepMin: 15,
    horizonM: 500,
    facadeSpacingM: 0,
    groundHeightM: 0,
    part: { index: 0, count: 1 },
  };
}

describe('scenario edits', () => {
  const f = enuFrame({ ...FRAME, heightM: 0 });
  const lonLat = (x: number, y: number) => {
    const g = f.toGeodetic(x, y, 0);
    return [g.lonDeg, g.latDeg];
  };
  const project = { id: 'PROJECT', footprint: [lonLat(-5, -5), lonLat(5, -5), lonLat(5, 5), lonLat(-5, 5)], heightM: 25, baseM: 0 };

  it('adds an extruded building with its id and removes buildings by id, leaving the baseline untouched', () => {
    const base = baseline();
    const copy = base.index.slice();
    const added = applyScenario(base, FRAME, { added: [project], removed: [] });
    expect(added.buildingIds).toEqual(['EXISTING', 'PROJECT']);
    expect(added.index.length).toBeGreaterThan(base.index.length);
    let maxZ = 0;
    for (let i = 2; i < added.positions.length; i += 3) maxZ = Math.max(maxZ, added.positions[i]!);
    expect(maxZ).toBeCloseTo(25, 3);
    const removed = applyScenario(base, FRAME, { added: [], removed: ['EXISTING'] });
    expect(removed.index.length).toBe(0);
    expect(Array.from(base.index)).toEqual(Array.from(copy));
    expect(scenarioKey({ added: [], removed: [] })).toBe('');
    expect(scenarioKey({ added: [project], removed: [] })).not.toBe(scenarioKey({ added: [{ ...project, heightM: 26 }], removed: [] }));
  });

  it('a project building takes sun from the cells north of it; removing a building gives sun back', () => {
    const base = baseline();
    const run = (a: CityArrays) => runToEnd(sunHoursKernel(plan(), buildTraceGeometry(a)));
    const before = run(base);
    const after = run(applyScenario(base, FRAME, { added: [project], removed: [] }));
    const cleared = run(applyScenario(base, FRAME, { added: [], removed: ['EXISTING'] }));
    let lost = 0, gained = 0;
    const { cols } = before.grid;
    for (let i = 0; i < before.sunHours.length; i++) {
      if (before.surface[i] !== 1 || after.surface[i] !== 1) continue;
      const d = before.sunHours[i]! - after.sunHours[i]!;
      expect(d).toBeGreaterThanOrEqual(-1e-6); // adding a building never adds sun
      if (d > 0.01) {
        lost++;
        const y = before.grid.y0 + (Math.floor(i / cols) + 0.5) * before.grid.cellM;
        expect(y).toBeGreaterThan(-5); // the loss is north of the project's south face (sun in the south)
      }
      if (cleared.sunHours[i]! - before.sunHours[i]! > 0.01) gained++;
    }
    expect(lost).toBeGreaterThan(50);
    expect(gained).toBeGreaterThan(0);
  });
});
