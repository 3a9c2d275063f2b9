import type { AppContext, OpenCity } from '../../app/context.ts';
import { getCameraState, setCameraState } from '../../scene/camera.ts';
import { readUserData, withUserData } from '../../scenarios/userdata.ts';
import { downloadText } from '../../ui/download.ts';
import { getLang, t } from '../../ui/i18n/index.ts';
import type { CompareMode } from './compare-link.ts';
import type { ScenarioController } from './controller.ts';
import { describeEdit, type ScenarioPanel } from './panel.ts';
import { buildReport } from './report.ts';
import type { ScenarioService } from './service.ts';
import { decodeShare, encodeShare, readCompareLink } from './share.ts';

/**
 * How a scenario leaves and enters the app: its file (with the tours that show it and the
 * city's My data, which travel with it), its share link (`?scn=`, with the comparison shown and
 * the indicators' date), and the printable report.
 */
export interface ScenarioExchange {
  /** The active scenario's file text (null without one). */
  exportText(): Promise<string | null>;
  /** Downloads the active scenario's file. */
  exportFile(): Promise<void>;
  importText(text: string): Promise<{ ok: boolean; error?: string }>;
  /** Puts the share link in the address (and the clipboard). */
  share(): Promise<void>;
  /** Opens a shared scenario from a link value. */
  openLink(value: string): Promise<void>;
  /** The report's HTML (and opens it in a new tab when `open`); null without a scenario and a city. */
  makeReport(open: boolean): Promise<string | null>;
}

export interface ExchangeOptions {
  ctx: AppContext;
  controller: ScenarioController;
  service: ScenarioService;
  panel: ScenarioPanel;
  city(): OpenCity | null;
  setCompare(mode: CompareMode | null): void;
  screenshots(): { baseline?: string; scenario?: string };
}

export function createExchange(o: ExchangeOptions): ScenarioExchange {
  const { ctx, controller: c, service, panel } = o;

  async function exportText(): Promise<string | null> {
    const active = service.active();
    if (active === null) return null;
    if (ctx.viewer !== null) service.updateMeta({ view: getCameraState(ctx.viewer.scene) });
    const text = service.exportFile();
    const tours = ctx.tours.ofScenario(active.id);
    const mine = ctx.userData.provider()?.items() ?? [];
    if (tours.length === 0 && mine.length === 0) return text;
    const doc = JSON.parse(text) as object;
    // The tours that show this scenario travel in its file's `tours` (copies).
    const { doc: out, leftOut } = await withUserData(tours.length === 0 ? doc : { ...doc, tours: tours.map((x) => structuredClone(x)) }, mine);
    if (leftOut.length > 0) c.say(t('scenario.userDataLeftOut', { list: leftOut.map((l) => `${l.name} (${l.reason})`).join('; ') }), 'error');
    return JSON.stringify(out, null, 1) + '\n';
  }

  async function exportFile(): Promise<void> {
    try {
      const text = await exportText();
      if (text === null) return;
      const s = service.active()!;
      downloadText(`${s.name.replace(/[^\p{L}\p{N}_-]+/gu, '-').slice(0, 60) || 'scenario'}.jumeau-scenario.json`, text, 'application/json');
    } catch (e) {
      c.say(t('scenario.refused', { reason: e instanceof Error ? e.message : String(e) }), 'error');
    }
  }

  async function importText(text: string): Promise<{ ok: boolean; error?: string }> {
    const r = await service.importFile(text, t('scenario.copy'));
    if (!r.ok) {
      c.say(t('scenario.importFailed', { reason: r.error }), 'error');
      return { ok: false, error: r.error };
    }
    // Tours saved with the scenario join the city's tours (the file was valid JSON: it was read).
    const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    const problems = ctx.tours.adoptFrom(doc);
    // My data saved with it joins the city's items; a bad item is named, the scenario is kept.
    const notes = [t('scenario.imported', { name: r.scenario.name })];
    const ud = await readUserData(doc);
    problems.push(...ud.problems);
    const provider = ctx.userData.provider();
    if (ud.items.length > 0 && provider !== null) {
      const a = await provider.adopt(ud.items);
      problems.push(...a.problems);
      notes.push(t('scenario.userDataAdded', { added: a.added, skipped: a.skipped }));
    }
    if (ud.leftOut.length > 0) notes.push(t('scenario.userDataNotInFile', { list: ud.leftOut.map((l) => `${l.name} (${l.reason})`).join('; ') }));
    c.say(problems.length === 0 ? notes.join(' ') : `${notes.join(' ')} ${problems.join('; ')}`, problems.length === 0 ? 'info' : 'error');
    return { ok: true };
  }

  async function share(): Promise<void> {
    const s = service.active();
    if (s === null) return;
    const withView = ctx.viewer !== null ? { ...s, view: getCameraState(ctx.viewer.scene) } : s;
    const r = await encodeShare(withView);
    if (!r.ok) return c.say(r.reason === 'models' ? t('scenario.shareModels') : t('scenario.shareTooLong', { n: r.length ?? 0 }), 'error');
    // The comparison shown and, when the indicator table is up to date, its date: the link
    // opens the same view and computes the same numbers.
    c.shareLink(r.value);
    try {
      await navigator.clipboard.writeText(location.href);
    } catch {
      // No clipboard permission: the link is in the address bar.
    }
    c.say(t('scenario.shareCopied'));
  }

  async function openLink(value: string): Promise<void> {
    // Read before the import: a change of edits takes the link's parameters out of the URL.
    const cmp = readCompareLink(ctx.state.extra);
    const r = await decodeShare(value);
    if (!r.ok) return c.say(t('scenario.linkFailed', { reason: r.error }), 'error');
    const added = await service.importRead(r, t('scenario.copy'));
    if (!added.ok) return c.say(t('scenario.linkFailed', { reason: added.error }), 'error');
    if (r.scenario.view !== undefined && ctx.viewer !== null) setCameraState(ctx.viewer.scene, r.scenario.view);
    panel.setDate(r.scenario.study.date);
    ctx.setPanelOpen('scenario', true);
    const notes = [t('scenario.linkOpened', { name: r.scenario.name })];
    for (const i of cmp.issues) notes.push(t('scenario.linkIssue', { param: i.param, value: i.value, reason: i.reason }));
    if (cmp.value.mode !== null) o.setCompare(cmp.value.mode);
    if (cmp.value.kpiDate !== null) {
      panel.setDate(cmp.value.kpiDate);
      void c.runKpis(cmp.value.kpiDate);
      notes.push(t('scenario.linkKpis', { date: cmp.value.kpiDate }));
    }
    c.say(notes.join(' '), cmp.issues.length > 0 ? 'error' : 'info');
  }

  async function makeReport(open: boolean): Promise<string | null> {
    const s = service.active();
    const city = o.city();
    if (s === null || city === null) return null;
    const sims = new Set(c.table?.runs.map((r) => r.simulation) ?? []);
    const html = buildReport({
      scenario: s,
      lang: getLang(),
      madeAt: new Date(ctx.stable ? Date.parse('2026-03-21T12:00:00Z') : Date.now()).toISOString(),
      city: { name: city.config.name, synthetic: city.config.synthetic },
      screenshots: o.screenshots(),
      table: c.freshTable(),
      methods: [...sims].flatMap((id) => {
        const d = ctx.registry.findSimulation(id);
        return d === null ? [] : [{ title: d.card.title, summary: d.card.summary, version: d.version }];
      }),
      sources: city.config.buildings !== undefined ? [{ ...city.config.buildings.attribution, kind: city.config.buildings.attribution.status }] : [],
      userData: (ctx.userData.provider()?.items() ?? []).map((it) => ({ name: it.name, publisher: 'publisher' in it ? it.publisher : '', licence: 'licence' in it ? it.licence : '', origin: 'source' in it && it.source.kind === 'url' ? it.source.url : it.name })),
      describeEdit,
    });
    c.lastReport = html;
    if (open) {
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
    return html;
  }

  return { exportText, exportFile, importText, share, openLink, makeReport };
}
