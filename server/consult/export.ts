import type { Consultation, ModeratedContribution } from '../../src/core/schemas/consultation.ts';

/**
 * CSV and GeoJSON exports of a consultation's comments, for the city's report. The GeoJSON keeps
 * every text exactly; the CSV is meant for spreadsheets, so a text cell that a spreadsheet would
 * run as a formula (starting with = + - @, also after leading spaces or line breaks, a tab or a carriage return) is prefixed with an
 * apostrophe (OWASP's advice against CSV injection). Both say which comments they contain.
 */

export type ExportRow = ModeratedContribution & { moderatedBy: string | null };

// A formula sign at the start, also after leading spaces or line breaks (spreadsheets skip them),
// full-width signs included; or a tab or carriage return first.
const FORMULA_START = /^(?:[\s\u00A0\u3000\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r])/u;

/** One CSV text cell: neutralised against formulas, quoted when needed (RFC 4180). */
export function csvText(value: string | null): string {
  if (value === null) return '';
  const v = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const CSV_COLUMNS = ['id', 'created_at', 'status', 'category', 'display_name', 'text', 'lon_deg', 'lat_deg', 'height_m', 'reject_reason', 'moderated_at', 'moderated_by'] as const;

/** The comments as CSV (UTF-8 with a byte-order mark so spreadsheets read accents; CRLF lines). */
export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.createdAt,
        r.status,
        r.category,
        csvText(r.displayName),
        csvText(r.text),
        String(r.position.lonDeg),
        String(r.position.latDeg),
        String(r.position.heightM),
        csvText(r.rejectReason),
        r.moderatedAt ?? '',
        csvText(r.moderatedBy),
      ].join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The comments as a GeoJSON FeatureCollection of 3D points (lon, lat, height in metres). */
export function toGeoJson(c: Pick<Consultation, 'id' | 'title' | 'sample'>, rows: readonly ExportRow[], scope: 'published' | 'all'): Record<string, unknown> {
  return {
    type: 'FeatureCollection',
    properties: { consultation: c.id, title: c.title, sample: c.sample, scope, exportedAt: new Date().toISOString() },
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: { type: 'Point', coordinates: [r.position.lonDeg, r.position.latDeg, r.position.heightM] },
      properties: {
        createdAt: r.createdAt,
        status: r.status,
        category: r.category,
        displayName: r.displayName,
        text: r.text,
        camera: r.camera,
        ...(scope === 'all' ? { rejectReason: r.rejectReason, moderatedAt: r.moderatedAt, moderatedBy: r.moderatedBy } : {}),
      },
    })),
  };
}
