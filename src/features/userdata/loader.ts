import type { AppContext } from '../../app/context.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';
import { drawLayer, flyToSphere, groundHeightFn, isFeatureTag, unionSpheres, type DrawnLayer } from '../../scene/layers/draw.ts';
import type { PickedItem } from '../../scene/picking.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { readWmsCapabilities, wmsCapabilitiesUrl } from './capabilities.ts';
import type { UserItems } from './controller.ts';
import { cityCentre, layerIdOf, messageKeyOf, ruleOf, styleFieldOf, tileMessageKeyOf, type UserItem } from './item.ts';
import { summariseFields } from './fields.ts';
import { fetchUserBytes, type UserParser } from './source.ts';
import { isArchiveUrl, openLocalTileset } from './tiles.ts';
import { addUserCityModel, addUserImagery, addUserModel, addUserTileset, pointAt, type ModelHandle, type TilesetHandle, type UserSceneHandle } from './view.ts';
import { userVariant } from './style.ts';
import { chooseWmts, drawableLayers, readWmtsCapabilities, wmtsCapabilitiesUrl } from './wmts.ts';

/**
 * The scene side of My data's items: loading an item (fetch, parse in the worker, build a city
 * model, open a tileset or imagery, place a model) and drawing it, its style, zooming to it,
 * placing a model at a picked point, and resolving picked objects into the info panel. Each item
 * owns what it drew (`ItemScene`), released by `unload` (DESIGN.md convention 5).
 */

/** What an item owns in the scene. */
export interface ItemScene {
  drawn: DrawnLayer | null;
  handle: UserSceneHandle | null;
  abort: AbortController;
  removeTitle: (() => void) | null;
}

/** An item of My data with its scene side. */
export type ItemState = UserItem & ItemScene;

/** Gives a new item its (empty) scene side. */
export const withScene = (item: UserItem): ItemState => Object.assign(item, { drawn: null, handle: null, abort: new AbortController(), removeTitle: null });

/** The loader and drawer of the items of `items`, on the app's viewer. */
export function createItemLoader(ctx: AppContext, parser: UserParser, items: UserItems<ItemState>) {
  let endCapture: (() => void) | null = null;
  const say = (name: string, reason: string) => ctx.say('warning', 'userdata.msg.failed', { name, reason }, messageKeyOf(name));
  const tileError = (s: ItemState) => (url: string, message: string) => ctx.say('warning', 'userdata.msg.failed', { name: s.stored.name, reason: `${url}: ${message}` }, tileMessageKeyOf(s.stored.id));

  const clearDrawing = (s: ItemState) => {
    s.drawn?.dispose();
    s.drawn = null;
    s.handle?.dispose();
    s.handle = null;
    s.removeTitle?.();
    s.removeTitle = null;
  };

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
      s.rule = styleFieldOf(s) !== null ? ruleOf(s) : null;
      (s.handle as TilesetHandle).setStyle(s.rule);
    }
  }

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

  async function load(s: ItemState): Promise<void> {
    const c = items.city();
    const v = ctx.viewer;
    s.abort.abort();
    const abort = new AbortController();
    s.abort = abort;
    clearDrawing(s);
    s.status = { kind: 'loading', percent: null };
    items.update(s);
    if (c === null) return;
    if (v === null) return items.fail(s, '', 'no 3D view (WebGL unavailable)');
    const alive = () => !abort.signal.aborted && items.city() === c && items.get(s.stored.id) === s;
    const src = s.stored.source;
    try {
      if (s.stored.format === 'tileset' && src.kind !== 'file') {
        const onTile = tileError(s);
        const progress = (percent: number) => {
          if (!alive()) return;
          s.status = { kind: 'loading', percent };
          items.update(s);
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
          if (s.fields.length !== before) items.update(s);
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
        return items.fail(s, '', 'a local tileset stored with another format');
      } else {
        let bytes: Uint8Array;
        if (src.kind === 'file') bytes = src.bytes;
        else {
          bytes = await fetchUserBytes(src.url, Math.max(USER_LIMITS.maxVectorBytes, USER_LIMITS.maxModelBytes), {
            signal: abort.signal,
            onProgress: (read, total) => {
              if (total === null || !alive()) return;
              s.status = { kind: 'loading', percent: (100 * read) / total };
              items.update(s);
            },
          });
        }
        if (!alive()) return;
        const r = await parser.parse({ name: s.stored.name, bytes, options: s.stored.options });
        if (!alive()) return;
        if (!r.ok) return items.fail(s, r.error.where, r.error.reason);
        if (r.kind === 'other' && (r.format === 'citygml' || r.format === 'cityjson')) {
          s.stored.format = r.format;
          s.city ??= { report: null, needsCrs: false };
          const crs = s.stored.options.city?.crs;
          s.status = { kind: 'loading', percent: null, label: t('userdata.building') };
          items.update(s);
          const b = await parser.buildCity({ name: s.stored.name, bytes, format: r.format, ...(crs !== undefined ? { crs } : {}) });
          if (!alive()) return;
          if (!b.ok) {
            s.city = { report: null, needsCrs: b.needsCrs === true };
            if (b.needsCrs !== true) return items.fail(s, b.error.where, b.error.reason);
            // Not a failure of the file: the row shows why and the CRS field; the notice fades.
            s.status = { kind: 'error', reason: b.error.reason };
            ctx.say('info', 'userdata.msg.chooseCrs', { name: s.stored.name }, messageKeyOf(s.stored.name));
            items.update(s);
            ctx.refreshSources();
            return;
          }
          s.city = { report: b.result.report, needsCrs: false };
          const handle = await addUserCityModel(v.scene, b.result.glb, b.result.tileset, tileError(s));
          if (!alive()) return handle.dispose();
          s.handle = handle;
          s.fields = b.result.fields;
          s.status = { kind: 'ready', summary: t('userdata.readyCity', { count: formatNumber(b.result.report.buildings, 0) }), issues: [] };
          applyStyle(s);
          if (s.fresh) handle.flyTo(ctx.stable);
        } else if (r.kind === 'other') {
          if (r.format !== 'glb') return items.fail(s, '', `a ${r.format} is opened by URL`);
          s.stored.format = 'glb';
          const at = s.stored.placement ?? { ...(centreOfView() ?? cityCentre(c)), headingDeg: 0, scale: 1 };
          s.stored.placement = at;
          items.save(s);
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
      return items.fail(s, where, reason);
    }
    s.handle?.setShown(s.shown);
    s.handle?.setOpacity(s.opacity);
    s.removeTitle = ctx.setItemTitle(layerIdOf(s.stored.id), (item) => {
      const f = s.vector?.parsed.features.find((x) => x.id === item.id);
      return f?.name ?? `${s.stored.name}${item.id !== null && item.id !== s.stored.name ? ` · ${item.id}` : ''}`;
    });
    items.update(s);
    ctx.refreshSources();
    v.requestRender();
  }

  /** Places a model where the user clicks next (Esc gives up). */
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
      if (p === null) return;
      items.placeAt(s, p);
    });
    window.addEventListener('keydown', onKey);
    endCapture = stop;
  }

  const itemOfFeature = (s: ItemState, index: number): PickedItem | null => {
    const f = s.vector?.parsed.features[index];
    if (f === undefined) return null;
    return { layerId: layerIdOf(s.stored.id), id: f.id, properties: { ...f.properties, [t('layers.prop.layer')]: s.stored.name } };
  };

  return {
    load,
    applyStyle,
    zoom,
    startPlacing,
    /** Ends a placement in progress. */
    endPlacing: () => endCapture?.(),
    /** Stops an item's loading and takes back what it drew. */
    unload(s: ItemState): void {
      s.abort.abort();
      clearDrawing(s);
    },
    shown(s: ItemState): void {
      s.drawn?.setShown(s.shown);
      s.handle?.setShown(s.shown);
      ctx.viewer?.requestRender();
    },
    opacity(s: ItemState): void {
      s.drawn?.setOpacity(s.opacity);
      s.handle?.setOpacity(s.opacity);
    },
    placed(s: ItemState): void {
      if (s.stored.placement !== undefined) (s.handle as ModelHandle | null)?.place(s.stored.placement);
    },
    /** Picking of the items' objects (vector features, tileset features) for the info panel. */
    picker: {
      resolve(picked: unknown): PickedItem | null {
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
      highlight(picked: unknown): () => void {
        const tag = (picked as { id?: unknown } | undefined)?.id;
        if (!isFeatureTag(tag) || !tag.jumeauLayer.startsWith('user:')) return () => undefined;
        return items.get(tag.jumeauLayer.slice(5))?.drawn?.highlight(tag.index) ?? (() => undefined);
      },
    },
  };
}

/** The scene side of My data. */
export type ItemLoader = ReturnType<typeof createItemLoader>;
