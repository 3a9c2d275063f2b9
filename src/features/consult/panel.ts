import '../../../assets/styles/consult.css';
import { LIMITS, type Category, type Consultation, type Contribution, type Stance } from '../../core/schemas/consultation.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import { CATEGORY_COLORS, CONSULT_TABS, emptyView, type ConsultTab, type ConsultViewModel } from './model.ts';
import { catLabel, chip, formatDate, heatCanvas, statusLine, voteBar } from './panel-widgets.ts';

/**
 * The consultation panel: the list of consultations, then one consultation with four tabs —
 * comments (filter, add a comment at a place picked in 3D, the resident's own comments with
 * their moderation state), proposals (support / oppose), summary (charts, heat map, exports)
 * and moderation (login, queue). It renders a view model (model.ts) and calls back; it fetches
 * nothing and knows no Cesium. Every user text is set as text. Its small pieces (chips, dates,
 * vote bars, the heat map) are in panel-widgets.ts.
 */

export interface ConsultPanelCallbacks {
  onClose(): void;
  onOpen(id: string): void;
  onBack(): void;
  onRefresh(): void;
  onTab(tab: ConsultTab): void;
  onFilter(category: Category | null): void;
  onStartPlacing(): void;
  onCancelPlacing(): void;
  onSubmit(input: { category: Category; text: string; displayName: string }): void;
  onVote(proposalId: string, stance: Stance | null): void;
  /** Fly to a comment's place (and its camera when it has one). */
  onShow(comment: Contribution): void;
  onLogin(email: string, password: string): void;
  onLogout(): void;
  onModerate(id: string, action: 'publish' | 'reject', reason: string | null): void;
}

export interface ConsultPanel extends Panel {
  render(v: ConsultViewModel): void;
}

/** The panel; `render(view)` shows a view model, the callbacks say what the user did. */
export function createConsultPanel(cb: ConsultPanelCallbacks): ConsultPanel {
  const panel = createPanel('panel-consult', 'consult.title', cb.onClose, 'panel-consult');
  let view: ConsultViewModel = emptyView();

  // The comment form lives across renders so that typing is never lost.
  const formCategory = h('select', { id: 'consult-category', class: 'consult-input' });
  const formText = h('textarea', { id: 'consult-text', class: 'consult-input', attrs: { rows: 4, maxlength: LIMITS.textChars, required: true } });
  const formCount = h('span', { class: 'consult-count', attrs: { 'aria-live': 'polite' } });
  const formName = h('input', { id: 'consult-name', class: 'consult-input', type: 'text', attrs: { maxlength: LIMITS.displayNameChars, required: true, autocomplete: 'nickname' } });
  try {
    formName.value = localStorage.getItem('jumeau.consult.name') ?? '';
  } catch {
    // Private mode: no remembered name.
  }
  const formPlace = h('p', { class: 'consult-place' });
  const formSubmit = h('button', { class: 'text-button consult-primary', type: 'submit', id: 'consult-submit' });
  const form = h('form', { class: 'consult-form', id: 'consult-form' });
  const updateCount = () => (formCount.textContent = t('consult.form.count', { count: formText.value.length, max: LIMITS.textChars }));
  formText.addEventListener('input', updateCount);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const category = formCategory.value as Category;
    try {
      localStorage.setItem('jumeau.consult.name', formName.value);
    } catch {
      // Not remembered; nothing else depends on it.
    }
    cb.onSubmit({ category, text: formText.value, displayName: formName.value });
  });

  // Moderator login form (kept for the same reason).
  const loginEmail = h('input', { id: 'consult-login-email', class: 'consult-input', type: 'email', attrs: { autocomplete: 'username', required: true, maxlength: LIMITS.emailChars } });
  const loginPassword = h('input', { id: 'consult-login-password', class: 'consult-input', type: 'password', attrs: { autocomplete: 'current-password', required: true, maxlength: LIMITS.passwordMaxChars } });
  const loginForm = h('form', { class: 'consult-form', id: 'consult-login' });
  loginForm.addEventListener('submit', (e) => {
    e.preventDefault();
    cb.onLogin(loginEmail.value, loginPassword.value);
    loginPassword.value = '';
  });

  const button = (label: string, onClick: () => void, o: { cls?: string; id?: string; pressed?: boolean; disabled?: boolean } = {}) =>
    h('button', { class: `text-button ${o.cls ?? ''}`, type: 'button', ...(o.id !== undefined ? { id: o.id } : {}), attrs: { ...(o.pressed !== undefined ? { 'aria-pressed': String(o.pressed) } : {}), disabled: o.disabled === true }, on: { click: onClick } }, label);

  function renderList(): HTMLElement[] {
    const list = view.list ?? [];
    if (list.length === 0) return [h('p', { class: 'hint' }, view.loading ? t('consult.loading') : t('consult.list.empty'))];
    return [
      h(
        'ul',
        { class: 'consult-list' },
        ...list.map((c) =>
          h(
            'li',
            { class: 'consult-list-item' },
            h('button', { class: 'consult-link', type: 'button', attrs: { 'data-id': c.id }, on: { click: () => cb.onOpen(c.id) } }, c.title),
            h('div', { class: 'consult-meta' }, statusLine(c), c.sample ? h('span', { class: 'status status-synthetic' }, t('consult.sample')) : null),
          ),
        ),
      ),
    ];
  }

  function renderHeader(c: Consultation): HTMLElement[] {
    const parts: (HTMLElement | null)[] = [
      h('div', { class: 'consult-top' }, button(`← ${t('consult.back')}`, cb.onBack, { cls: 'consult-back' }), button(t('consult.refresh'), cb.onRefresh, { id: 'consult-refresh' })),
      h('p', { class: 'consult-meta', id: 'consult-status' }, statusLine(c), c.sample ? h('span', { class: 'status status-synthetic', id: 'consult-sample' }, t('consult.sample')) : null),
      c.sample ? h('p', { class: 'consult-sample-note' }, t('consult.sampleNote')) : null,
      view.otherCity !== null ? h('p', { class: 'consult-warning' }, t('consult.otherCity', { city: view.otherCity })) : null,
      c.description !== '' ? h('p', { class: 'consult-description' }, c.description) : null,
      c.scenarioId !== null || c.tourId !== null ? h('p', { class: 'consult-meta' }, t('consult.links', { scenario: c.scenarioId ?? t('consult.none'), tour: c.tourId ?? t('consult.none') })) : null,
    ];
    return parts.filter((x): x is HTMLElement => x !== null);
  }

  function renderTabs(): HTMLElement {
    const tabs = h('div', { class: 'consult-tabs', role: 'tablist' });
    for (const tab of CONSULT_TABS) {
      tabs.append(
        h('button', { class: `consult-tab${view.tab === tab ? ' active' : ''}`, type: 'button', role: 'tab', id: `consult-tab-${tab}`, attrs: { 'aria-selected': String(view.tab === tab) }, on: { click: () => cb.onTab(tab) } }, t(`consult.tab.${tab}` as MessageKey)),
      );
    }
    return tabs;
  }

  function commentItem(k: Contribution): HTMLElement {
    return h(
      'li',
      { class: 'consult-comment', attrs: { 'data-id': k.id } },
      h('div', { class: 'consult-comment-head' }, chip(k.category), h('span', { class: 'consult-by' }, t('consult.by', { name: k.displayName, date: formatDate(k.createdAt) }))),
      h('p', { class: 'consult-text' }, k.text),
      button(t('consult.comments.show'), () => cb.onShow(k), { cls: 'consult-small' }),
    );
  }

  function renderComments(c: Consultation): HTMLElement[] {
    const out: HTMLElement[] = [];
    // Filter.
    const filter = h('select', { id: 'consult-filter', class: 'consult-input', on: { change: () => cb.onFilter(filter.value === '' ? null : (filter.value as Category)) } });
    filter.append(h('option', { attrs: { value: '' } }, t('consult.filter.all', { count: c.published })));
    for (const cat of c.categories) {
      const o = h('option', { attrs: { value: cat } }, catLabel(cat));
      if (view.category === cat) o.selected = true;
      filter.append(o);
    }
    out.push(h('label', { class: 'field consult-filter' }, t('consult.filter'), filter));

    // Add a comment.
    if (c.status !== 'open') out.push(h('p', { class: 'hint' }, t('consult.add.closed')));
    else if (view.placing === 'off') {
      out.push(button(t('consult.add'), cb.onStartPlacing, { cls: 'consult-primary', id: 'consult-add' }));
      if (view.thanks) out.push(h('p', { class: 'consult-ok', id: 'consult-thanks', role: 'status' }, t('consult.form.thanks')));
    } else if (view.placing === 'picking') {
      out.push(h('div', { class: 'consult-picking', id: 'consult-picking' }, h('p', { role: 'status' }, t('consult.pick.hint')), view.placingNote !== null ? h('p', { class: 'consult-warning' }, view.placingNote) : null, button(t('consult.pick.cancel'), cb.onCancelPlacing)));
    } else {
      const d = view.draft!;
      formPlace.textContent = t('consult.form.place', { lon: d.lonDeg.toFixed(5), lat: d.latDeg.toFixed(5), height: formatNumber(d.heightM, 1) });
      const selected = formCategory.value;
      formCategory.replaceChildren(...c.categories.map((cat) => h('option', { attrs: { value: cat } }, catLabel(cat))));
      if (c.categories.includes(selected as Category)) formCategory.value = selected;
      formSubmit.textContent = view.sending ? t('consult.form.sending') : t('consult.form.submit');
      formSubmit.disabled = view.sending;
      updateCount();
      replaceChildren(
        form,
        formPlace,
        h('div', { class: 'consult-row' }, button(t('consult.form.repick'), cb.onStartPlacing, { cls: 'consult-small' }), button(t('consult.pick.cancel'), cb.onCancelPlacing, { cls: 'consult-small' })),
        h('label', { class: 'field' }, t('consult.form.category'), formCategory),
        h('label', { class: 'field' }, t('consult.form.text'), formText, formCount),
        h('label', { class: 'field' }, t('consult.form.name'), formName, h('span', { class: 'hint' }, t('consult.form.nameHint'))),
        h('p', { class: 'hint' }, t('consult.form.moderationNote')),
        formSubmit,
      );
      out.push(form);
    }

    // The resident's own comments.
    if (view.mine.length > 0) {
      out.push(
        h('h3', { class: 'consult-h3' }, t('consult.mine.title')),
        h(
          'ul',
          { class: 'consult-comments consult-mine', id: 'consult-mine' },
          ...view.mine.map((k) =>
            h(
              'li',
              { class: `consult-comment consult-${k.status}`, attrs: { 'data-id': k.id, 'data-status': k.status } },
              h('div', { class: 'consult-comment-head' }, chip(k.category), h('span', { class: 'consult-state' }, k.status === 'rejected' ? t('consult.mine.rejected', { reason: k.rejectReason ?? '' }) : t(`consult.mine.${k.status}` as MessageKey))),
              h('p', { class: 'consult-text' }, k.text),
            ),
          ),
        ),
      );
    }

    // Published comments.
    out.push(h('h3', { class: 'consult-h3' }, t('consult.comments.count', { count: view.comments.length })));
    if (view.comments.length === 0) out.push(h('p', { class: 'hint' }, t('consult.comments.empty')));
    else out.push(h('ul', { class: 'consult-comments', id: 'consult-comments' }, ...view.comments.map(commentItem)));
    return out;
  }

  function renderProposals(c: Consultation): HTMLElement[] {
    if (c.proposals.length === 0) return [h('p', { class: 'hint' }, t('consult.proposals.empty'))];
    return [
      h(
        'ul',
        { class: 'consult-proposals' },
        ...c.proposals.map((p) => {
          const mine = view.votes[p.id] ?? null;
          const open = c.status === 'open';
          const vote = (s: Stance) => () => cb.onVote(p.id, mine === s ? null : s);
          return h(
            'li',
            { class: 'consult-proposal', attrs: { 'data-id': p.id } },
            h('h3', { class: 'consult-h3' }, p.title),
            p.description !== '' ? h('p', { class: 'consult-text' }, p.description) : null,
            voteBar(p.support, p.oppose),
            h('p', { class: 'consult-meta consult-counts' }, t('consult.proposals.counts', { support: p.support, oppose: p.oppose })),
            h(
              'div',
              { class: 'consult-row' },
              button(t('consult.proposals.support'), vote('support'), { cls: 'consult-vote consult-support', pressed: mine === 'support', disabled: !open }),
              button(t('consult.proposals.oppose'), vote('oppose'), { cls: 'consult-vote consult-oppose', pressed: mine === 'oppose', disabled: !open }),
            ),
            mine !== null ? h('p', { class: 'hint' }, t('consult.proposals.mine', { stance: t(mine === 'support' ? 'consult.proposals.support' : 'consult.proposals.oppose') })) : null,
          );
        }),
      ),
    ];
  }

  function renderSummary(c: Consultation): HTMLElement[] {
    const out: HTMLElement[] = [];
    const s = view.summary;
    if (s === null) return [h('p', { class: 'hint' }, t('consult.loading'))];
    out.push(h('p', { class: 'consult-meta', id: 'consult-states' }, t('consult.summary.states', { ...s.contributions, participants: s.participants })));
    // Votes.
    out.push(h('h3', { class: 'consult-h3' }, t('consult.summary.votes')));
    if (s.proposals.length === 0) out.push(h('p', { class: 'hint' }, t('consult.proposals.empty')));
    for (const p of s.proposals) out.push(h('div', { class: 'consult-vote-row' }, h('span', { class: 'consult-vote-title' }, p.title), voteBar(p.support, p.oppose), h('span', { class: 'consult-meta' }, t('consult.proposals.counts', { support: p.support, oppose: p.oppose }))));
    // Categories.
    out.push(h('h3', { class: 'consult-h3' }, t('consult.summary.categories')));
    const max = Math.max(1, ...Object.values(s.byCategory));
    const cats = h('div', { class: 'consult-chart', id: 'consult-chart-categories' });
    for (const cat of c.categories) {
      const n = s.byCategory[cat] ?? 0;
      const bar = h('span', { class: 'consult-chart-bar' });
      bar.style.width = `${(100 * n) / max}%`;
      bar.style.background = CATEGORY_COLORS[cat];
      cats.append(h('div', { class: 'consult-chart-row' }, h('span', { class: 'consult-chart-label' }, catLabel(cat)), h('span', { class: 'consult-chart-track' }, bar), h('span', { class: 'consult-chart-value' }, String(n))));
    }
    out.push(cats);
    // Heat map.
    if (view.heat !== null) {
      out.push(h('h3', { class: 'consult-h3' }, t('consult.summary.heat')), heatCanvas(view.heat));
    }
    // Exports.
    if (view.exports !== null) {
      const e = view.exports;
      const link = (href: string, label: string) => h('a', { class: 'consult-export', attrs: { href, download: '' } }, label);
      out.push(h('h3', { class: 'consult-h3' }, t('consult.summary.export')), h('p', { class: 'consult-exports' }, `${t('consult.summary.exportPublished')} `, link(e.csv, 'CSV'), ' · ', link(e.geojson, 'GeoJSON')));
      if (view.moderator !== null) out.push(h('p', { class: 'consult-exports' }, `${t('consult.summary.exportAll')} `, link(e.csvAll, 'CSV'), ' · ', link(e.geojsonAll, 'GeoJSON')));
    }
    return out;
  }

  function renderModeration(): HTMLElement[] {
    if (view.moderator === null) {
      replaceChildren(
        loginForm,
        h('h3', { class: 'consult-h3' }, t('consult.mod.login')),
        h('label', { class: 'field' }, t('consult.mod.email'), loginEmail),
        h('label', { class: 'field' }, t('consult.mod.password'), loginPassword),
        h('button', { class: 'text-button consult-primary', type: 'submit', id: 'consult-login-submit' }, t('consult.mod.submit')),
      );
      return [loginForm];
    }
    const m = view.moderator;
    const out: HTMLElement[] = [h('div', { class: 'consult-row' }, h('span', { class: 'consult-meta', id: 'consult-mod-as' }, t('consult.mod.as', { name: m.displayName, role: t(`consult.role.${m.role}` as MessageKey) })), button(t('consult.mod.logout'), cb.onLogout, { id: 'consult-logout' }))];
    const queue = view.queue ?? [];
    out.push(h('h3', { class: 'consult-h3' }, t('consult.mod.queue', { count: queue.length })));
    if (queue.length === 0) out.push(h('p', { class: 'hint' }, view.queue === null ? t('consult.loading') : t('consult.mod.empty')));
    const list = h('ul', { class: 'consult-comments', id: 'consult-queue' });
    for (const k of queue) {
      const reason = h('textarea', { class: 'consult-input consult-reason', attrs: { rows: 2, maxlength: LIMITS.reasonChars, 'aria-label': t('consult.mod.reason'), placeholder: t('consult.mod.reason') } });
      const note = h('p', { class: 'consult-warning', hidden: true });
      list.append(
        h(
          'li',
          { class: 'consult-comment', attrs: { 'data-id': k.id } },
          h('div', { class: 'consult-comment-head' }, chip(k.category), h('span', { class: 'consult-by' }, t('consult.by', { name: k.displayName, date: formatDate(k.createdAt, true) }))),
          h('p', { class: 'consult-text' }, k.text),
          h(
            'div',
            { class: 'consult-row' },
            button(t('consult.comments.show'), () => cb.onShow(k), { cls: 'consult-small' }),
            button(t('consult.mod.publish'), () => cb.onModerate(k.id, 'publish', null), { cls: 'consult-small consult-publish' }),
            button(
              t('consult.mod.reject'),
              () => {
                if (reason.value.trim() === '') {
                  note.textContent = t('consult.mod.reasonMissing');
                  note.hidden = false;
                  reason.focus();
                  return;
                }
                cb.onModerate(k.id, 'reject', reason.value);
              },
              { cls: 'consult-small consult-reject' },
            ),
          ),
          reason,
          note,
        ),
      );
    }
    if (queue.length > 0) out.push(list);
    return out;
  }

  function render(): void {
    const c = view.consultation;
    panel.setTitle(c !== null ? c.title : t('consult.list.title'));
    const parts: (HTMLElement | null)[] = [];
    if (view.error !== null) parts.push(h('p', { class: 'consult-error', role: 'alert', id: 'consult-error' }, view.error));
    if (c === null) parts.push(...renderList());
    else {
      parts.push(...renderHeader(c), renderTabs());
      const tabBody = h('div', { class: 'consult-tab-body', role: 'tabpanel', id: 'consult-tabpanel', attrs: { 'aria-labelledby': `consult-tab-${view.tab}` } });
      const content = view.tab === 'comments' ? renderComments(c) : view.tab === 'proposals' ? renderProposals(c) : view.tab === 'summary' ? renderSummary(c) : renderModeration();
      tabBody.append(...content);
      parts.push(tabBody);
    }
    // Keep focus on the form fields across renders.
    const active = document.activeElement;
    replaceChildren(panel.body, ...parts);
    if (active instanceof HTMLElement && active !== document.body && panel.body.contains(active)) active.focus();
  }

  render();
  return {
    ...panel,
    render(v) {
      view = v;
      if (v.thanks) formText.value = '';
      render();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
