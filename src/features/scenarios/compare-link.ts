/**
 * The URL parameters of a share link besides the scenario's codec (share.ts): which parameter
 * carries the scenario, and what the link says about the comparison (`cmp`, `kpi`). Pure: the
 * controller reads and writes them on the app's URL state.
 */

/** The URL parameter that carries a shared scenario. */
export const SHARE_PARAM = 'scn';

/** The URL parameter that says how the link compares the scenario with today's city. */
export const COMPARE_PARAM = 'cmp';
/** The URL parameter that says the indicators were shown, and for which study date. */
export const KPI_PARAM = 'kpi';
/** How a scenario is compared with today's city: one view split by a divider, or two synchronised views. */
export const COMPARE_MODES = ['split', 'sync'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

/** What a link says about the comparison beside the scenario itself. */
export interface CompareLink {
  /** The comparison view shown (null: none). */
  mode: CompareMode | null;
  /** The indicator table was shown for this study date (`YYYY-MM-DD`): compute it on open. */
  kpiDate: string | null;
}

/** A malformed comparison parameter (named, with its value and the reason). */
export interface CompareLinkIssue {
  param: string;
  value: string;
  reason: string;
}

/** True for a real calendar date `YYYY-MM-DD` in 1900–2199 (what the study date field accepts). */
export function isStudyDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2199) return false;
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d;
}

/**
 * Reads `cmp` and `kpi` from the URL's extra parameters. Never throws: a malformed value is
 * left out (the link still opens the scenario) and reported as an issue naming the parameter.
 */
export function readCompareLink(extra: Readonly<Record<string, string>>): { value: CompareLink; issues: CompareLinkIssue[] } {
  const issues: CompareLinkIssue[] = [];
  const value: CompareLink = { mode: null, kpiDate: null };
  const mode = extra[COMPARE_PARAM];
  if (mode !== undefined) {
    if ((COMPARE_MODES as readonly string[]).includes(mode)) value.mode = mode as CompareMode;
    else issues.push({ param: COMPARE_PARAM, value: mode.slice(0, 40), reason: `expected one of ${COMPARE_MODES.join(', ')}` });
  }
  const kpi = extra[KPI_PARAM];
  if (kpi !== undefined) {
    if (isStudyDate(kpi)) value.kpiDate = kpi;
    else issues.push({ param: KPI_PARAM, value: kpi.slice(0, 40), reason: 'expected a study date YYYY-MM-DD between 1900 and 2199' });
  }
  return { value, issues };
}

/** Writes `cmp` and `kpi` into the URL's extra parameters (removing them when absent). */
export function writeCompareLink(extra: Record<string, string>, link: CompareLink): void {
  if (link.mode !== null) extra[COMPARE_PARAM] = link.mode;
  else delete extra[COMPARE_PARAM];
  if (link.kpiDate !== null && isStudyDate(link.kpiDate)) extra[KPI_PARAM] = link.kpiDate;
  else delete extra[KPI_PARAM];
}
