import type { AppContext } from '../../app/context.ts';
import { downloadText } from '../../ui/download.ts';
import { getLang, t } from '../../ui/i18n/index.ts';
import { createTourLibrary, exportFileName, readLinkParams } from './controller.ts';
import { createTourPanel } from './panel.ts';
import { captureView, createPresenter } from './presenter.ts';
import { sampleTours } from './samples.ts';
import { serializeTour } from './schema.ts';
import type { KeyValueStorage } from './store.ts';
import { installToursTestApi } from './test-api.ts';

/**
 * Project tours (issue 10): the tours panel (author, reorder, preview, export, import, share), the
 * player (window, presenter and kiosk modes, keyboard and clickers), `?tour=` links
 * (`?tour=<id>` or an encoded tour, `&tourmode=present|kiosk` to start presenting) and the sample
 * tour of the demo city.
 *
 * Wiring only: the tours and the editor's decisions are controller.ts, playing a tour
 * presenter.ts (over the pure state machine of player.ts), the panel panel.ts, the e2e hooks
 * test-api.ts.
 */

const ICON = ['M4 19V5', 'M4 5h11l-2 3 2 3H4', 'M9 19h11', 'M17 16l3 3-3 3'];

function browserStorage(): KeyValueStorage | null {
  try {
    const s = window.localStorage;
    s.getItem('jumeau.probe');
    return s;
  } catch {
    return null;
  }
}

/** Storage when the browser refuses localStorage (private mode): tours last for the session. */
function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

export function install(ctx: AppContext): () => void {
  const disposers: (() => void)[] = [];

  // The `?tour=` link.
  const params = readLinkParams(ctx.state.extra);
  if (params.badMode !== null) ctx.say('warning', 'msg.urlParam', { param: 'tourmode', value: params.badMode, reason: 'expected present, kiosk or window' }, 'url:tourmode');
  if (params.invalid !== null) {
    ctx.say('error', 'tours.linkInvalid', { reason: params.invalid }, 'tours:link');
    delete ctx.state.extra.tour;
  }
  let pendingLink = params.pending;

  const library = createTourLibrary({
    storage: browserStorage() ?? memoryStorage(),
    text: t,
    samples: (cityId) => sampleTours(cityId, getLang()),
    render: () => panel.render(library.view(ctx.tours.scenarios()?.list() ?? null)),
  });
  disposers.push(ctx.tours.provideTours({ adopt: (tours) => library.addTours(tours, false), all: () => library.saved() }));

  const panel = createTourPanel({
    onClose: () => ctx.setPanelOpen('tour', false),
    onSelectTour: (id) => library.selectTour(id),
    onNewTour: () => library.newTour(),
    onCopyTour: () => library.copyTour(),
    onDeleteTour: () => library.deleteTour(),
    onTourPatch: (patch) => library.patchTour(patch),
    onAddStop: () => library.addStop(captureView(ctx)),
    onSelectStop: (id) => library.selectStop(id),
    onStopPatch: (id, patch) => library.patchStop(id, patch),
    onStopFromView: (id) => library.stopFromView(id, captureView(ctx)),
    onMoveStop: (from, to) => library.moveStop(from, to),
    onRemoveStop: (id) => library.removeStop(id),
    onPreviewStop(index) {
      const tour = library.current();
      if (tour !== null) presenter.preview(tour, index);
    },
    onPlay(mode, from) {
      const tour = library.current();
      if (tour !== null) presenter.start(tour, mode, from);
    },
    onExport() {
      const tour = library.current();
      if (tour !== null) downloadText(exportFileName(tour), serializeTour(tour), 'application/json');
    },
    onImport(file) {
      void library.importFile(file).then((problem) => {
        if (problem !== null) ctx.say('error', 'tours.importFailed', { reason: problem }, 'tours:import');
      });
    },
    onShare: () => void share(),
  });
  disposers.push(ctx.addPanel('tour', panel, 'right', { label: 'tours.toolbar', icon: ICON }));
  const presenter = createPresenter(ctx, library, params.kioskIdleS);

  async function share(): Promise<void> {
    const made = library.shareLink(`${location.origin}${location.pathname}`);
    if (made === null) return;
    try {
      await navigator.clipboard.writeText(made.url);
      ctx.say('info', 'tours.linkCopied', {}, 'tours:share');
    } catch {
      ctx.messages.show({ level: 'info', text: `${t('share.manual')} ${made.url}`, key: 'tours:share', timeoutMs: 30_000 });
    }
    library.shared(made);
  }

  disposers.push(
    ctx.onCity((c) => {
      const link = pendingLink;
      pendingLink = null;
      const opened = library.openCity(c.config.id, link);
      for (const p of opened.storeProblems) ctx.say('warning', 'tours.storeProblem', { reason: p }, `tours:store:${p}`);
      if (opened.otherCity !== null) ctx.say('warning', 'tours.linkOtherCity', { name: opened.otherCity.name, city: opened.otherCity.city }, 'tours:link');
      if (opened.unknownId !== null) {
        ctx.say('warning', 'tours.linkUnknown', { id: opened.unknownId }, 'tours:link');
        delete ctx.state.extra.tour;
      }
      if (opened.autoStart) {
        ctx.setPanelOpen('tour', true);
        const tour = library.current();
        if (tour !== null) presenter.start(tour, params.mode, 0);
      }
      return () => {
        presenter.exit();
        library.closeCity();
      };
    }),
  );
  disposers.push(ctx.onLangChange(() => library.refresh()));
  library.refresh();
  disposers.push(installToursTestApi(library, presenter));

  return () => {
    presenter.dispose();
    for (const d of disposers.reverse()) d();
  };
}
