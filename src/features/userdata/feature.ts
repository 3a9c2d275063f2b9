import type { AppContext } from '../../app/context.ts';
import { sameUserItem } from '../../scenarios/userdata.ts';
import { t } from '../../ui/i18n/index.ts';
import { ICONS } from '../../ui/icons.ts';
import { createUserItems } from './controller.ts';
import { layerIdOf, messageKeyOf, scenarioItemOf, sourceOf, tileMessageKeyOf } from './item.ts';
import { createIntake, mb, pageUrl } from './intake.ts';
import { createItemLoader, withScene, type ItemState } from './loader.ts';
import { createUserDataPanel } from './panel.ts';
import { createUserParser, createUserStore } from './source.ts';
import { installUserDataTestApi } from './test-api.ts';

/**
 * "Bring your own data" (issue 13): files dropped or picked and URLs pasted become layers of the
 * open city — vector files parsed in a worker and drawn like the open-data layers, 3D Tiles
 * tilesets, glTF models placed at a point, WMS and XYZ imagery. Each has a row in the "my data"
 * panel (state or error naming the file and the reason, show, opacity, colour by attribute with
 * legend, zoom, remove, licence), is pickable into the info panel, listed in the sources panel,
 * and kept in IndexedDB with the city. `?tileset=`, `?data=` and `?wms=` open items from a link.
 *
 * Wiring only: the items and their decisions are controller.ts, loading and drawing loader.ts,
 * adding files and URLs intake.ts, the panel panel.ts, the e2e hooks test-api.ts.
 */
export function install(ctx: AppContext): () => void {
  const disposers: (() => void)[] = [];
  const parser = createUserParser();
  const store = createUserStore();

  const items = createUserItems<ItemState>({
    extend: withScene,
    labels: () => ({ all: t('userdata.all'), other: t('userdata.other') }),
    row: (row) => panel.updateRow(row),
    unsay: (key) => ctx.unsay(key),
    failed: (name, reason) => ctx.say('warning', 'userdata.msg.failed', { name, reason }, messageKeyOf(name)),
    tooMany: (max) => ctx.say('warning', 'userdata.msg.tooMany', { max }, 'userdata:tooMany'),
    store: (stored) => void store.put(stored).catch((e: unknown) => ctx.say('warning', 'userdata.msg.storeFailed', { reason: e instanceof Error ? e.message : String(e) }, 'userdata:store')),
    reload: (s) => void loader.load(s),
    restyle: (s) => loader.applyStyle(s),
    shown: (s) => loader.shown(s),
    opacity: (s) => loader.opacity(s),
    placed: (s) => loader.placed(s),
    sourcesChanged: () => ctx.refreshSources(),
  });
  const loader = createItemLoader(ctx, parser, items);
  const intake = createIntake(ctx, items, loader.load);

  function remove(id: string): void {
    const s = items.remove(id);
    if (s === undefined) return;
    loader.unload(s);
    panel.removeRow(id);
    // Its messages go with it (another item of the same name keeps its row's own status).
    ctx.unsay(messageKeyOf(s.stored.name));
    ctx.unsay(tileMessageKeyOf(id));
    if (ctx.state.selected?.startsWith(`${layerIdOf(id)}:`) === true) ctx.select(null);
    if (s.persistent) void store.remove(id).catch(() => undefined);
    ctx.refreshSources();
    ctx.viewer?.requestRender();
  }

  const panel = createUserDataPanel({
    onClose: () => ctx.setPanelOpen('data', false),
    onFiles: (files, paths) => void intake.addFiles(files, paths),
    onUrl: (url, kind) => void intake.addUrl(url, kind, true),
    onShown: (id, on) => items.setShown(id, on),
    onOpacity: (id, a) => items.setOpacity(id, a),
    onStyle: (id, field) => items.setStyle(id, field),
    onZoom: (id) => loader.zoom(id),
    onRemove: (id) => remove(id),
    onLicence: (id, licence, publisher) => items.setLicence(id, licence, publisher),
    onCsv: (id, x, y, crs) => items.setCsv(id, x, y, crs),
    onWmsLayer: (id, layer) => items.setWmsLayer(id, layer),
    onCityCrs: (id, crs) => items.setCityCrs(id, crs),
    onPlace: (id) => loader.startPlacing(id),
    onPlacement: (id, p) => items.setPlacement(id, p),
  });
  disposers.push(ctx.addPanel('data', panel, 'left', { label: 'userdata.toolbar', icon: ICONS.upload }));
  disposers.push(() => panel.dispose());

  disposers.push(ctx.addSources(() => items.values().map((s) => sourceOf(s, { userSupplied: t('userdata.userSupplied'), unknownLicence: t('userdata.unknownLicence') }))));

  // Saved with scenarios (the scenario file's userData).
  disposers.push(
    ctx.userData.provide({
      items: () => items.values().map((s) => scenarioItemOf(s.stored)),
      adopt: async (list) => items.adopt(list, { checkUrl: pageUrl, same: sameUserItem, mb }),
    }),
  );

  // City lifecycle: the city's stored items, then (the first time) the link's.
  disposers.push(
    ctx.onCity((c) => {
      items.setCity(c);
      const removePick = ctx.picking?.add({ ...loader.picker });
      panel.setRows([]);
      void items.during(async () => {
        const stored = await store.list(c.config.id).catch(() => []);
        if (items.city() !== c) return;
        for (const st of stored) {
          // add keeps the stored id, options, style and placement (they override its defaults).
          const s = items.add(st, true);
          s.fresh = false;
          void loader.load(s);
        }
        if (stored.length > 0) ctx.say('info', 'userdata.msg.restored', { count: stored.length }, 'userdata:restored');
        for (const l of items.takeLinkItems(ctx.state.extra)) await intake.addUrl(l.url, l.kind, false);
      });
      return () => {
        removePick?.();
        loader.endPlacing();
        for (const s of items.setCity(null)) loader.unload(s);
        panel.setRows([]);
      };
    }),
  );
  disposers.push(ctx.onLangChange(() => panel.setRows(items.rows())));
  disposers.push(installUserDataTestApi(items, loader.zoom));

  return () => {
    for (const d of disposers.reverse()) d();
    parser.dispose();
  };
}
