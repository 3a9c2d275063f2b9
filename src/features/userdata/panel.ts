import { rgbToHex } from '../../core/color-ramp.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import type { UrlKind, UserCityRow, UserRowState } from './item.ts';

/**
 * The "my data" panel: a drop zone and a file picker, a URL field, and one row per added item
 * (name, format, state or error, show, opacity, colour by attribute with its legend, zoom,
 * remove, the licence the user states; CSV coordinate columns and CRS; model placement). The
 * whole window also accepts dropped files while the panel is installed. Text only, never HTML.
 */

export interface UserDataPanelCallbacks {
  onClose(): void;
  /** Files dropped or picked together; `paths` relative to what was dropped (a folder's files). */
  onFiles(files: File[], paths?: string[]): void;
  onUrl(url: string, kind: UrlKind): void;
  onShown(id: string, on: boolean): void;
  onOpacity(id: string, alpha: number): void;
  onStyle(id: string, field: string | null): void;
  onZoom(id: string): void;
  onRemove(id: string): void;
  onLicence(id: string, licence: string, publisher: string): void;
  onCsv(id: string, x: string, y: string | null, crs: string): void;
  onWmsLayer(id: string, layer: string): void;
  onCityCrs(id: string, crs: string): void;
  onPlace(id: string): void;
  onPlacement(id: string, p: { lonDeg: number; latDeg: number; heightM: number; headingDeg: number; scale: number }): void;
}

export interface UserDataPanel extends Panel {
  setRows(rows: readonly UserRowState[]): void;
  updateRow(row: UserRowState): void;
  removeRow(id: string): void;
  /** Removes the window drop handlers. */
  dispose(): void;
}

export function createUserDataPanel(cb: UserDataPanelCallbacks): UserDataPanel {
  const panel = createPanel('data', 'userdata.title', cb.onClose, 'userdata-panel');
  const input = h('input', { type: 'file', id: 'userdata-file', class: 'sr-only', attrs: { multiple: true, accept: '.geojson,.json,.csv,.tsv,.txt,.gpx,.kml,.kmz,.zip,.glb,.gltf,.bin,.png,.jpg,.jpeg,.webp,.ktx2,.3tz,.gml,.citygml,.xml' } });
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length > 0) cb.onFiles(files);
  });
  const pick = h('button', { type: 'button', class: 'button', on: { click: () => input.click() } });
  // A folder of tiles or a glTF with its resources (the files keep their paths within the folder).
  const folderInput = h('input', { type: 'file', id: 'userdata-folder', class: 'sr-only', attrs: { webkitdirectory: true, multiple: true } });
  folderInput.addEventListener('change', () => {
    const files = [...(folderInput.files ?? [])];
    folderInput.value = '';
    if (files.length > 0) cb.onFiles(files, files.map((f) => f.webkitRelativePath || f.name));
  });
  const pickFolder = h('button', { type: 'button', class: 'button', on: { click: () => folderInput.click() } });
  const dropText = h('span', {});
  const drop = h('div', { class: 'userdata-drop', id: 'userdata-drop', attrs: { tabindex: 0 } }, dropText, pick, pickFolder, input, folderInput);
  const url = h('input', { type: 'text', id: 'userdata-url', class: 'userdata-url', attrs: { spellcheck: 'false', inputmode: 'url', autocomplete: 'url' } });
  const kind = h('select', { id: 'userdata-url-kind' });
  const add = h('button', { type: 'submit', class: 'button', id: 'userdata-url-add' });
  const form = h('form', { class: 'userdata-url-form' }, url, kind, add);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = url.value.trim();
    if (v === '') return;
    cb.onUrl(v, kind.value as UrlKind);
    url.value = '';
  });
  const list = h('ul', { class: 'userdata-list', id: 'userdata-list' });
  const empty = h('p', { class: 'userdata-empty' });
  panel.body.append(drop, form, list, empty);

  const relabelOwn = () => {
    dropText.textContent = t('userdata.drop');
    pick.textContent = t('userdata.pick');
    input.setAttribute('aria-label', t('userdata.pick'));
    pickFolder.textContent = t('userdata.pickFolder');
    folderInput.setAttribute('aria-label', t('userdata.pickFolder'));
    drop.setAttribute('aria-label', t('userdata.drop'));
    url.placeholder = t('userdata.url');
    url.setAttribute('aria-label', t('userdata.url'));
    kind.setAttribute('aria-label', t('userdata.urlKind'));
    const v = kind.value || 'auto';
    replaceChildren(kind, ...(['auto', 'tileset', 'data', 'wms', 'wmts', 'xyz'] as const).map((k) => h('option', { attrs: { value: k, selected: k === v } }, t(`userdata.kind.${k}`))));
    add.textContent = t('userdata.add');
    empty.textContent = t('userdata.empty');
  };
  relabelOwn();

  // Files dropped anywhere on the window (the panel or the 3D view).
  let depth = 0;
  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  const onEnter = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    depth++;
    document.body.classList.add('userdata-dragging');
  };
  const onLeave = () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) document.body.classList.remove('userdata-dragging');
  };
  const onOver = (e: DragEvent) => {
    if (hasFiles(e)) e.preventDefault();
  };
  const onDrop = (e: DragEvent) => {
    depth = 0;
    document.body.classList.remove('userdata-dragging');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    // Entries must be taken during the drop event; folders are then walked asynchronously.
    const entries = [...(e.dataTransfer?.items ?? [])].map((it) => it.webkitGetAsEntry?.() ?? null);
    if (entries.some((en) => en?.isDirectory === true)) {
      void readEntries(entries.filter((en): en is FileSystemEntry => en !== null)).then(
        (got) => cb.onFiles(got.map((g) => g.file), got.map((g) => g.path)),
        () => cb.onFiles(files),
      );
    } else cb.onFiles(files);
  };
  window.addEventListener('dragenter', onEnter);
  window.addEventListener('dragleave', onLeave);
  window.addEventListener('dragover', onOver);
  window.addEventListener('drop', onDrop);

  const rows = new Map<string, HTMLLIElement>();
  const render = (r: UserRowState): HTMLLIElement => {
    const status =
      r.status.kind === 'loading' ? (r.status.label !== undefined ? r.status.label : r.status.percent === null ? t('userdata.loading') : t('userdata.progress', { percent: formatNumber(r.status.percent, 0) }))
        : r.status.kind === 'error' ? r.status.reason
          : r.status.summary;
    const head = h(
      'div',
      { class: 'userdata-head' },
      h('input', { type: 'checkbox', class: 'userdata-shown', title: t('userdata.show'), attrs: { checked: r.shown, 'aria-label': `${t('userdata.show')} ${r.name}` }, on: { change: (e) => cb.onShown(r.id, (e.target as HTMLInputElement).checked) } }),
      h('span', { class: 'userdata-name', title: r.name }, r.name),
      h('span', { class: 'badge userdata-format' }, r.format),
    );
    const actions = h(
      'div',
      { class: 'userdata-actions' },
      r.status.kind === 'ready' ? h('button', { type: 'button', class: 'button button-small userdata-zoom', on: { click: () => cb.onZoom(r.id) } }, t('userdata.zoom')) : null,
      h('button', { type: 'button', class: 'button button-small userdata-remove', on: { click: () => cb.onRemove(r.id) } }, t('userdata.remove')),
    );
    const state = h('div', { class: `userdata-status userdata-status-${r.status.kind}`, role: r.status.kind === 'error' ? 'alert' : 'status' }, status);
    const li = h('li', { class: 'userdata-item', attrs: { 'data-id': r.id, 'data-status': r.status.kind, 'data-format': r.format } }, head, state, actions);
    if (r.status.kind === 'ready' && r.status.issues.length > 0) {
      li.append(h('details', { class: 'userdata-issues' }, h('summary', {}, t('userdata.issues', { count: r.status.issues.length })), h('ul', {}, ...r.status.issues.slice(0, 20).map((i) => h('li', {}, `${i.where}: ${i.reason}`)))));
    }
    if (r.status.kind === 'ready') {
      const opacity = h('input', { type: 'range', attrs: { min: 0, max: 1, step: 0.05, value: r.opacity, 'aria-label': t('userdata.opacity') } });
      opacity.addEventListener('input', () => cb.onOpacity(r.id, Number(opacity.value)));
      const controls = h('div', { class: 'userdata-controls' }, h('label', {}, t('userdata.opacity'), opacity));
      if (r.styleFields.length > 0) {
        const sel = h('select', { class: 'userdata-style', attrs: { 'aria-label': t('userdata.styleBy') } }, h('option', { attrs: { value: '' } }, t('userdata.styleNone')), ...r.styleFields.map((f) => h('option', { attrs: { value: f, selected: f === r.styleField } }, f)));
        sel.addEventListener('change', () => cb.onStyle(r.id, sel.value === '' ? null : sel.value));
        controls.append(h('label', {}, t('userdata.styleBy'), sel));
      }
      if (r.placeable) controls.append(h('button', { type: 'button', class: 'button button-small userdata-place', on: { click: () => cb.onPlace(r.id) } }, t('userdata.place')));
      li.append(controls);
      if (r.legend.length > 0) li.append(h('ul', { class: 'legend-list userdata-legend' }, ...r.legend.map((l) => h('li', {}, h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(l.color)}` } }), l.text))));
    }
    if (r.placement !== undefined && r.status.kind === 'ready') {
      const p = r.placement;
      const num = (key: 'lonDeg' | 'latDeg' | 'heightM' | 'headingDeg' | 'scale', label: string, step: number, min: number, max: number) =>
        h('label', {}, label, h('input', { type: 'number', class: `userdata-place-${key}`, attrs: { step, min, max, value: String(Number(p[key].toFixed(key === 'lonDeg' || key === 'latDeg' ? 6 : 2))), 'data-key': key } }));
      const fields = [num('lonDeg', 'lon (°)', 0.00001, -180, 180), num('latDeg', 'lat (°)', 0.00001, -90, 90), num('heightM', 'h (m)', 0.5, -500, 9000), num('headingDeg', '↻ (°)', 1, -360, 360), num('scale', '×', 0.1, 0.001, 1000)];
      const box = h('div', { class: 'userdata-csv userdata-placement' }, ...fields);
      box.addEventListener('change', () => {
        const v: Record<string, number> = {};
        for (const input of box.querySelectorAll('input')) v[input.dataset.key!] = Number(input.value);
        const ok = Number.isFinite(v.lonDeg) && Math.abs(v.lonDeg!) <= 180 && Number.isFinite(v.latDeg) && Math.abs(v.latDeg!) <= 90 && Number.isFinite(v.heightM) && Number.isFinite(v.headingDeg) && Number.isFinite(v.scale) && v.scale! > 0;
        box.classList.toggle('userdata-invalid', !ok);
        if (ok) cb.onPlacement(r.id, { lonDeg: v.lonDeg!, latDeg: v.latDeg!, heightM: v.heightM!, headingDeg: v.headingDeg!, scale: v.scale! });
      });
      li.append(box);
    }
    if (r.csv !== undefined) {
      const c = r.csv;
      const col = (value: string | null, allowNone: boolean) =>
        h('select', {}, ...(allowNone ? [h('option', { attrs: { value: '', selected: value === null } }, t('userdata.csvNone'))] : []), ...c.columns.map((k) => h('option', { attrs: { value: k, selected: k === value } }, k)));
      const xs = col(c.x, false), ys = col(c.y, true);
      const crs = h('select', {}, ...c.crsChoices.map((k) => h('option', { attrs: { value: k, selected: k === c.crs } }, k)));
      const apply = () => cb.onCsv(r.id, xs.value, ys.value === '' ? null : ys.value, crs.value);
      for (const s of [xs, ys, crs]) s.addEventListener('change', apply);
      li.append(h('div', { class: 'userdata-csv' }, h('label', {}, t('userdata.csvX'), xs), h('label', {}, t('userdata.csvY'), ys), h('label', {}, t('userdata.csvCrs'), crs)));
    }
    if (r.wms !== undefined && r.wms.layers.length > 0) {
      const sel = h('select', { class: 'userdata-wms-layer' }, ...r.wms.layers.map((l) => h('option', { attrs: { value: l.name, selected: l.name === r.wms!.chosen } }, l.title === '' ? l.name : `${l.title} (${l.name})`)));
      sel.addEventListener('change', () => cb.onWmsLayer(r.id, sel.value));
      li.append(h('label', { class: 'userdata-wms' }, t('userdata.wmsLayer'), sel));
    }
    if (r.city !== undefined) li.append(...renderCity(r.id, r.city));
    const lic = h('input', { type: 'text', class: 'userdata-licence', attrs: { value: r.licence, placeholder: t('userdata.unknownLicence'), 'aria-label': t('userdata.licence'), maxlength: 200 } });
    const pub = h('input', { type: 'text', class: 'userdata-publisher', attrs: { value: r.publisher, 'aria-label': t('userdata.publisher'), maxlength: 200 } });
    const save = () => cb.onLicence(r.id, lic.value.trim(), pub.value.trim());
    lic.addEventListener('change', save);
    pub.addEventListener('change', save);
    li.append(h('details', { class: 'userdata-about' }, h('summary', {}, t('userdata.licence')), h('label', {}, t('userdata.licence'), lic), h('label', {}, t('userdata.publisher'), pub)));
    return li;
  };
  const renderCity = (id: string, c: UserCityRow): HTMLElement[] => {
    const out: HTMLElement[] = [];
    if (c.crsEditable) {
      const sel = h(
        'select',
        { class: 'userdata-city-crs' },
        ...(c.crs === null ? [h('option', { attrs: { value: '', selected: true } }, t('userdata.cityCrsChoose'))] : []),
        ...c.crsChoices.map((k) => h('option', { attrs: { value: k, selected: k === c.crs } }, k)),
      );
      sel.addEventListener('change', () => {
        if (sel.value !== '') cb.onCityCrs(id, sel.value);
      });
      out.push(h('div', { class: 'userdata-csv userdata-city' }, h('label', {}, t('userdata.cityCrs'), sel)));
    }
    const rep = c.report;
    if (rep !== undefined) {
      const items = [
        ...rep.rejected.map((x) => h('li', { class: 'userdata-rejected' }, `${t('userdata.cityRejected')} #${x.index}${x.id !== null ? ` (${x.id})` : ''}: ${x.reason}`)),
        ...(rep.rejectedCount > rep.rejected.length ? [h('li', {}, t('userdata.cityMoreRejected', { count: rep.rejectedCount - rep.rejected.length }))] : []),
        ...rep.warnings.map((w) => h('li', { class: 'userdata-warning' }, w)),
      ];
      out.push(
        h(
          'details',
          { class: 'userdata-issues userdata-city-report' },
          h('summary', {}, t('userdata.cityReport', { buildings: formatNumber(rep.buildings, 0), rejected: formatNumber(rep.rejectedCount, 0), warnings: formatNumber(rep.warnings.length, 0) })),
          h('ul', {}, ...items),
        ),
      );
    }
    return out;
  };
  const refreshEmpty = () => (empty.hidden = rows.size > 0);
  return {
    ...panel,
    relabel() {
      panel.relabel();
      relabelOwn();
    },
    setRows(all) {
      rows.clear();
      replaceChildren(list, ...all.map((r) => {
        const li = render(r);
        rows.set(r.id, li);
        return li;
      }));
      refreshEmpty();
    },
    updateRow(r) {
      const li = render(r);
      const old = rows.get(r.id);
      if (old !== undefined) old.replaceWith(li);
      else list.append(li);
      rows.set(r.id, li);
      refreshEmpty();
    },
    removeRow(id) {
      rows.get(id)?.remove();
      rows.delete(id);
      refreshEmpty();
    },
    dispose() {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    },
  };
}

/** The files under dropped entries, with their paths (folders walked, at most `max` files). */
async function readEntries(roots: FileSystemEntry[], max = 200_001): Promise<{ file: File; path: string }[]> {
  const out: { file: File; path: string }[] = [];
  const stack = [...roots];
  while (stack.length > 0 && out.length < max) {
    const en = stack.pop()!;
    if (en.isFile) {
      const file = await new Promise<File>((resolve, reject) => (en as FileSystemFileEntry).file(resolve, reject));
      out.push({ file, path: en.fullPath.replace(/^\//, '') });
    } else if (en.isDirectory) {
      const reader = (en as FileSystemDirectoryEntry).createReader();
      // readEntries answers in batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        stack.push(...batch);
      }
    }
  }
  return out;
}
