import { describe, expect, it } from 'vitest';
import { writeGlb } from '../../../src/core/gltf-io.ts';
import { compressedGlb } from '../../support/compressed-glb.ts';
import type { Edit } from '../../../src/scenarios/edits.ts';
import { ScenarioService } from '../../../src/features/scenarios/service.ts';
import { createMemoryStore, type ScenarioStore } from '../../../src/scenarios/store.ts';
import { toSimScenario } from '../../../src/scenarios/simulate.ts';

/** The scenario service: several scenarios per city, undo/redo, autosave, import that never overwrites. */

const TOWER: Edit = { kind: 'add-building', id: 'tower', use: 'office', heightM: 60, footprint: [[-1.6803, 48.109], [-1.6797, 48.109], [-1.6797, 48.1094], [-1.6803, 48.1094]] };

function make(store: ScenarioStore = createMemoryStore()) {
  let n = 0;
  let timer: (() => void) | null = null;
  const service = new ScenarioService({ store, now: () => `2026-01-01T00:00:${String(n).padStart(2, '0')}Z`, newId: (p) => `${p}${++n}`, setTimer: (fn) => (timer = fn), clearTimer: () => (timer = null) });
  return { service, store, fire: () => timer?.() };
}

describe('ScenarioService', () => {
  it('creates scenarios per city, edits with undo/redo, and autosaves after a delay', async () => {
    const { service, store, fire } = make();
    await service.openCity('demo');
    const s = await service.create('Tower');
    expect(service.addEdit(TOWER)).toEqual({ ok: true });
    expect(service.addEdit({ ...TOWER, heightM: -1, id: 'bad' })).toMatchObject({ ok: false, error: expect.stringMatching(/heightM: a height is at least 1 m/) });
    expect(service.addEdit({ kind: 'remove-building', id: 'rm', buildingId: 'D1' })).toEqual({ ok: true });
    expect(service.effect().removed.has('D1')).toBe(true);
    service.undo();
    service.undo();
    expect(service.active()!.edits).toEqual([]);
    service.redo();
    expect(service.active()!.edits.map((e) => e.id)).toEqual(['tower']);
    expect((await store.get(s.id))).toBeNull(); // not yet written: the delay has not passed
    fire();
    await service.flush();
    expect((await store.get(s.id))!.edits.map((e) => e.id)).toEqual(['tower']);
    await service.openCity('paris');
    expect(service.list()).toEqual([]);
    await service.openCity('demo');
    expect(service.list().map((x) => x.name)).toEqual(['Tower']);
  });

  it('import: a refused file changes nothing; the same scenario is selected; a different one with the same id becomes a copy', async () => {
    const { service } = make();
    await service.openCity('demo');
    await service.create('A');
    service.addEdit(TOWER);
    const text = service.exportFile();
    const bad = await service.importFile(text.slice(0, 100));
    expect(bad.ok).toBe(false);
    expect(service.list()).toHaveLength(1);
    expect(await service.importFile(text)).toMatchObject({ ok: true, existing: true });
    expect(service.list()).toHaveLength(1);
    service.addEdit({ kind: 'remove-building', id: 'rm', buildingId: 'D1' });
    const r = await service.importFile(text, '(imported)');
    expect(r.ok).toBe(true);
    expect(service.list()).toHaveLength(2);
    expect(service.active()!.name).toBe('A (imported)');
    expect(service.active()!.edits.map((e) => e.id)).toEqual(['tower']);
    const other = JSON.parse(text);
    other.scenario.cityId = 'paris';
    expect(await service.importFile(JSON.stringify(other))).toMatchObject({ ok: false, error: expect.stringMatching(/for the city "paris"/) });
  });

  it('imported models: checked, kept by hash, placed into the simulation input', async () => {
    const { service } = make();
    await service.openCity('demo');
    await service.create('Model');
    const glb = await writeGlb({ positions: [0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 30], normals: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], indices: [0, 1, 2, 0, 1, 3], color: [1, 1, 1, 1] });
    expect(await service.addModel(new Uint8Array([1, 2, 3]), 'junk.glb')).toMatchObject({ ok: false, error: expect.stringMatching(/^junk\.glb: /) });
    const m = await service.addModel(glb, 'tower.glb');
    if (!m.ok) throw new Error(m.error);
    expect(service.addEdit({ kind: 'add-model', id: 'm', asset: m.sha, name: 'tower.glb', lonDeg: -1.68, latDeg: 48.11, baseM: 0, headingDeg: 90, scale: 2 })).toEqual({ ok: true });
    const { scenario, missing } = toSimScenario(service.effect(), (sha) => service.modelTriangles(sha));
    expect(missing).toEqual([]);
    expect(scenario.meshes).toHaveLength(1);
    let maxZ = 0;
    for (let i = 2; i < scenario.meshes[0]!.positions.length; i += 3) maxZ = Math.max(maxZ, scenario.meshes[0]!.positions[i]!);
    expect(maxZ).toBeCloseTo(60, 4); // 30 m authored, scale 2
    const text = service.exportFile();
    expect(JSON.parse(text).assets[m.sha].name).toBe('tower.glb');
  });

  it('Draco- and meshopt-compressed models are imported, exported and read back with their triangles', async () => {
    const plain = await writeGlb({ positions: [0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 30], normals: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], indices: [0, 1, 2, 0, 1, 3], color: [1, 1, 1, 1] });
    for (const method of ['draco', 'meshopt'] as const) {
      const { service } = make();
      await service.openCity('demo');
      await service.create('Compressed');
      const m = await service.addModel(await compressedGlb(plain, method), `tower-${method}.glb`);
      if (!m.ok) throw new Error(m.error);
      expect(m.triangles.triangles).toBe(2);
      expect(m.triangles.bounds.max[2]).toBeCloseTo(30, 1);
      service.addEdit({ kind: 'add-model', id: 'm', asset: m.sha, name: `tower-${method}.glb`, lonDeg: -1.68, latDeg: 48.11, baseM: 0, headingDeg: 0, scale: 1 });
      const text = service.exportFile();
      // Another device: the file's model is checked and its triangles enter the simulations.
      const { service: other } = make();
      await other.openCity('demo');
      const r = await other.importFile(text);
      expect(r).toMatchObject({ ok: true });
      expect(toSimScenario(other.effect(), (sha) => other.modelTriangles(sha)).missing).toEqual([]);
    }
  });

  it('a failing store is reported and the change is kept for the next save', async () => {
    const mem = createMemoryStore();
    let fail = true;
    const store: ScenarioStore = { ...mem, put: (s) => (fail ? Promise.reject(new Error('QuotaExceededError')) : mem.put(s)) };
    const { service } = make(store);
    await service.openCity('demo');
    const s = await service.create('Q');
    await service.flush();
    expect(service.saveError).toMatch(/Quota/);
    expect(service.pending).toBe(true);
    fail = false;
    await service.flush();
    expect(service.saveError).toBeNull();
    expect(await mem.get(s.id)).not.toBeNull();
  });
});
