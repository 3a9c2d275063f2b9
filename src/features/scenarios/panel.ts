import '../../../assets/styles/scenario.css';
import type { KpiTable } from '../../scenarios/kpi.ts';
import type { ScenarioView, Tool, ToolParams } from './controller.ts';
import type { CompareMode } from './compare-link.ts';
import { BUILDING_USES, floorsToHeightM, heightToFloors, type BuildingUse, type Edit } from '../../scenarios/edits.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, getLang, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';

/**
 * The scenario panel: the scenario list (baseline, new, duplicate, delete, name), the edit
 * tools (add a building with height, floors and use; demolish or hide a picked building; an
 * excavation; a wifi hotspot; an imported glTF model with heading and scale), the list of edits
 * with undo and redo, file export and import, the share link, and the comparison (split view,
 * indicator table with deltas, printable report). DOM only: it renders a view model and calls
 * back.
 */

export type { ScenarioView, Tool, ToolParams } from './controller.ts';

export interface ScenarioPanelCallbacks {
  onClose(): void;
  onSelect(id: string | null): void;
  onNew(): void;
  onDuplicate(): void;
  onDelete(): void;
  onRename(name: string): void;
  onTool(tool: Tool, params: ToolParams): void;
  onModelFile(file: File): void;
  onModelAdjust(editId: string, headingDeg: number, scale: number): void;
  /** Opens (or closes) the 3D gizmo of an imported model. */
  onModelGizmo(editId: string): void;
  /** Places an imported model again with a click. */
  onModelMove(editId: string): void;
  /** Sets a simulation parameter in this scenario (applied to the scenario side of a comparison). */
  onParameter(simulation: string, name: string, value: number | string | boolean): void;
  onRemoveEdit(id: string): void;
  onUndo(): void;
  onRedo(): void;
  onExport(): void;
  onImportFile(file: File): void;
  onShare(): void;
  /** Chooses the comparison view (the split view and the synchronised views exclude each other). */
  onCompare(mode: CompareMode | null): void;
  onKpis(date: string): void;
  onCancel(): void;
  onReport(): void;
}

export interface ScenarioPanel extends Panel {
  render(v: ScenarioView): void;
  setMessage(text: string | null, level?: 'info' | 'error'): void;
  setDate(date: string): void;
  dispose(): void;
}

/** A one-line description of an edit (list, report). */
export function describeEdit(e: Edit): string {
  const kind = t(`scenario.kind.${e.kind}` as MessageKey);
  const f0 = (v: number) => formatNumber(v, 0);
  switch (e.kind) {
    case 'add-building':
      return `${kind} : ${t(`scenario.use.${e.use}` as MessageKey)}, ${f0(e.heightM)} m${e.floors !== undefined ? `, ${e.floors} ${t('scenario.floors').toLowerCase()}` : ''}${e.label !== undefined ? ` — ${e.label}` : ''}`;
    case 'add-model':
      return `${kind} : ${e.name} (${f0(e.headingDeg)}°, ×${formatNumber(e.scale, 2)})`;
    case 'remove-building':
    case 'hide-building':
      return `${kind} : ${e.buildingId}`;
    case 'clip':
      return `${kind} : ${f0(e.depthM)} m`;
    case 'close-car-park':
      return `${kind} : ${e.label ?? e.carParkId}`;
    case 'remove-hotspot':
      return `${kind} : ${e.label ?? e.hotspotId}`;
    case 'add-car-park':
      return `${kind} : ${e.capacity} places`;
    case 'add-hotspot':
      return `${kind} : ${e.bandGHz} GHz, ${f0(e.eirpDbm)} dBm`;
    case 'set-parameter':
      return `${kind} : ${e.simulation}.${e.name} = ${String(e.value)}`;
    default:
      return kind;
  }
}

export function createScenarioPanel(cb: ScenarioPanelCallbacks): ScenarioPanel {
  const panel = createPanel('panel-scenario', 'scenario.title', cb.onClose, 'panel-scenario panel-sim');
  const btn = (id: string, key: MessageKey, onClick: () => void, cls = 'text-button') => {
    const b = h('button', { id, type: 'button', class: cls, on: { click: onClick } });
    b.dataset.key = key;
    return b;
  };
  const num = (id: string, value: number, min: number, max: number, step: number) => h('input', { id, type: 'number', attrs: { min, max, step, value } });
  const select = h('select', { id: 'scn-select', on: { change: () => cb.onSelect(select.value === '' ? null : select.value) } });
  const name = h('input', { id: 'scn-name', type: 'text', attrs: { maxlength: 120 }, on: { change: () => cb.onRename(name.value) } });
  const height = num('scn-height', 30, 1, 1000, 1);
  const floors = num('scn-floors', 10, 1, 300, 1);
  const use = h('select', { id: 'scn-use' });
  const depth = num('scn-depth', 10, 1, 200, 1);
  const capacity = num('scn-capacity', 300, 1, 20000, 10);
  const date = h('input', { id: 'scn-date', type: 'date', attrs: { min: '1900-01-01', max: '2199-12-31' } });
  const radio = (id: string, mode: CompareMode | null) => {
    const r = h('input', { id, type: 'radio', attrs: { name: 'scn-compare', value: mode ?? 'off' }, on: { change: () => r.checked && cb.onCompare(mode) } });
    return r;
  };
  const compareRadios = { off: radio('scn-cmp-off', null), split: radio('scn-split', 'split'), sync: radio('scn-sync', 'sync') };
  const modelInput = h('input', { id: 'scn-model-file', type: 'file', attrs: { accept: '.glb,.gltf,model/gltf-binary,model/gltf+json' }, hidden: true });
  const importInput = h('input', { id: 'scn-import-file', type: 'file', attrs: { accept: '.json,application/json' }, hidden: true });
  modelInput.addEventListener('change', () => {
    const f = modelInput.files?.[0];
    if (f !== undefined) cb.onModelFile(f);
    modelInput.value = '';
  });
  importInput.addEventListener('change', () => {
    const f = importInput.files?.[0];
    if (f !== undefined) cb.onImportFile(f);
    importInput.value = '';
  });
  const params = (): ToolParams => ({ heightM: Number(height.value), floors: floors.value === '' ? null : Number(floors.value), use: use.value as BuildingUse, depthM: Number(depth.value), capacity: Number(capacity.value) });
  const tool = (id: string, key: MessageKey, kind: Tool) => btn(id, key, () => cb.onTool(kind, params()));
  const buttons = {
    create: btn('scn-new', 'scenario.new', cb.onNew),
    duplicate: btn('scn-duplicate', 'scenario.duplicate', cb.onDuplicate),
    remove: btn('scn-delete', 'scenario.delete', cb.onDelete),
    building: tool('scn-add-building', 'scenario.addBuilding', 'building'),
    demolish: tool('scn-remove-building', 'scenario.remove', 'remove'),
    hide: tool('scn-hide-building', 'scenario.hide', 'hide'),
    clip: tool('scn-clip', 'scenario.clip', 'clip'),
    hotspot: tool('scn-hotspot', 'scenario.hotspot', 'hotspot'),
    facility: tool('scn-facility', 'scenario.facility', 'facility'),
    carpark: tool('scn-carpark', 'scenario.carpark', 'carpark'),
    model: btn('scn-model', 'scenario.model', () => modelInput.click()),
    undo: btn('scn-undo', 'scenario.undo', cb.onUndo),
    redo: btn('scn-redo', 'scenario.redo', cb.onRedo),
    exportFile: btn('scn-export', 'scenario.export', cb.onExport),
    importFile: btn('scn-import', 'scenario.import', () => importInput.click()),
    share: btn('scn-share', 'scenario.share', cb.onShare),
    kpis: btn('scn-kpis', 'scenario.kpis', () => cb.onKpis(date.value), 'text-button primary'),
    cancel: btn('scn-cancel', 'scenario.cancel', cb.onCancel),
    report: btn('scn-report', 'scenario.report', cb.onReport),
  };
  const message = h('p', { class: 'sim-message', id: 'scn-message', hidden: true, attrs: { role: 'status' } });
  const body = h('div', { class: 'scn-body' });
  panel.body.append(body, modelInput, importInput);
  let last: ScenarioView | null = null;
  let paramsOpen = false;
  // What the user is typing in the parameter form survives re-renders (autosave, runs, edits).
  const paramDraft = { sim: '', name: '', value: '' };
  let messageText: { text: string; level: 'info' | 'error' } | null = null;

  const label = (text: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', {}, text), control);

  function kpiTable(tb: KpiTable, stale: boolean): HTMLElement {
    const lang = getLang();
    const rows = tb.rows.map((r) => {
      const unit = r.unit === '' ? '' : ` ${r.unit}`;
      const f = (v: number | null, signed = false) => (v === null ? '—' : `${signed && v > 0 ? '+' : ''}${formatNumber(v, r.decimals)}${unit}`);
      if (r.error !== null) return h('tr', { attrs: { 'data-kpi': r.id } }, h('td', {}, r.label[lang]), h('td', { attrs: { colspan: 3 }, class: 'scn-error' }, r.error));
      return h(
        'tr',
        { attrs: { 'data-kpi': r.id, title: r.method[lang] } },
        h('td', {}, r.label[lang]),
        h('td', { class: 'n' }, f(r.baseline)),
        h('td', { class: 'n' }, f(r.scenario)),
        h('td', { class: `n scn-${r.verdict ?? 'same'}` }, f(r.delta, true)),
      );
    });
    return h(
      'div',
      { class: 'scn-kpis' },
      h('table', { id: 'scn-kpi-table' }, h('thead', {}, h('tr', {}, h('th', {}, t('scenario.kpiCol')), h('th', {}, t('scenario.kpiBase')), h('th', {}, t('scenario.kpiScen')), h('th', {}, t('scenario.kpiDelta')))), h('tbody', {}, ...rows)),
      stale ? h('p', { class: 'sim-note' }, t('scenario.kpiStale')) : null,
    );
  }

  function render(v: ScenarioView): void {
    last = v;
    for (const b of Object.values(buttons)) b.textContent = t(b.dataset.key as MessageKey);
    replaceChildren(select, h('option', { attrs: { value: '' } }, t('scenario.baseline')), ...v.scenarios.map((s) => h('option', { attrs: { value: s.id } }, s.name)));
    select.value = v.activeId ?? '';
    replaceChildren(use, ...BUILDING_USES.map((u) => h('option', { attrs: { value: u } }, t(`scenario.use.${u}` as MessageKey))));
    use.value = use.dataset.value ?? 'residential';
    const active = v.scenarios.find((s) => s.id === v.activeId) ?? null;
    if (document.activeElement !== name) name.value = active?.name ?? '';
    const on = active !== null;
    for (const b of [buttons.duplicate, buttons.remove, buttons.building, buttons.demolish, buttons.hide, buttons.clip, buttons.hotspot, buttons.facility, buttons.carpark, buttons.model, buttons.exportFile, buttons.share, buttons.kpis, buttons.report]) b.disabled = !on || v.running !== null;
    buttons.undo.disabled = !v.canUndo;
    buttons.redo.disabled = !v.canRedo;
    buttons.cancel.hidden = v.running === null;
    compareRadios.off.checked = v.compare === null;
    compareRadios.split.checked = v.compare === 'split';
    compareRadios.sync.checked = v.compare === 'sync';
    const parts: (Node | null)[] = [
      h('div', { class: 'scn-row' }, label(t('scenario.active'), select)),
      h('div', { class: 'sim-actions' }, buttons.create, buttons.duplicate, buttons.remove),
    ];
    if (!on) parts.push(h('p', { class: 'hint' }, t('scenario.noScenario')));
    else {
      parts.push(label(t('scenario.name'), name));
      parts.push(h('h3', {}, t('scenario.addBuilding')), h('div', { class: 'sim-grid scn-grid3' }, label(t('scenario.height'), height), label(t('scenario.floors'), floors), label(t('scenario.use'), use)));
      parts.push(h('div', { class: 'sim-actions' }, buttons.building, buttons.demolish, buttons.hide));
      parts.push(h('div', { class: 'sim-actions' }, label(t('scenario.depth'), depth), buttons.clip, buttons.model));
      parts.push(h('h3', {}, t('scenario.networks')), h('div', { class: 'sim-actions' }, buttons.hotspot, buttons.facility, label(t('scenario.capacity'), capacity), buttons.carpark));
      if (v.hint !== null) parts.push(h('p', { class: 'hint sim-draw-hint', id: 'scn-hint', attrs: { role: 'status' } }, v.hint));
      const list = h('ol', { class: 'scn-edits', id: 'scn-edits' });
      for (const e of v.edits) {
        const li = h('li', { attrs: { 'data-edit': e.id } }, h('span', {}, describeEdit(e)));
        if (e.kind === 'add-model') {
          const hd = num(`scn-heading-${e.id}`, e.headingDeg, 0, 359.99, 1);
          const sc = num(`scn-scale-${e.id}`, e.scale, 0.001, 1000, 0.1);
          const apply = () => cb.onModelAdjust(e.id, Number(hd.value), Number(sc.value));
          hd.addEventListener('change', apply);
          sc.addEventListener('change', apply);
          const move = h('button', { id: `scn-move-${e.id}`, type: 'button', class: 'text-button', on: { click: () => cb.onModelMove(e.id) } }, t('scenario.move'));
          const gz = h('button', { id: `scn-gizmo-${e.id}`, type: 'button', class: 'text-button', attrs: { 'aria-pressed': String(v.gizmoFor === e.id) }, on: { click: () => cb.onModelGizmo(e.id) } }, t('scenario.gizmo'));
          li.append(h('span', { class: 'scn-model-fields' }, label(t('scenario.heading'), hd), label(t('scenario.scale'), sc), move, gz));
        }
        li.append(h('button', { type: 'button', class: 'icon-button scn-remove-edit', title: t('scenario.removeEdit'), attrs: { 'aria-label': t('scenario.removeEdit') }, on: { click: () => cb.onRemoveEdit(e.id) } }, '×'));
        list.append(li);
      }
      parts.push(h('h3', {}, `${t('scenario.edits')} (${v.edits.length})`), v.edits.length === 0 ? h('p', { class: 'hint' }, t('scenario.noEdits')) : list);
      const save = v.saveState === 'saved' ? t('scenario.saved') : v.saveState === 'saving' ? t('scenario.saving') : '';
      parts.push(h('div', { class: 'sim-actions' }, buttons.undo, buttons.redo, h('span', { class: 'hint', id: 'scn-save-state' }, save)));
    }
    if (on) {
      const sims = h('select', { id: 'scn-param-sim' }, ...v.simulations.map((id) => h('option', { attrs: { value: id } }, id)));
      const pname = h('input', { id: 'scn-param-name', type: 'text', attrs: { maxlength: 64, placeholder: 'stepMin' } });
      const pvalue = h('input', { id: 'scn-param-value', type: 'text', attrs: { maxlength: 200 } });
      if (v.simulations.includes(paramDraft.sim)) sims.value = paramDraft.sim;
      pname.value = paramDraft.name;
      pvalue.value = paramDraft.value;
      sims.addEventListener('change', () => (paramDraft.sim = sims.value));
      pname.addEventListener('input', () => (paramDraft.name = pname.value));
      pvalue.addEventListener('input', () => (paramDraft.value = pvalue.value));
      const set = h('button', { id: 'scn-param-set', type: 'button', class: 'text-button', on: { click: () => {
        const raw = pvalue.value.trim();
        const value = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
        cb.onParameter(sims.value, pname.value.trim(), value);
      } } }, t('scenario.paramSet'));
      const details = h('details', { class: 'scn-params', on: { toggle: () => (paramsOpen = details.open) } });
      details.open = paramsOpen;
      parts.push(details);
      details.append(h('summary', {}, t('scenario.params')), h('div', { class: 'sim-grid scn-grid3' }, label(t('scenario.paramSim'), sims), label(t('scenario.paramName'), pname), label(t('scenario.paramValue'), pvalue)), set);
    }
    parts.push(h('h3', {}, t('scenario.file')), h('div', { class: 'sim-actions' }, buttons.exportFile, buttons.importFile, buttons.share));
    if (on) {
      parts.push(h('h3', {}, t('scenario.compare')));
      parts.push(
        h(
          'fieldset',
          { class: 'scn-cmp', id: 'scn-compare' },
          h('legend', {}, t('scenario.compareView')),
          h('label', { class: 'field scn-check' }, compareRadios.off, h('span', {}, t('scenario.compareOff'))),
          h('label', { class: 'field scn-check' }, compareRadios.split, h('span', {}, t('scenario.split'))),
          h('label', { class: 'field scn-check' }, compareRadios.sync, h('span', {}, t('scenario.sync'))),
        ),
      );
      parts.push(h('div', { class: 'sim-actions' }, label(t('scenario.date'), date), buttons.kpis, buttons.cancel, buttons.report));
      if (v.running !== null) parts.push(h('p', { class: 'hint', id: 'scn-running', attrs: { 'aria-live': 'polite' } }, v.running));
      if (v.areaText !== null) parts.push(h('p', { class: 'hint' }, v.areaText));
      if (v.table !== null) parts.push(kpiTable(v.table, v.tableStale));
      if (v.missingKpis !== null) parts.push(h('p', { class: 'hint' }, v.missingKpis));
      if (v.note !== null) parts.push(h('p', { class: 'sim-note' }, v.note));
    }
    parts.push(message);
    replaceChildren(body, ...parts);
  }
  use.addEventListener('change', () => (use.dataset.value = use.value));
  // Height and floors follow each other (3 m a storey) until the user sets both.
  height.addEventListener('input', () => {
    const v = Number(height.value);
    if (Number.isFinite(v) && v > 0) floors.value = String(heightToFloors(v));
  });
  floors.addEventListener('input', () => {
    const v = Number(floors.value);
    if (Number.isInteger(v) && v > 0) height.value = String(floorsToHeightM(v));
  });

  return {
    ...panel,
    relabel() {
      panel.relabel();
      if (last !== null) render(last);
    },
    render,
    setMessage(text, level = 'info') {
      messageText = text === null ? null : { text, level };
      message.hidden = messageText === null;
      message.textContent = messageText?.text ?? '';
      message.classList.toggle('sim-error', level === 'error');
    },
    setDate(d) {
      date.value = d;
    },
    dispose() {
      replaceChildren(body);
    },
  };
}

/**
 * Undo and redo from the keyboard anywhere in the page (Ctrl/⌘+Z, Ctrl/⌘+Shift+Z or Ctrl/⌘+Y),
 * except while typing in a field. Returns the remover.
 */
export function listenUndoKeys(undo: () => void, redo: () => void): () => void {
  const onKeys = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    if (((e.target as HTMLElement | null)?.closest('input, textarea, select') ?? null) !== null) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) undo();
    else if ((k === 'z' && e.shiftKey) || k === 'y') redo();
    else return;
    e.preventDefault();
  };
  document.addEventListener('keydown', onKeys);
  return () => document.removeEventListener('keydown', onKeys);
}
