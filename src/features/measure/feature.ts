import type { GeodeticDeg } from '../../core/geodesy.ts';
import { measureArea, measureDistance, measureHeight } from './measure.ts';
import { startMeasure, type MeasureDrawHandle, type MeasureKind } from './view.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { createPanel } from '../../ui/panel.ts';
import type { AppContext } from '../../app/context.ts';

/**
 * Measurement tools on the 3D city: distance along picked points, height between two points,
 * area of a polygon (on the ground and in its own plane, for a roof or a facade). Points land on
 * the picked surface (depth buffer). The numbers come from `core/measure.ts` (ECEF and local
 * east-north-up frames, tested on known shapes).
 */

const RULER_ICON = ['M3 17 17 3l4 4L7 21z', 'M7 13l2 2', 'M10 10l2 2', 'M13 7l2 2'];

declare global {
  interface Window {
    __jumeauMeasure?: { state(): { kind: MeasureKind | null; points: number; result: string | null } };
  }
}

/** The text of a measurement (empty when there are not enough points). */
export function measureText(kind: MeasureKind, pts: readonly GeodeticDeg[]): string {
  const f = (v: number) => formatNumber(v, 1);
  if (kind === 'distance' && pts.length >= 2) {
    const d = measureDistance(pts);
    return t('measure.distanceResult', { length: f(d.lengthM), horizontal: f(d.horizontalM), rise: f(d.riseM) });
  }
  if (kind === 'height' && pts.length >= 2) {
    const m = measureHeight(pts[0]!, pts[1]!);
    return t('measure.heightResult', { height: f(m.heightM), horizontal: f(m.horizontalM) });
  }
  if (kind === 'area' && pts.length >= 3) {
    const a = measureArea(pts);
    return t('measure.areaResult', { horizontal: formatNumber(a.horizontalM2, 0), plane: formatNumber(a.planeM2, 0), perimeter: f(a.perimeterM) });
  }
  return '';
}

export function install(ctx: AppContext): () => void {
  let handle: MeasureDrawHandle | null = null;
  let kind: MeasureKind | null = null;
  let result: string | null = null;
  let resume: (() => void) | null = null;
  const panel = createPanel('panel-measure', 'measure.title', () => ctx.setPanelOpen('measure', false), 'panel-measure panel-sim');
  const out = h('p', { id: 'measure-result', class: 'sim-line', attrs: { 'aria-live': 'polite' } });
  const hint = h('p', { class: 'hint', id: 'measure-hint' });
  const buttons = (['distance', 'height', 'area'] as const).map((k) => {
    const b = h('button', { id: `measure-${k}`, type: 'button', class: 'text-button', on: { click: () => start(k) } });
    b.dataset.kind = k;
    return b;
  });
  const clearButton = h('button', { id: 'measure-clear', type: 'button', class: 'text-button', on: { click: () => clear() } });
  const render = () => {
    for (const b of buttons) {
      b.textContent = t(`measure.${b.dataset.kind as MeasureKind}`);
      b.classList.toggle('primary', b.dataset.kind === kind);
    }
    clearButton.textContent = t('measure.clear');
    hint.textContent = kind === null ? t('measure.none') : kind === 'height' ? t('measure.hintHeight') : t('measure.hint');
    out.textContent = result ?? '';
    replaceChildren(panel.body, h('div', { class: 'sim-actions' }, ...buttons, clearButton), hint, out);
  };
  const endInput = () => {
    resume?.();
    resume = null;
  };
  function clear(): void {
    handle?.dispose();
    handle = null;
    endInput();
    kind = null;
    result = null;
    render();
  }
  function start(k: MeasureKind): void {
    if (ctx.viewer === null) return;
    clear();
    kind = k;
    resume = ctx.picking?.suspend() ?? null;
    handle = startMeasure(ctx.viewer.scene, {
      kind: k,
      onChange: (pts) => {
        const text = measureText(k, pts);
        result = text === '' ? null : text;
        out.textContent = result ?? '';
        return text;
      },
      onEnd: () => {
        endInput();
        kind = null;
        render();
      },
    });
    render();
  }
  const removePanel = ctx.addPanel('measure', panel, 'right', { label: 'measure.toolbar', icon: RULER_ICON });
  const offLang = ctx.onLangChange(() => render());
  const offCity = ctx.onCity(() => () => clear());
  window.__jumeauMeasure = { state: () => ({ kind, points: handle?.points.length ?? 0, result }) };
  render();
  return () => {
    clear();
    offLang();
    offCity();
    removePanel();
    delete window.__jumeauMeasure;
  };
}
