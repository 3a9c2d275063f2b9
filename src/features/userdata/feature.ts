import type { ColorRule } from '../../layers/types.ts';
import type { PickedItem } from '../../scene/picking.ts';
import { drawLayer, flyToSphere, groundHeightFn, isFeatureTag, unionSpheres, type DrawnLayer } from '../../scene/layers/draw.ts';
import { addUserCityModel, addUserImagery, addUserModel, addUserTileset, pointAt, type ModelHandle, type TilesetHandle, type UserSceneHandle } from './view.ts';
import { sameUserItem, type LeftOutUserItem, type ScenarioUserItem } from '../../scenarios/userdata.ts';
import { createUserParser, createUserStore, fetchUserBytes, type StoredItem } from './source.ts';
import { gltfToGlb, isArchiveUrl, localSourceBytes, MAX_KEPT_TILES_BYTES, openLocalTileset } from './tiles.ts';
import { groupLocalFiles } from './local-files.ts';
import { readWmsCapabilities, wmsCapabilitiesUrl, type WmsLayerInfo } from './capabilities.ts';
import { chooseWmts, drawableLayers, readWmtsCapabilities, wmtsCapabilitiesUrl, type WmtsCapabilities } from './wmts.ts';
import { summariseFields } from './fields.ts';
import { legendEntries, styleable, USER_PALETTE, userColorRule, userVariant } from './style.ts';
import { CSV_CRS_CHOICES, USER_LIMITS, type FieldSummary, type UserFormat, type UserVectorResult } from '../../layers/userdata-types.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { ICONS } from '../../ui/icons.ts';
import type { SourceEntry } from '../../ui/sources-panel.ts';
import { createUserDataPanel, type UrlKind, type UserRowState } from './panel.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';
import type { UserCityReport } from './city-contract.ts';

/**
 * "Bring your own data" (issue 13): files dropped or picked and URLs pasted become layers of the
 * open city — vector files parsed in a worker and drawn like the open-data layers, 3D Tiles
 * tilesets, glTF models placed at a point, WMS and XYZ imagery. Each has a row in the "my data"
 * panel (state or error naming the file and the reason, show, opacity, colour by attribute with
 * legend, zoom, remove, licence), is pickable into the info panel, listed in the sources panel,
 * and kept in IndexedDB with the city. `?tileset=`, `?data=` and `?wms=` open items from a link.
 */

export interface UserDataTestApi {
  state(): { id: string; name: string; format: string; status: string; count: number; reason?: string; styleFields: string[]; placement?: StoredItem['placement'] }[];
  /** Resolves when nothing is loading. */
  idle(timeoutMs?: number): Promise<boolean>;
  zoom(id: string): void;
  /** Window position of a vector feature's anchor (points), or null. */
  featureWindowPosition(id: string, index: number): { x: number; y: number } | null;
}

declare global {
  interface Window {
    __jumeauUserData?: UserDataTestApi;
  }
}

type Status = UserRowState['status'];

interface ItemState {
  stored: StoredItem;
  /** Kept in IndexedDB (items from URL parameters are not: the link brings them back). */
  persistent: boolean;
  status: Status;
  shown: boolean;
  opacity: number;
  vector: UserVectorResult | null;
  drawn: DrawnLayer | null;
  handle: UserSceneHandle | null;
  fields: FieldSummary[];
  rule: ColorRule | null;
  wmsLayers: WmsLayerInfo[];
  /** WMTS capabilities, once read. */
  wmts: { caps: WmtsCapabilities; capsUrl: string } | null;
  /** City models (CityGML, CityJSON): the build report, and whether the file's CRS must be chosen. */
  city: { report: UserCityReport | null; needsCrs: boolean } | null;
  colour: number;
  abort: AbortController;
  removeTitle: (() => void) | null;
  /** Added in this session (the view flies to it), rather than restored. */
  fresh: boolean;
}

const layerIdOf = (id: string) => `user:${id}`;
let seq = 0;
const newId = () => `${Date.now().toString(36)}${(seq++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

/** What a pasted URL is, from the kind chosen or its shape. */
export function urlKindOf(url: string, kind: UrlKind): 'tileset' | 'wms' | 'wmts' | 'xyz' | 'data' {
  if (kind !== 'auto') return kind;
  if (/\{z\}/.test(url) && /\{x\}/.test(url) && /\{y\}/.test(url)) return 'xyz';
  if (/[?&]service=wmts\b/i.test(url) || /WMTSCapabilities\.xml(\?|#|$)/i.test(url) || /\/wmts\/?(\?|$)/i.test(url)) return 'wmts';
  if (/[?&]service=wms\b/i.test(url) || /\/wms\/?(\?|$)/i.test(url)) return 'wms';
  if (/tileset[^/]*\.json(\?|#|$)/i.test(url) || /\.3tz(\?|#|$)/i.test(url)) return 'tileset';
  return 'data';
}

export function install(ctx: AppContext): () => void {
  const disposers: (() => void)[] = [];
  const parser = createUserParser();
  const store = createUserStore();
  const items = new Map<string, ItemState>();
  let city: OpenCity | null = null;
  let colourSeq = 0;
  let endCapture: (() => void) | null = null;
  /** Restores, link items and files being read (the test API's idle waits for them). */
  let restoring = 0;

  const say = (name: string, reason: string) => ctx.say('warning', 'userdata.msg.failed', { name, reason }, `userdata:${name}`);

  // ---- Rows -------------------------------------------------------------------------------------
  const rowOf = (s: ItemState): UserRowState => {
    const legend = s.rule !== null ? legendEntries(s.rule, t('userdata.all'), t('userdata.other')) : s.vector !== null ? [{ color: USER_PALETTE[s.colour % USER_PALETTE.length]!, text: t('userdata.all') }] : [];
    const csv = s.vector?.csv;
    return {
      id: s.stored.id,
      name: s.stored.name,
      format: s.stored.format,
      status: s.status,
      shown: s.shown,
      opacity: s.opacity,
      styleFields: s.fields.filter(styleable).map((f) => f.name),
      styleField: s.stored.styleField,
      legend,
      licence: s.stored.licence,
      publisher: s.stored.publisher,
      ...(csv !== undefined ? { csv: { columns: csv.columns, x: csv.coordinates.xField, y: csv.coordinates.yField, crs: csv.coordinates.crs, crsChoices: CSV_CRS_CHOICES } } : {}),
      ...(s.stored.format === 'wms' || s.stored.format === 'wmts' ? { wms: { layers: s.wmsLayers, chosen: s.stored.source.kind === 'url' ? (s.stored.source.layers ?? '') : '' } } : {}),
      ...(s.city !== null ? { city: cityRow(s) } : {}),
      placeable: s.stored.format === 'glb' && s.status.kind === 'ready',
      ...(s.stored.format === 'glb' && s.stored.placement !== undefined ? { placement: s.stored.placement } : {}),
    };
  };
  const cityRow = (s: ItemState) => {
    const report = s.city?.report ?? null;
    const chosen = s.stored.options.city?.crs ?? null;
    return {
      crs: report?.crs ?? chosen,
      // The CRS can be chosen when the file declares none (asked, or chosen before).
      crsEditable: s.city?.needsCrs === true || (report !== null && !report.crsDeclared),
      crsChoices: CSV_CRS_CHOICES,
      ...(report !== null ? { report } : {}),
    };
  };
  const panel = createUserDataPanel({
    onClose: () => ctx.setPanelOpen('data', false),
    onFiles: (files, paths) => void addFiles(files, paths),
    onUrl: (url, kind) => void addUrl(url, kind, true),
    onShown(id, on) {
      const s = items.get(id);
      if (s === undefined) return;
      s.shown = on;
      s.drawn?.setShown(on);
      s.handle?.setShown(on);
      ctx.viewer?.requestRender();
      update(s);
    },
    onOpacity(id, a) {
      const s = items.get(id);
      if (s === undefined) return;
      s.opacity = a;
      s.drawn?.setOpacity(a);
      s.handle?.setOpacity(a);
    },
    onStyle(id, field) {
      const s = items.get(id);
      if (s === undefined) return;
      s.stored.styleField = field;
      applyStyle(s);
      save(s);
      update(s);
    },
    onZoom: (id) => zoom(id),
    onRemove: (id) => remove(id),
    onLicence(id, licence, publisher) {
      const s = items.get(id);
      if (s === undefined) return;
      s.stored.licence = licence;
      s.stored.publisher = publisher;
      save(s);
      ctx.refreshSources();
    },
    onCsv(id, x, y, crs) {
      const s = items.get(id);
      if (s === undefined) return;
      s.stored.options = { csv: { xField: x, yField: y, crs } };
      save(s);
      void load(s);
    },
    onWmsLayer(id, layer) {
      const s = items.get(id);
      if (s === undefined || s.stored.source.kind !== 'url') return;
      s.stored.source.layers = layer;
      save(s);
      void load(s);
    },
    onCityCrs(id, crs) {
      const s = items.get(id);
      if (s === undefined) return;
      s.stored.options = { ...s.stored.options, city: { crs } };
      save(s);
      void load(s);
    },
    onPlace: (id) => startPlacing(id),
    onPlacement(id, p) {
      const s = items.get(id);
      if (s === undefined || s.stored.format !== 'glb') return;
      s.stored.placement = p;
      (s.handle as ModelHandle | null)?.place(p);
      save(s);
    },
  });
  disposers.push(ctx.addPanel('data', panel, 'left', { label: 'userdata.toolbar', icon: ICONS.upload }));
  disposers.push(() => panel.dispose());
  const update = (s: ItemState) => {
    if (!items.has(s.stored.id)) return;
    panel.updateRow(rowOf(s));
    // A failure message (or the "choose its CRS" notice) stops being true once the item is ready.
    if (s.status.kind === 'ready') ctx.unsay(`userdata:${s.stored.name}`);
  };

  const save = (s: ItemState) => {
    if (!s.persistent) return;
    store.put(s.stored).catch((e: unknown) => ctx.say('warning', 'userdata.msg.storeFailed', { reason: e instanceof Error ? e.message : String(e) }, 'userdata:store'));
  };

  // ---- Adding -----------------------------------------------------------------------------------
  const canAdd = () => {
    if (items.size >= USER_LIMITS.maxItems) {
      ctx.say('warning', 'userdata.msg.tooMany', { max: USER_LIMITS.maxItems }, 'userdata:tooMany');
      return false;
    }
    return city !== null;
  };
  const newItem = (stored: Omit<StoredItem, 'id' | 'cityId' | 'licence' | 'publisher' | 'options' | 'styleField' | 'addedAtMs' | 'order'>, persistent: boolean): ItemState => {
    const s: ItemState = {
      stored: { id: newId(), cityId: city!.config.id, licence: '', publisher: '', options: {}, styleField: null, addedAtMs: Date.now(), order: Date.now(), ...stored },
      persistent,
      status: { kind: 'loading', percent: null },
      shown: true,
      opacity: 1,
      vector: null,
      drawn: null,
      handle: null,
      fields: [],
      rule: null,
      wmsLayers: [],
      wmts: null,
      city: null,
      colour: colourSeq++,
      abort: new AbortController(),
      removeTitle: null,
      fresh: true,
    };
    items.set(s.stored.id, s);
    update(s);
    return s;
  };

  /** Files dropped or picked together, loose or a folder (`path` relative to what was dropped). */
  async function addFiles(files: File[], paths: string[] = files.map((f) => f.name)): Promise<void> {
    ctx.setPanelOpen('data', true);
    restoring++;
    try {
      const g = groupLocalFiles(paths);
      for (const i of g.archives) addLocalTileset(files[i]!.name, { kind: 'archive', blob: files[i]! });
      if (g.tileset !== null) {
        const t = g.tileset;
        addLocalTileset(t.name, { kind: 'folder', files: t.files.map((i) => ({ path: paths[i]!, blob: files[i]! })), root: t.root });
      }
      for (const m of g.gltf) {
        if (!canAdd()) break;
        const gltf = files[m.index]!;
        try {
          const bytes = await gltfToGlb(gltf, m.resources.map((r) => ({ path: r.path, file: files[r.index]! })), USER_LIMITS.maxModelBytes);
          const s = newItem({ name: gltf.name, format: 'glb', source: { kind: 'file', bytes } }, true);
          save(s);
          void load(s);
        } catch (e) {
          say(gltf.name, (e as { reason?: string }).reason ?? (e instanceof Error ? e.message : String(e)));
        }
      }
      await addEachFile(g.rest.map((i) => files[i]!));
    } finally {
      restoring--;
    }
  }

  /** A .3tz archive or a folder of tiles: kept in IndexedDB up to MAX_KEPT_TILES_BYTES. */
  function addLocalTileset(name: string, source: StoredItem['source'] & { kind: 'archive' | 'folder' }): void {
    if (!canAdd()) return;
    const bytes = localSourceBytes(source);
    const keep = bytes <= MAX_KEPT_TILES_BYTES;
    if (!keep) ctx.say('info', 'userdata.msg.notKept', { name, size: formatNumber(bytes / 1048576, 0) }, `userdata:notKept:${name}`);
    const s = newItem({ name, format: 'tileset', source }, keep);
    save(s);
    void load(s);
  }
  async function addEachFile(files: File[]): Promise<void> {
    for (const file of files) {
      if (!canAdd()) return;
      const limit = fileLimit(file.name);
      if (file.size > limit) {
        say(file.name, `${formatNumber(file.size / 1048576, 0)} MB, more than the limit of ${Math.round(limit / 1048576)} MB`);
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await file.arrayBuffer());
      } catch (e) {
        say(file.name, `cannot be read (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      const s = newItem({ name: file.name, format: guessFileFormat(file.name), source: { kind: 'file', bytes } }, true);
      save(s);
      void load(s);
    }
  }

  async function addUrl(raw: string, kind: UrlKind, persistent: boolean): Promise<void> {
    ctx.setPanelOpen('data', true);
    if (!canAdd()) return;
    let url: string;
    try {
      url = checkedUrl(raw);
    } catch (e) {
      say(raw.slice(0, 120), `not a valid URL (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    const k = urlKindOf(url, kind);
    const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? url).slice(0, 120) || url;
    const format: UserFormat = k === 'data' ? guessFileFormat(url) : k;
    const s = newItem({ name: k === 'tileset' || k === 'wms' || k === 'wmts' || k === 'xyz' ? `${name} (${new URL(url).host})` : name, format, source: { kind: 'url', url } }, persistent);
    save(s);
    await load(s);
  }

  // ---- Loading ----------------------------------------------------------------------------------
  const fail = (s: ItemState, where: string, reason: string) => {
    s.status = { kind: 'error', reason: where === s.stored.name || where === '' ? reason : `${where}: ${reason}` };
    say(s.stored.name, s.status.reason);
    update(s);
    ctx.refreshSources();
  };
  const clearDrawing = (s: ItemState) => {
    s.drawn?.dispose();
    s.drawn = null;
    s.handle?.dispose();
    s.handle = null;
    s.removeTitle?.();
    s.removeTitle = null;
  };

  async function load(s: ItemState): Promise<void> {
    const c = city;
    const v = ctx.viewer;
    s.abort.abort();
    const abort = new AbortController();
    s.abort = abort;
    clearDrawing(s);
    s.status = { kind: 'loading', percent: null };
    update(s);
    if (c === null) return;
    if (v === null) return fail(s, '', 'no 3D view (WebGL unavailable)');
    const alive = () => !abort.signal.aborted && city === c && items.get(s.stored.id) === s;
    const src = s.stored.source;
    try {
      if (s.stored.format === 'tileset' && src.kind !== 'file') {
        const onTile = (url: string, message: string) => ctx.say('warning', 'userdata.msg.failed', { name: s.stored.name, reason: `${url}: ${message}` }, `userdata:tile:${s.stored.id}`);
        const progress = (percent: number) => {
          if (!alive()) return;
          s.status = { kind: 'loading', percent };
          update(s);
        };
        const handle = src.kind === 'url' && !isArchiveUrl(src.url) ? await addUserTileset(v.scene, src.url, onTile) : await openLocalTileset(v.scene, src.kind === 'url' ? { kind: 'url', url: src.url } : src, s.stored.name, onTile, { signal: abort.signal, onProgress: progress });
        if (!alive()) return handle.dispose();
        s.handle = handle;
        s.status = { kind: 'ready', summary: t('userdata.readyTileset'), issues: [] };
        // Attributes come with the tiles: summarise them once the view's tiles are in.
        const off = handle.tileset.allTilesLoaded.addEventListener(() => {
          if (items.get(s.stored.id) !== s || s.handle !== handle) return off();
          const feats = handle.loadedFeatures(20_000);
          if (feats.length === 0) return;
          const before = s.fields.length;
          s.fields = summariseFields(feats.map((properties, i) => ({ id: String(i), name: null, geometry: { type: 'point', coordinates: [0, 0] }, properties })));
          applyStyle(s);
          if (s.fields.length !== before) update(s);
        });
        const prevDispose = handle.dispose;
        handle.dispose = () => {
          off();
          prevDispose();
        };
        applyStyle(s);
        if (s.fresh) handle.flyTo(ctx.stable);
      } else if ((s.stored.format === 'wms' || s.stored.format === 'wmts' || s.stored.format === 'xyz') && src.kind === 'url') {
        if (s.stored.format === 'wmts') {
          if (s.wmts === null) {
            const capsUrl = wmtsCapabilitiesUrl(src.url);
            const bytes = await fetchUserBytes(capsUrl, USER_LIMITS.maxDocumentBytes, { signal: abort.signal });
            const caps = readWmtsCapabilities(bytes, capsUrl);
            s.wmts = { caps, capsUrl };
            s.wmsLayers = drawableLayers(caps).map((l) => ({ name: l.id, title: l.title }));
          }
          if (!alive()) return;
          const choice = chooseWmts(s.wmts.caps, s.wmts.capsUrl, src.layers ?? null, s.wmts.capsUrl);
          src.layers = choice.layer;
          s.handle = addUserImagery(v.widget, { kind: 'wmts', ...choice }, (m) => say(s.stored.name, m));
          s.status = { kind: 'ready', summary: t('userdata.readyWmts', { set: choice.tileMatrixSet, format: choice.format, style: choice.style }), issues: [] };
        } else if (s.stored.format === 'wms') {
          if (s.wmsLayers.length === 0) {
            const capsUrl = wmsCapabilitiesUrl(src.url);
            const bytes = await fetchUserBytes(capsUrl, USER_LIMITS.maxDocumentBytes, { signal: abort.signal });
            s.wmsLayers = readWmsCapabilities(bytes, capsUrl);
          }
          if (!alive()) return;
          const wanted = src.layers ?? new URL(src.url).searchParams.get('layers') ?? s.wmsLayers[0]!.name;
          src.layers = s.wmsLayers.some((l) => l.name === wanted) ? wanted : s.wmsLayers[0]!.name;
          s.handle = addUserImagery(v.widget, { kind: 'wms', url: src.url.split('?')[0]!, layers: src.layers }, (m) => say(s.stored.name, m));
        } else {
          s.handle = addUserImagery(v.widget, { kind: 'xyz', url: src.url }, (m) => say(s.stored.name, m));
        }
        if (s.stored.format !== 'wmts') s.status = { kind: 'ready', summary: t('userdata.readyImagery'), issues: [] };
      } else if (src.kind === 'archive' || src.kind === 'folder') {
        return fail(s, '', 'a local tileset stored with another format');
      } else {
        let bytes: Uint8Array;
        if (src.kind === 'file') bytes = src.bytes;
        else {
          bytes = await fetchUserBytes(src.url, Math.max(USER_LIMITS.maxVectorBytes, USER_LIMITS.maxModelBytes), {
            signal: abort.signal,
            onProgress: (read, total) => {
              if (total === null || !alive()) return;
              s.status = { kind: 'loading', percent: (100 * read) / total };
              update(s);
            },
          });
        }
        if (!alive()) return;
        const r = await parser.parse({ name: s.stored.name, bytes, options: s.stored.options });
        if (!alive()) return;
        if (!r.ok) return fail(s, r.error.where, r.error.reason);
        if (r.kind === 'other' && (r.format === 'citygml' || r.format === 'cityjson')) {
          s.stored.format = r.format;
          s.city ??= { report: null, needsCrs: false };
          const crs = s.stored.options.city?.crs;
          s.status = { kind: 'loading', percent: null, label: t('userdata.building') };
          update(s);
          const b = await parser.buildCity({ name: s.stored.name, bytes, format: r.format, ...(crs !== undefined ? { crs } : {}) });
          if (!alive()) return;
          if (!b.ok) {
            s.city = { report: null, needsCrs: b.needsCrs === true };
            if (b.needsCrs !== true) return fail(s, b.error.where, b.error.reason);
            // Not a failure of the file: the row shows why and the CRS field; the notice fades.
            s.status = { kind: 'error', reason: b.error.reason };
            ctx.say('info', 'userdata.msg.chooseCrs', { name: s.stored.name }, `userdata:${s.stored.name}`);
            update(s);
            ctx.refreshSources();
            return;
          }
          s.city = { report: b.result.report, needsCrs: false };
          const handle = await addUserCityModel(v.scene, b.result.glb, b.result.tileset, (url, message) => ctx.say('warning', 'userdata.msg.failed', { name: s.stored.name, reason: `${url}: ${message}` }, `userdata:tile:${s.stored.id}`));
          if (!alive()) return handle.dispose();
          s.handle = handle;
          s.fields = b.result.fields;
          s.status = { kind: 'ready', summary: t('userdata.readyCity', { count: formatNumber(b.result.report.buildings, 0) }), issues: [] };
          applyStyle(s);
          if (s.fresh) handle.flyTo(ctx.stable);
        } else if (r.kind === 'other') {
          if (r.format !== 'glb') return fail(s, '', `a ${r.format} is opened by URL`);
          s.stored.format = 'glb';
          const at = s.stored.placement ?? { ...(centreOfView() ?? cityCentre(c)), headingDeg: 0, scale: 1 };
          s.stored.placement = at;
          save(s);
          const handle = await addUserModel(v.scene, bytes, at, s.stored.name);
          if (!alive()) return handle.dispose();
          s.handle = handle;
          s.status = { kind: 'ready', summary: t('userdata.readyModel'), issues: [] };
        } else {
          s.stored.format = r.result.format;
          s.vector = r.result;
          s.fields = r.result.fields;
          s.status = { kind: 'ready', summary: t('userdata.ready', { count: r.result.parsed.features.length }), issues: r.result.parsed.issues };
          drawVector(s);
          if (s.fresh) zoom(s.stored.id);
        }
      }
    } catch (e) {
      if (!alive()) return;
      const reason = e instanceof Error ? ((e as { reason?: string }).reason ?? e.message) : String(e);
      const where = (e as { where?: string; url?: string }).where ?? (e as { url?: string }).url ?? '';
      return fail(s, where, reason);
    }
    s.handle?.setShown(s.shown);
    s.handle?.setOpacity(s.opacity);
    s.removeTitle = ctx.setItemTitle(layerIdOf(s.stored.id), (item) => {
      const f = s.vector?.parsed.features.find((x) => x.id === item.id);
      return f?.name ?? `${s.stored.name}${item.id !== null && item.id !== s.stored.name ? ` · ${item.id}` : ''}`;
    });
    update(s);
    ctx.refreshSources();
    v.requestRender();
  }

  const ruleOf = (s: ItemState): ColorRule => userColorRule(USER_PALETTE[s.colour % USER_PALETTE.length]!, s.fields.find((f) => f.name === s.stored.styleField && styleable(f)) ?? null);
  function drawVector(s: ItemState): void {
    const v = ctx.viewer;
    if (v === null || s.vector === null) return;
    s.drawn?.dispose();
    s.rule = ruleOf(s);
    s.drawn = drawLayer(v.scene, { id: layerIdOf(s.stored.id), variants: [userVariant(s.vector.geometryTypes, s.rule)] }, 'user', s.vector.parsed, { opacity: s.opacity, groundHeight: groundHeightFn(v.scene) });
    s.drawn.setShown(s.shown);
    v.requestRender();
  }
  function applyStyle(s: ItemState): void {
    if (s.vector !== null) drawVector(s);
    else if (s.handle !== null && 'setStyle' in s.handle) {
      const field = s.fields.find((f) => f.name === s.stored.styleField && styleable(f)) ?? null;
      s.rule = field !== null ? ruleOf(s) : null;
      (s.handle as TilesetHandle).setStyle(s.rule);
    }
  }

  const cityCentre = (c: OpenCity) => ({ lonDeg: (c.config.bbox[0] + c.config.bbox[2]) / 2, latDeg: (c.config.bbox[1] + c.config.bbox[3]) / 2, heightM: 0 });
  const centreOfView = () => {
    const v = ctx.viewer;
    if (v === null) return null;
    const canvas = v.scene.canvas;
    return pointAt(v.scene, canvas.clientWidth / 2, canvas.clientHeight / 2);
  };

  function zoom(id: string): void {
    const s = items.get(id);
    const v = ctx.viewer;
    if (s === undefined || v === null) return;
    if (s.drawn !== null && s.vector !== null) {
      const sphere = unionSpheres(s.vector.parsed.features.map((_, i) => s.drawn!.featureSphere(i)));
      if (sphere !== null) flyToSphere(v.scene, sphere, Math.max(300, sphere.radius * 2.6), ctx.stable);
    } else s.handle?.flyTo(ctx.stable);
  }

  function remove(id: string): void {
    const s = items.get(id);
    if (s === undefined) return;
    s.abort.abort();
    clearDrawing(s);
    items.delete(id);
    panel.removeRow(id);
    // Its messages go with it (another item of the same name keeps its row's own status).
    ctx.unsay(`userdata:${s.stored.name}`);
    ctx.unsay(`userdata:tile:${id}`);
    if (ctx.state.selected?.startsWith(`${layerIdOf(id)}:`) === true) ctx.select(null);
    if (s.persistent) void store.remove(id).catch(() => undefined);
    ctx.refreshSources();
    ctx.viewer?.requestRender();
  }

  function startPlacing(id: string): void {
    const s = items.get(id);
    const v = ctx.viewer;
    if (s === undefined || v === null || ctx.picking === null) return;
    endCapture?.();
    ctx.say('info', 'userdata.placing', {}, 'userdata:placing');
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') stop();
    };
    const stop = () => {
      end();
      window.removeEventListener('keydown', onKey);
      endCapture = null;
    };
    const end = ctx.picking.capture((x, y) => {
      const p = pointAt(v.scene, x, y);
      stop();
      if (p === null || s.stored.placement === undefined) return;
      s.stored.placement = { ...s.stored.placement, ...p };
      (s.handle as ModelHandle | null)?.place(s.stored.placement);
      save(s);
      update(s);
    });
    window.addEventListener('keydown', onKey);
    endCapture = stop;
  }

  // ---- Picking, sources ---------------------------------------------------------------------------
  const itemOfFeature = (s: ItemState, index: number): PickedItem | null => {
    const f = s.vector?.parsed.features[index];
    if (f === undefined) return null;
    return { layerId: layerIdOf(s.stored.id), id: f.id, properties: { ...f.properties, [t('layers.prop.layer')]: s.stored.name } };
  };
  disposers.push(
    ctx.addSources((): SourceEntry[] =>
      [...items.values()].map((s) => ({
        role: 'layer',
        attribution: {
          title: s.stored.name,
          publisher: s.stored.publisher || t('userdata.userSupplied'),
          licence: s.stored.licence || t('userdata.unknownLicence'),
          date: new Date(s.stored.addedAtMs).toISOString().slice(0, 10),
          status: 'recorded',
          origin: s.stored.source.kind === 'url' ? s.stored.source.url : s.stored.name,
        },
        shown: s.status.kind === 'ready' && s.shown,
        ...(s.status.kind === 'error' ? { reason: s.status.reason } : {}),
      })),
    ),
  );

  // ---- Saved with scenarios (the scenario file's userData) --------------------------------------
  const LOCAL_TILES_REASON = 'a 3D Tiles archive or folder from disk is not saved in a scenario file: add it again from disk';
  disposers.push(
    ctx.userData.provide({
      items: () =>
        [...items.values()].map(({ stored: st }): ScenarioUserItem | LeftOutUserItem => {
          if (st.source.kind === 'archive' || st.source.kind === 'folder') return { name: st.name, format: st.format, reason: LOCAL_TILES_REASON };
          const source: ScenarioUserItem['source'] = st.source.kind === 'file' ? { kind: 'file', bytes: st.source.bytes } : { kind: 'url', url: st.source.url, ...(st.source.layers !== undefined ? { layers: st.source.layers } : {}) };
          return { name: st.name, format: st.format, licence: st.licence, publisher: st.publisher, styleField: st.styleField, options: structuredClone(st.options), ...(st.placement !== undefined ? { placement: { ...st.placement } } : {}), source };
        }),
      adopt: (list) => adopt(list),
    }),
  );
  /** Items from a scenario file: the checks and limits of adding by hand; the same data is not added twice. */
  async function adopt(list: readonly ScenarioUserItem[]): Promise<{ added: number; skipped: number; problems: string[] }> {
    let added = 0, skipped = 0;
    const problems: string[] = [];
    if (city === null) return { added, skipped, problems: list.length > 0 ? ['My data: no city is open'] : [] };
    for (const it of list) {
      if ([...items.values()].some((s) => sameUserItem(it, s.stored))) {
        skipped++;
        continue;
      }
      if (items.size >= USER_LIMITS.maxItems) {
        problems.push(`${it.name}: My data holds at most ${USER_LIMITS.maxItems} items`);
        continue;
      }
      let source: StoredItem['source'];
      if (it.source.kind === 'url') {
        try {
          source = { kind: 'url', url: checkedUrl(it.source.url), ...(it.source.layers !== undefined ? { layers: it.source.layers } : {}) };
        } catch (e) {
          problems.push(`${it.name}: not a valid URL (${e instanceof Error ? e.message : String(e)})`);
          continue;
        }
      } else {
        const limit = fileLimit(it.name, it.format);
        if (it.source.bytes.byteLength > limit) {
          problems.push(`${it.name}: ${formatNumber(it.source.bytes.byteLength / 1048576, 0)} MB, more than the limit of ${Math.round(limit / 1048576)} MB`);
          continue;
        }
        source = { kind: 'file', bytes: it.source.bytes };
      }
      const s = newItem({ name: it.name.slice(0, 300), format: it.format, source }, true);
      s.stored.licence = it.licence;
      s.stored.publisher = it.publisher;
      s.stored.options = structuredClone(it.options);
      s.stored.styleField = it.styleField;
      if (it.placement !== undefined) s.stored.placement = { ...it.placement };
      // In the file's order when restored (items added in the same millisecond).
      s.stored.order += added;
      s.fresh = false;
      save(s);
      void load(s);
      added++;
    }
    if (added > 0) ctx.refreshSources();
    return { added, skipped, problems };
  }

  // ---- City lifecycle ---------------------------------------------------------------------------
  let fromLink = true;
  disposers.push(
    ctx.onCity((c) => {
      city = c;
      const removePick = ctx.picking?.add({
        resolve(picked) {
          const tag = (picked as { id?: unknown } | undefined)?.id;
          if (isFeatureTag(tag) && tag.jumeauLayer.startsWith('user:')) {
            const s = items.get(tag.jumeauLayer.slice(5));
            const index = s?.drawn?.resolve(picked) ?? null;
            return s !== undefined && index !== null ? itemOfFeature(s, index) : null;
          }
          for (const s of items.values()) {
            const r = s.handle?.resolve(picked) ?? null;
            if (r !== null) return { layerId: layerIdOf(s.stored.id), id: r.id, properties: { ...r.properties, [t('layers.prop.layer')]: s.stored.name } };
          }
          return null;
        },
        highlight(picked) {
          const tag = (picked as { id?: unknown } | undefined)?.id;
          if (!isFeatureTag(tag) || !tag.jumeauLayer.startsWith('user:')) return () => undefined;
          return items.get(tag.jumeauLayer.slice(5))?.drawn?.highlight(tag.index) ?? (() => undefined);
        },
      });
      panel.setRows([]);
      restoring++;
      void (async () => {
        const stored = await store.list(c.config.id).catch(() => []);
        if (city !== c) return;
        for (const st of stored) {
          // newItem keeps the stored id, options, style and placement (they override its defaults).
          const s = newItem(st, true);
          s.fresh = false;
          void load(s);
        }
        if (stored.length > 0) ctx.say('info', 'userdata.msg.restored', { count: stored.length }, 'userdata:restored');
        if (fromLink) {
          fromLink = false;
          const x = ctx.state.extra;
          if (x.tileset !== undefined) await addUrl(x.tileset, 'tileset', false);
          if (x.data !== undefined) await addUrl(x.data, 'data', false);
          if (x.wms !== undefined) await addUrl(x.wms, 'wms', false);
          if (x.wmts !== undefined) await addUrl(x.wmts, 'wmts', false);
        }
      })().finally(() => restoring--);
      return () => {
        removePick?.();
        endCapture?.();
        city = null;
        for (const s of items.values()) {
          s.abort.abort();
          clearDrawing(s);
        }
        items.clear();
        panel.setRows([]);
      };
    }),
  );
  disposers.push(ctx.onLangChange(() => panel.setRows([...items.values()].map(rowOf))));

  // ---- Test API ---------------------------------------------------------------------------------
  window.__jumeauUserData = {
    state: () =>
      [...items.values()].map((s) => ({
        id: s.stored.id,
        name: s.stored.name,
        format: s.stored.format,
        status: s.status.kind,
        count: s.vector?.parsed.features.length ?? 0,
        styleFields: s.fields.filter(styleable).map((f) => f.name),
        ...(s.stored.placement !== undefined ? { placement: { ...s.stored.placement } } : {}),
        ...(s.status.kind === 'error' ? { reason: s.status.reason } : {}),
      })),
    idle: (timeoutMs = 120_000) =>
      new Promise((resolve) => {
        const start = Date.now();
        const check = () => {
          if (restoring === 0 && ![...items.values()].some((s) => s.status.kind === 'loading')) return resolve(true);
          if (Date.now() - start > timeoutMs) return resolve(false);
          setTimeout(check, 100);
        };
        check();
      }),
    zoom,
    featureWindowPosition(id, index) {
      const f = items.get(id)?.vector?.parsed.features[index];
      if (f === undefined || f.geometry.type !== 'point') return null;
      return window.__jumeau?.toWindow(f.geometry.coordinates[0], f.geometry.coordinates[1], 10) ?? null;
    },
  };

  return () => {
    for (const d of disposers.reverse()) d();
    parser.dispose();
    delete window.__jumeauUserData;
  };
}

/** The address to read, absolute; throws why it is refused (not http(s), plain http from elsewhere). */
function checkedUrl(raw: string): string {
  const url = new URL(raw, window.location.href).href;
  const u = new URL(url);
  if (!/^https?:$/.test(u.protocol)) throw new Error('only http and https addresses are read');
  // The app's security policy admits plain HTTP only from its own server.
  if (u.protocol === 'http:' && u.host !== window.location.host) throw new Error('plain http from another server is refused by the app\'s security policy: use https');
  return url;
}

/** Largest file of this kind read from disk (models, city models, vector data). */
function fileLimit(name: string, format?: UserFormat): number {
  if (format === 'glb' || /\.glb$/i.test(name)) return USER_LIMITS.maxModelBytes;
  if (format === 'citygml' || format === 'cityjson' || /\.(gml|citygml)$|\.city\.json$/i.test(name)) return USER_LIMITS.maxCityBytes;
  return USER_LIMITS.maxVectorBytes;
}

/** A first guess of a file's format from its name (the worker detects it from the bytes). */
function guessFileFormat(name: string): UserFormat {
  const e = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (e === 'csv' || e === 'tsv' || e === 'txt') return 'csv';
  if (e === 'gpx' || e === 'kml' || e === 'kmz' || e === 'glb') return e;
  if (e === 'zip') return 'shapefile';
  if (e === 'gml' || e === 'citygml' || e === 'xml') return 'citygml';
  return 'geojson';
}
