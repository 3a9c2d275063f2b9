import { geoJsonParser, pushIssue, toNumber } from './parse/geojson.ts';
import { readCsvTable } from './parse/csv.ts';
import { OCCUPANCY_RULE } from './palette.ts';
import { live, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, ODBL_URL } from './provenance.ts';
import type { LayerDefinition, LayerInputs, ParseContext, ParsedLayer, TimeSeries } from './types.ts';

/**
 * Citédia's city-centre car parks as 3D gauges: the column's filled part is the share of occupied
 * spaces, coloured green → red. Occupancy comes from the recorded day (six snapshots, played
 * with the time slider) or, online, from the live Citédia API (one reading, now).
 */

const readCarParks = geoJsonParser('carParks', { idFields: ['id', 'idparking', 'key'], nameFields: ['key', 'nom', 'name'], numericFields: ['max', 'free', 'tarif_1h_eur'], geometry: ['point'] });

const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Car parks + optional occupancy snapshots (CSV `collected_at,id,key,free,max,status`). */
export async function parseParking(inputs: LayerInputs, ctx: ParseContext): Promise<ParsedLayer> {
  const parsed = readCarParks(inputs, ctx);
  const issues = parsed.issues;
  const features = parsed.features;
  for (const f of features) {
    const max = toNumber(f.properties.max ?? null);
    if (max === null || max <= 0) pushIssue(issues, { where: `${ctx.names.carParks ?? 'carParks'} car park ${f.id}`, reason: 'no capacity ("max"): drawn without occupancy' });
  }
  let series: TimeSeries | undefined;
  const csv = inputs.occupancy;
  if (csv !== undefined) {
    const where = ctx.names.occupancy ?? 'occupancy';
    const table = await readCsvTable(csv, where, ['collected_at', 'free', 'max']);
    const byId = new Map(features.map((f) => [f.id, f]));
    const byName = new Map(features.filter((f) => f.name !== null).map((f) => [norm(f.name!), f]));
    const snapshots = new Map<number, Map<string, number>>();
    table.rows.forEach((r, i) => {
      const line = i + 2;
      const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(r.collected_at ?? '') ? Date.parse(r.collected_at!) : NaN;
      if (!Number.isFinite(t)) return pushIssue(issues, { where: `${where} line ${line} (collected_at)`, reason: `not an ISO 8601 time with offset: ${JSON.stringify(r.collected_at ?? '').slice(0, 40)}` });
      const f = byId.get(r.id ?? '') ?? byName.get(norm(r.key ?? ''));
      if (f === undefined) return pushIssue(issues, { where: `${where} line ${line}`, reason: `no car park with id ${JSON.stringify(r.id ?? '')} or name ${JSON.stringify(r.key ?? '')}` });
      const free = toNumber(r.free ?? null), max = toNumber(r.max ?? null);
      if (free === null || max === null || max <= 0 || free < 0) return pushIssue(issues, { where: `${where} line ${line} (free, max)`, reason: `invalid counts free=${JSON.stringify(r.free)} max=${JSON.stringify(r.max)}` });
      if (free > max) pushIssue(issues, { where: `${where} line ${line}`, reason: `more free spaces (${free}) than capacity (${max}): occupancy taken as 0` });
      const minute = Math.floor(t / 60000) * 60000;
      let snap = snapshots.get(minute);
      if (snap === undefined) snapshots.set(minute, (snap = new Map()));
      snap.set(f.id, Math.min(1, Math.max(0, 1 - free / max)));
    });
    const timesMs = [...snapshots.keys()].sort((a, b) => a - b);
    const values: Record<string, number[]> = {};
    for (const f of features) values[f.id] = timesMs.map((t) => snapshots.get(t)!.get(f.id) ?? NaN);
    if (timesMs.length > 0) series = { quantity: 'occupancy', timesMs, values, timeZone: ctx.timeZone ?? 'UTC' };
  } else if (features.some((f) => f.properties.free !== undefined)) {
    // A live answer: one reading per car park, at the time it was fetched.
    const timesMs = [ctx.fetchedAtMs ?? 0];
    const values: Record<string, number[]> = {};
    for (const f of features) {
      const free = toNumber(f.properties.free ?? null), max = toNumber(f.properties.max ?? null);
      values[f.id] = [free !== null && max !== null && max > 0 ? Math.min(1, Math.max(0, 1 - free / max)) : NaN];
    }
    series = { quantity: 'occupancy', timesMs, values, timeZone: ctx.timeZone ?? 'UTC' };
  }
  return { features, issues, ...(series !== undefined ? { series } : {}) };
}

export const parkingLayer = {
  id: 'parking',
  theme: 'parking',
  title: 'layers.parking.title',
  description: 'layers.parking.description',
  inputs: [
    {
      name: 'carParks',
      packLayer: 'parking',
      format: 'geojson',
      maxBytes: 5 * 1024 * 1024,
      samples: [{
        path: 'rennes/parking/citedia_car_parks_centre.geojson',
        pack: 'demo',
        title: 'Parkings Citédia (centre-ville)',
        attribution: recorded({
          title: 'Parkings Citédia du centre-ville (capacité, tarif, horaires)',
          publisher: 'Citédia / Rennes Métropole open data',
          licence: RM_PORTAL_LICENCE,
          date: '2026-10-06',
          origin: 'Anneesther1234/parking_data_rennes data/parkings.csv @ 0033f82 (export-api-parking-citedia)',
        }),
      }],
    },
    {
      name: 'occupancy',
      packLayer: 'parking-occupancy',
      format: 'csv',
      optional: true,
      maxBytes: 20 * 1024 * 1024,
      samples: [{
        path: 'rennes/parking/citedia_occupancy_sample_2026-10-06.csv',
        pack: 'demo',
        title: 'Occupation des parkings Citédia, 6 octobre 2026 (6 relevés)',
        attribution: recorded({
          title: 'Occupation des parkings Citédia, mardi 6 octobre 2026 (6 relevés)',
          publisher: 'Citédia / Rennes Métropole open data',
          licence: RM_PORTAL_LICENCE,
          date: '2026-10-06 (10:20–21:55)',
          origin: 'Anneesther1234/parking_data_rennes data/parkings.csv @ 0033f82',
        }),
      }],
    },
  ],
  online: [
    {
      kind: 'ods-records',
      input: 'carParks',
      url: 'https://data.rennesmetropole.fr/api/explore/v2.1/catalog/datasets/export-api-parking-citedia/records',
      geoField: 'geo',
      pageSize: 100,
      maxRecords: 500,
      coverage: RENNES_COVERAGE,
      maxBytes: 5 * 1024 * 1024,
      cache: true,
      attribution: live('Parkings Citédia, occupation en temps réel', 'Citédia / Rennes Métropole open data', 'ODbL 1.0 (Rennes Métropole portal) — to verify', 'data.rennesmetropole.fr export-api-parking-citedia', ODBL_URL),
    },
  ],
  prefer: 'online',
  parse: parseParking,
  variants: [{ id: 'gauges', label: 'layers.variant.gauges', symbols: [{ kind: 'gauge', heightM: 120, radiusM: { field: 'max', minM: 10, maxM: 28, maxValue: 1000 }, color: OCCUPANCY_RULE }] }],
  label: { maxDistanceM: 6000, sizePx: 14 },
  legend: { title: 'layers.parking.legend', note: 'layers.parking.legendNote' },
  keyProperties: ['key', 'max', 'free', 'tarif_1h_eur', 'orgahoraires', 'operator', 'type'],
} satisfies LayerDefinition;
