import type { GltfTriangles } from '../../core/gltf-io.ts';
import type { CameraState } from '../../core/url-state.ts';
import { canonicalEdit, type Edit } from '../../scenarios/edits.ts';
import { canonicalScenario, MAX_MODEL_BYTES, readScenarioFile, sha256Hex, usedAssets, writeScenarioFile, type ReadResult, type ScenarioAsset } from '../../scenarios/file.ts';
import { canonicalCommand, canRedo, canUndo, commandProblem, createHistory, execute, HistoryError, redo, undo, type Command, type History } from './history.ts';
import { applyEdits, createScenario, editKey, stableJson, type Scenario, type ScenarioEffect, type StudySettings } from '../../scenarios/model.ts';
import type { ScenarioStore } from '../../scenarios/store.ts';

/**
 * The planners' scenarios for the open city, as one object the app's features share: the list,
 * the active scenario with its undo history, its models, and autosave to the store (a short
 * delay after each change, and `flush()` before the page goes away). Everything the UI and the
 * scene read is in memory and synchronous; the store is written in the background.
 *
 * Nothing the user made is ever replaced silently: an import whose id exists with different
 * content becomes a copy, a refused file changes nothing, a failed save is reported and retried
 * with the next change.
 */

export type ChangeReason = 'list' | 'active' | 'edits' | 'meta' | 'saved' | 'save-failed';

export interface ScenarioServiceOptions {
  store: ScenarioStore;
  /** Current time, ISO 8601 (tests fix it). */
  now?: () => string;
  /** New ids (tests fix them). */
  newId?: (prefix: string) => string;
  /** Autosave delay, ms. */
  saveDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export type EditResult = { ok: true } | { ok: false; error: string };

let counter = 0;
function defaultId(prefix: string): string {
  const rnd = typeof crypto !== 'undefined' && 'getRandomValues' in crypto ? Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(36).padStart(2, '0')).join('') : Math.random().toString(36).slice(2, 12);
  return `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${rnd}`.slice(0, 40);
}

const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ScenarioService {
  private readonly store: ScenarioStore;
  private readonly now: () => string;
  private readonly newIdFn: (prefix: string) => string;
  private readonly saveDelayMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;
  private city: string | null = null;
  private scenarios: Scenario[] = [];
  private current: Scenario | null = null;
  private hist: History = createHistory();
  private fx: ScenarioEffect = applyEdits([]);
  private readonly assets = new Map<string, ScenarioAsset>();
  private readonly triangles = new Map<string, GltfTriangles>();
  private readonly listeners = new Set<(r: ChangeReason) => void>();
  private timer: unknown = null;
  private dirty = new Set<string>();
  private saving: Promise<void> = Promise.resolve();
  /** Last save error, if the last save failed. */
  saveError: string | null = null;
  /** Records of the store that could not be read (ids). */
  damaged: string[] = [];

  constructor(o: ScenarioServiceOptions) {
    this.store = o.store;
    this.now = o.now ?? isoNow;
    this.newIdFn = o.newId ?? defaultId;
    this.saveDelayMs = o.saveDelayMs ?? 400;
    this.setTimer = o.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = o.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
  }

  /** Calls `fn` after every change; returns the unsubscribe function. */
  onChange(fn: (r: ChangeReason) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(r: ChangeReason): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(r);
      } catch (e) {
        console.error(e);
      }
    }
  }

  newId(prefix: string): string {
    return this.newIdFn(prefix);
  }

  get cityId(): string | null {
    return this.city;
  }

  /** The scenarios of the open city, most recent first. */
  list(): readonly Scenario[] {
    return this.scenarios;
  }

  active(): Scenario | null {
    return this.current;
  }

  /** The active scenario's effect (the baseline's when none is active). */
  effect(): ScenarioEffect {
    return this.fx;
  }

  canUndo(): boolean {
    return canUndo(this.hist);
  }

  canRedo(): boolean {
    return canRedo(this.hist);
  }

  /** Loads the scenarios of a city (the active one is cleared). */
  async openCity(cityId: string): Promise<void> {
    await this.flush();
    this.city = cityId;
    this.current = null;
    this.hist = createHistory();
    this.fx = applyEdits([]);
    const { scenarios, damaged } = await this.store.list(cityId);
    if (this.city !== cityId) return;
    this.scenarios = scenarios;
    this.damaged = damaged;
    this.emit('list');
    this.emit('active');
  }

  closeCity(): void {
    void this.flush();
    this.city = null;
    this.scenarios = [];
    this.current = null;
    this.hist = createHistory();
    this.fx = applyEdits([]);
    this.emit('list');
    this.emit('active');
  }

  /** Makes a scenario active (null: the baseline). Loads its models from the store. */
  async select(id: string | null): Promise<boolean> {
    if (id === this.current?.id) return true;
    const s = id === null ? null : (this.scenarios.find((x) => x.id === id) ?? null);
    if (id !== null && s === null) return false;
    if (s !== null) {
      for (const sha of usedAssets(s)) {
        if (this.assets.has(sha)) continue;
        const a = await this.store.getAsset(sha);
        if (a !== null) this.assets.set(sha, a);
      }
      for (const sha of usedAssets(s)) await this.loadTriangles(sha);
    }
    this.current = s;
    this.hist = createHistory(s?.edits ?? []);
    this.fx = applyEdits(s?.edits ?? []);
    this.emit('active');
    this.emit('edits');
    return true;
  }

  /** Creates an empty scenario for the open city and makes it active. */
  async create(name: string, study?: StudySettings): Promise<Scenario> {
    if (this.city === null) throw new Error('no city is open');
    const s = createScenario({ id: this.newIdFn('s'), name: name.trim().slice(0, 120) || 'Scenario', cityId: this.city, now: this.now(), ...(study !== undefined ? { study } : {}) });
    this.scenarios = [s, ...this.scenarios];
    this.markDirty(s.id);
    this.emit('list');
    await this.select(s.id);
    return s;
  }

  /** A copy of a scenario (new id, name + suffix), made active. */
  async duplicate(id: string, suffix: string): Promise<Scenario | null> {
    const src = this.scenarios.find((x) => x.id === id);
    if (src === undefined) return null;
    const now = this.now();
    const copy: Scenario = { ...structuredClone(src), id: this.newIdFn('s'), name: `${src.name} ${suffix}`.slice(0, 120), createdAt: now, updatedAt: now };
    this.scenarios = [copy, ...this.scenarios];
    this.markDirty(copy.id);
    this.emit('list');
    await this.select(copy.id);
    return copy;
  }

  /** Deletes a scenario (the baseline becomes active if it was). */
  async remove(id: string): Promise<void> {
    this.scenarios = this.scenarios.filter((s) => s.id !== id);
    this.dirty.delete(id);
    if (this.current?.id === id) await this.select(null);
    this.emit('list');
    try {
      await this.store.delete(id);
      await this.store.collectAssets();
    } catch (e) {
      this.saveError = e instanceof Error ? e.message : String(e);
      this.emit('save-failed');
    }
  }

  private replaceActive(next: Scenario, reason: ChangeReason): void {
    this.current = next;
    this.scenarios = [next, ...this.scenarios.filter((s) => s.id !== next.id)];
    this.markDirty(next.id);
    this.emit(reason);
    this.emit('list');
  }

  /** Changes name, description, study or view of the active scenario (not undoable edits). */
  updateMeta(patch: { name?: string; description?: string; study?: StudySettings; view?: CameraState | null }): void {
    const s = this.current;
    if (s === null) return;
    const next: Scenario = { ...s, updatedAt: this.now() };
    if (patch.name !== undefined && patch.name.trim() !== '') next.name = patch.name.trim().slice(0, 120);
    if (patch.description !== undefined) next.description = patch.description.slice(0, 2000);
    if (patch.study !== undefined) next.study = patch.study;
    if (patch.view === null) delete next.view;
    else if (patch.view !== undefined) next.view = patch.view;
    this.replaceActive(next, 'meta');
  }

  /** Runs an undoable command on the active scenario's edits (validated first). */
  execute(cmd: Command): EditResult {
    const s = this.current;
    if (s === null) return { ok: false, error: 'no scenario is active' };
    const problem = commandProblem(cmd);
    if (problem !== null) return { ok: false, error: problem };
    try {
      this.setHistory(execute(this.hist, canonicalCommand(cmd)));
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e instanceof HistoryError ? e.message : String(e) };
    }
  }

  addEdit(edit: Edit): EditResult {
    return this.execute({ op: 'add', edit });
  }

  updateEdit(edit: Edit): EditResult {
    const old = this.current?.edits.find((e) => e.id === edit.id);
    if (old !== undefined && editKey(old) === editKey(canonicalEdit(edit))) return { ok: true };
    return this.execute({ op: 'update', edit });
  }

  removeEdit(id: string): EditResult {
    return this.execute({ op: 'remove', id });
  }

  undo(): void {
    if (canUndo(this.hist)) this.setHistory(undo(this.hist));
  }

  redo(): void {
    if (canRedo(this.hist)) this.setHistory(redo(this.hist));
  }

  private setHistory(h: History): void {
    const s = this.current!;
    this.hist = h;
    this.fx = applyEdits(h.edits);
    this.replaceActive({ ...s, edits: [...h.edits], updatedAt: this.now() }, 'edits');
  }

  /**
   * Adds a model (glTF/GLB bytes) to the device's store after checking it; returns its hash and
   * triangles, or the reason it was refused.
   */
  async addModel(bytes: Uint8Array, name: string): Promise<{ ok: true; sha: string; triangles: GltfTriangles } | { ok: false; error: string }> {
    if (bytes.length > MAX_MODEL_BYTES) return { ok: false, error: `${name}: ${(bytes.length / 1024 / 1024).toFixed(1)} MB, more than ${MAX_MODEL_BYTES / 1024 / 1024} MB` };
    let triangles: GltfTriangles;
    try {
      triangles = await (await import('../../core/gltf-io.ts')).parseGltfTriangles(bytes);
    } catch (e) {
      return { ok: false, error: `${name}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const sha = await sha256Hex(bytes);
    const isGlb = bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46;
    const asset: ScenarioAsset = { name: name.slice(0, 200) || 'model.glb', mediaType: isGlb ? 'model/gltf-binary' : 'model/gltf+json', bytes };
    this.assets.set(sha, asset);
    this.triangles.set(sha, triangles);
    try {
      await this.store.putAsset(sha, asset);
    } catch (e) {
      this.saveError = e instanceof Error ? e.message : String(e);
      this.emit('save-failed');
    }
    return { ok: true, sha, triangles };
  }

  /** A model's bytes (loaded with its scenario), or null. */
  asset(sha: string): ScenarioAsset | null {
    return this.assets.get(sha) ?? null;
  }

  /** A model's triangles (parsed when the model was added or its scenario loaded), or null when its bytes are not here or unreadable. */
  modelTriangles(sha: string): GltfTriangles | null {
    return this.triangles.get(sha) ?? null;
  }

  /** Parses a loaded model's triangles once (glTF reading is asynchronous: Draco and meshopt decoders). */
  private async loadTriangles(sha: string): Promise<void> {
    const a = this.assets.get(sha);
    if (a === undefined || this.triangles.has(sha)) return;
    try {
      this.triangles.set(sha, await (await import('../../core/gltf-io.ts')).parseGltfTriangles(a.bytes));
    } catch {
      // Unreadable: the model counts as missing in the simulations, as before.
    }
  }

  /** The active scenario as a file (throws if one of its models is missing). */
  exportFile(): string {
    if (this.current === null) throw new Error('no scenario is active');
    return writeScenarioFile(this.current, this.assets);
  }

  /**
   * Reads a file and adds its scenario (made active). A refused file changes nothing. A
   * scenario whose id exists with the same content is just made active; with other content it
   * is added as a copy with a new id.
   */
  async importFile(text: string, copySuffix = '(imported)'): Promise<ReadResult & { existing?: boolean }> {
    const r = await readScenarioFile(text);
    if (!r.ok) return r;
    return this.importRead(r, copySuffix);
  }

  /** Adds a scenario read from a file or a link (see {@link importFile}). */
  async importRead(r: Extract<ReadResult, { ok: true }>, copySuffix = '(imported)'): Promise<ReadResult & { existing?: boolean }> {
    if (this.city === null) return { ok: false, error: 'no city is open' };
    if (r.scenario.cityId !== this.city) return { ok: false, error: `this scenario is for the city "${r.scenario.cityId}"; open that city first (now: "${this.city}")` };
    for (const [sha, a] of r.assets) {
      this.assets.set(sha, a);
      await this.loadTriangles(sha);
      try {
        await this.store.putAsset(sha, a);
      } catch (e) {
        this.saveError = e instanceof Error ? e.message : String(e);
      }
    }
    const same = this.scenarios.find((s) => s.id === r.scenario.id);
    if (same !== undefined && stableJson(canonicalScenario(same)) === stableJson(canonicalScenario(r.scenario))) {
      await this.select(same.id);
      return { ...r, existing: true };
    }
    const scenario = same === undefined ? r.scenario : { ...r.scenario, id: this.newIdFn('s'), name: `${r.scenario.name} ${copySuffix}`.slice(0, 120) };
    this.scenarios = [scenario, ...this.scenarios];
    this.markDirty(scenario.id);
    this.emit('list');
    await this.select(scenario.id);
    return { ok: true, scenario, assets: r.assets };
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(() => {
      this.timer = null;
      void this.flush();
    }, this.saveDelayMs);
  }

  /** Writes every pending change now. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return this.saving;
    this.saving = this.saving.then(async () => {
      try {
        for (const id of ids) {
          const s = this.scenarios.find((x) => x.id === id);
          if (s !== undefined) await this.store.put(s);
        }
        this.saveError = null;
        this.emit('saved');
      } catch (e) {
        for (const id of ids) this.dirty.add(id);
        this.saveError = e instanceof Error ? e.message : String(e);
        this.emit('save-failed');
      }
    });
    return this.saving;
  }

  /** Whether changes wait to be written. */
  get pending(): boolean {
    return this.dirty.size > 0;
  }
}
