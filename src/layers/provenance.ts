import type { Attribution } from '../core/schemas/attribution.ts';

/**
 * Attributions of the recorded files, as ../shared/data/SOURCES.md gives them (publisher,
 * licence, date, origin). "to verify" where SOURCES.md says the licence could not be confirmed.
 * Online sources carry their own attribution in each layer file.
 */

export const ODBL_URL = 'https://opendatacommons.org/licenses/odbl/1-0/';
export const ETALAB_URL = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';

/** A recorded file of ../shared/data. */
export function recorded(a: Omit<Attribution, 'status'>): Attribution {
  return { ...a, status: 'recorded' };
}

export const RM_PORTAL_LICENCE = 'Not stated; Rennes Métropole portal generally ODbL — to verify';

/** mastersigat/data snapshot (commit a95da3e, 2025-02-27). */
export const MASTERSIGAT = 'mastersigat/data @ a95da3e (2025-02-27)';
/** sigrennesmetropole/cooperation_jn_trambus (commit 7cf5203, 2026-01-08), exports of the Rennes Métropole WFS. */
export const TRAMBUS_REPO = 'sigrennesmetropole/cooperation_jn_trambus @ 7cf5203 (2026-01-08)';

export const RM_WFS = 'https://public.sig.rennesmetropole.fr/geoserver/ows';
/** Rennes Métropole's services cover the metropolitan area (WMTS extent, SOURCES.md). */
export const RENNES_COVERAGE = [-2.117, 47.781, -1.171, 48.395] as const;
export const PARIS_COVERAGE = [2.22, 48.75, 2.55, 48.95] as const;

/** Attribution of a live answer from a Rennes Métropole / STAR service. */
export function live(title: string, publisher: string, licence: string, origin: string, licenceUrl?: string): Attribution {
  return { title, publisher, licence, date: 'live', status: 'live', origin, ...(licenceUrl !== undefined ? { licenceUrl } : {}) };
}
