import type { Category, Consultation, ConsultationSummaryItem, Contribution, ModeratedContribution, Moderator, Position, Stance, Summary } from '../../core/schemas/consultation.ts';
import type { HeatGrid } from './heat.ts';

/**
 * What the consultation panel shows (pure data): the view model the controller keeps and the
 * panel renders, and the category colours shared by the pins, the chips and the charts.
 */

export type ConsultTab = 'comments' | 'proposals' | 'summary' | 'moderation';
export const CONSULT_TABS: readonly ConsultTab[] = ['comments', 'proposals', 'summary', 'moderation'];

export interface ConsultViewModel {
  loading: boolean;
  /** An error to show in the panel (the rest stays usable). */
  error: string | null;
  list: ConsultationSummaryItem[] | null;
  consultation: Consultation | null;
  /** The consultation is about another city than the one shown. */
  otherCity: string | null;
  tab: ConsultTab;
  category: Category | null;
  comments: Contribution[];
  mine: ModeratedContribution[];
  votes: Record<string, Stance>;
  placing: 'off' | 'picking' | 'form';
  draft: Position | null;
  /** A short notice about placing (missed pick, outside the area). */
  placingNote: string | null;
  sending: boolean;
  /** Shown once after a comment was sent. */
  thanks: boolean;
  summary: Summary | null;
  heat: HeatGrid | null;
  moderator: Moderator | null;
  queue: ModeratedContribution[] | null;
  exports: { csv: string; geojson: string; csvAll: string; geojsonAll: string } | null;
}

/** The view model with nothing loaded yet (no list, no consultation; the comments tab). */
export function emptyView(): ConsultViewModel {
  return {
    loading: false, error: null, list: null, consultation: null, otherCity: null, tab: 'comments', category: null, comments: [], mine: [], votes: {},
    placing: 'off', draft: null, placingNote: null, sending: false, thanks: false, summary: null, heat: null, moderator: null, queue: null, exports: null,
  };
}

/** Category colours (pins, chips, charts), readable on the dark panels. */
export const CATEGORY_COLORS: Record<Category, string> = {
  mobility: '#4fc3f7',
  greenery: '#66bb6a',
  housing: '#ffb74d',
  'public-space': '#ba68c8',
  safety: '#ef5350',
  heritage: '#a1887f',
  services: '#4db6ac',
  other: '#b0bec5',
};
