import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { SIMULATIONS } from '../../../src/app/simulations.ts';
import { sunHoursSimulation } from '../../../src/features/sun/contract.ts';
import { sunPositionSimulation } from '../../../src/features/sun/position-contract.ts';
import { implementations } from '../../../workers/simulations.ts';
import { parseInput } from '../../../workers/runtime.ts';
import { computeSunPosition } from '../../../src/features/sun/position-kernel.ts';

/** Conformance of every registered simulation, and fuzzing of their input schemas. */

const run = promisify(execFile);

describe('every simulation', () => {
  it('has a unique id, a version, a kernel, an example that parses and a complete method card in both languages', async () => {
    const bound = await implementations();
    expect([...bound.keys()].sort()).toEqual(SIMULATIONS.map((s) => s.id).sort());
    expect(new Set(SIMULATIONS.map((s) => s.id)).size).toBe(SIMULATIONS.length);
    for (const s of SIMULATIONS) {
      expect(s.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(Number.isInteger(s.version) && s.version >= 1).toBe(true);
      expect(bound.get(s.id)).toBeDefined();
      expect(s.input.safeParse(s.example).success).toBe(true);
      const c = s.card;
      for (const t of [s.title, c.title, c.summary, c.model, c.reference, ...c.validity, ...c.equations.map((e) => e.label), ...c.parameters.map((p) => p.meaning)]) {
        expect(t.fr.length).toBeGreaterThan(0);
        expect(t.en.length).toBeGreaterThan(0);
      }
      expect(c.equations.length).toBeGreaterThan(0);
      expect(c.parameters.length).toBeGreaterThan(0);
      expect(c.sources.length).toBeGreaterThan(0);
      expect(c.validity.length).toBeGreaterThan(0);
      expect(() => z.toJSONSchema(s.input, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
  });

  it('input parsing never throws: any JSON value is either accepted or refused with a path (fuzz)', () => {
    for (const s of SIMULATIONS) {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.record({ latDeg: fc.anything(), lonDeg: fc.anything(), time: fc.anything(), area: fc.anything(), date: fc.anything() }, { requiredKeys: [] })), (value) => {
          const r = parseInput(s.id, value);
          return r.ok || (r.error.code === 'invalid-input' && typeof r.error.message === 'string' && r.error.message.length > 0);
        }),
        { numRuns: 400 },
      );
    }
  });

  it('sun-hours refuses out-of-range parameters with the field named', () => {
    const ex = sunHoursSimulation.example as Record<string, unknown>;
    const bad: [Record<string, unknown>, string][] = [
      [{ ...ex, cellM: 0.1 }, 'cellM'],
      [{ ...ex, stepMin: 0 }, 'stepMin'],
      [{ ...ex, date: '2026-02-30' }, 'date'],
      [{ ...ex, endDate: '2025-01-01' }, 'endDate'],
      [{ ...ex, timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ ...ex, area: { type: 'Polygon', coordinates: [[[-1.7, 48.0], [-1.6, 48.0], [-1.6, 48.1], [-1.7, 48.1]]] } }, 'area'],
      [{ ...ex, area: { type: 'Polygon', coordinates: [[[-1.7, 48.0], [-1.7, 48.0], [-1.7, 48.0]]] } }, 'area.coordinates.0'],
      [{ ...ex, unknownField: 1 }, ''],
    ];
    for (const [input, path] of bad) {
      const r = parseInput('sun-hours', input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.path?.startsWith(path)).toBe(true);
    }
  });

  it('sun-position gives outputs that satisfy its output schema for any valid input (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89.99, max: 89.99, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2150, 0, 1) }),
        (latDeg, lonDeg, ms) => {
          const input = sunPositionSimulation.input.parse({ latDeg, lonDeg, time: new Date(ms).toISOString() });
          return sunPositionSimulation.output.safeParse(computeSunPosition(input)).success;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('npm run sim', () => {
  const cli = (...args: string[]) => run('npx', ['tsx', 'tools/sim/cli.ts', ...args], { cwd: process.cwd() }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );

  it('lists simulations, prints a schema, runs sun-position and refuses bad JSON with an error as data', async () => {
    const list = await cli('list');
    expect(JSON.parse(list.out).map((s: { id: string }) => s.id)).toEqual(['sun-position', 'sun-hours', 'walk-isochrones', 'parking-search', 'building-stats', 'wifi-coverage']);
    const schema = JSON.parse((await cli('sun-hours', '--schema')).out);
    expect(schema.properties.cellM.default).toBe(2);
    expect(schema.properties.stepMin.default).toBe(15);
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'jumeau-cli-'));
    await writeFile(join(dir, 'in.json'), JSON.stringify({ latDeg: 39.742476, lonDeg: -105.1786, time: '2003-10-17T12:30:30-07:00', elevationM: 1830.14, pressureMbar: 820, temperatureC: 11, deltaT: 67 }));
    const ok = await cli('sun-position', join(dir, 'in.json'));
    expect(ok.code).toBe(0);
    const v = JSON.parse(ok.out).value;
    expect(v.zenithDeg).toBeCloseTo(50.11162, 4);
    expect(v.azimuthDeg).toBeCloseTo(194.34024, 4);
    expect(v.sunrise).toMatch(/^2003-10-17T13:12:4/);
    await writeFile(join(dir, 'bad.json'), '{ "latDeg": ');
    const bad = await cli('sun-position', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await writeFile(join(dir, 'range.json'), JSON.stringify({ latDeg: 91, lonDeg: 0, time: '2026-01-01T00:00:00Z' }));
    expect(JSON.parse((await cli('sun-position', join(dir, 'range.json'))).out)).toMatchObject({ ok: false, error: { code: 'invalid-input', path: 'latDeg' } });
  });
});
