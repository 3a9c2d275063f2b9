import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPackSchema } from '../../src/core/schemas/city-pack.ts';
import { fromZoned } from '../../src/core/time.ts';
import { LAYERS, layerById } from '../../src/layers/catalog.ts';
import { sampleSeries } from '../../src/layers/time-series.ts';
import type { LayerDefinition, ParsedLayer } from '../../src/layers/types.ts';
import { cityFromPack } from '../../src/config/cities.ts';
import { planLayer } from '../../src/layers/resolve.ts';
import { buildDemoPack } from '../../src/city/node/demo-pack.ts';
import { samplesFor, sharedDataDir } from '../../src/city/node/open-data.ts';

/**
 * The layers on the real open data of ../shared/data, read in place. These tests fail (they do
 * not skip) when the data is missing: CI must have it.
 */

const DATA = sharedDataDir();
const SOURCES = readFileSync(join(DATA, 'SOURCES.md'), 'utf8');

async function parseSamples(def: LayerDefinition, pack: 'demo' | 'paris'): Promise<ParsedLayer> {
  const inputs: Record<string, Uint8Array> = {};
  const names: Record<string, string> = {};
  for (const input of def.inputs) {
    const s = input.samples?.find((x) => x.pack === pack);
    if (s === undefined) continue;
    inputs[input.name] = new Uint8Array(readFileSync(join(DATA, s.path)));
    names[input.name] = s.path;
  }
  return def.parse(inputs, { names });
}

/** The SOURCES.md section of a file, with the sections it refers to ("licence as above"). */
function sourcesSection(path: string): string {
  let start = SOURCES.indexOf(`### \`${path}\``);
  if (start < 0) return '';
  const end = SOURCES.indexOf('\n### ', start + 4);
  let text = SOURCES.slice(start, end < 0 ? undefined : end);
  for (let k = 0; k < 6 && /as above|^- Same /im.test(text.split('\n').slice(0, 4).join('\n')); k++) {
    const prev = SOURCES.lastIndexOf('\n### ', start - 1);
    if (prev < 0) break;
    text = SOURCES.slice(prev + 1, start) + text;
    start = prev + 1;
  }
  return text;
}

/** Expected counts from SOURCES.md. */
const EXPECTED: Record<string, { pack: 'demo' | 'paris'; features: number; bbox: [number, number, number, number] }> = {
  parking: { pack: 'demo', features: 10, bbox: [-1.7098, 48.1022, -1.6728, 48.1208] },
  'trambus-park-and-ride': { pack: 'demo', features: 8, bbox: [-1.7657, 48.0536, -1.59, 48.1584] },
  wifi: { pack: 'paris', features: 277, bbox: [2.2551, 48.7629, 2.4995, 48.9325] },
  'metro-lines': { pack: 'demo', features: 73, bbox: [-1.7122, 48.082, -1.6181, 48.1329] },
  'metro-stations': { pack: 'demo', features: 30, bbox: [-1.7113, 48.0864, -1.6201, 48.1315] },
  'trambus-lines': { pack: 'demo', features: 10, bbox: [-1.7594, 48.0247, -1.5886, 48.1593] },
  'trambus-stops': { pack: 'demo', features: 105, bbox: [-1.7574, 48.0248, -1.5903, 48.1591] },
  'trambus-times': { pack: 'demo', features: 10, bbox: [-1.742, 48.0473, -1.5903, 48.158] },
  'bike-share': { pack: 'demo', features: 55, bbox: [-1.7051, 48.0873, -1.6339, 48.1293] },
  'population-grid': { pack: 'demo', features: 6772, bbox: [-1.96, 47.9553, -1.4672, 48.2545] },
  commuters: { pack: 'demo', features: 315, bbox: [-4.5028, 47.5806, -1.056, 48.6835] },
  commune: { pack: 'demo', features: 1, bbox: [-1.7526, 48.0768, -1.6244, 48.1549] },
  districts: { pack: 'demo', features: 45, bbox: [-1.7526, 48.0769, -1.6244, 48.155] },
  'priority-areas': { pack: 'demo', features: 5, bbox: [-1.7184, 48.083, -1.6448, 48.1324] },
  'development-zones': { pack: 'demo', features: 3, bbox: [-1.7117, 48.0871, -1.6103, 48.1387] },
  streets: { pack: 'demo', features: 3065 + 4116 - 2607, bbox: [-1.7431, 48.0789, -1.6099, 48.1546] },
  trees: { pack: 'demo', features: 53, bbox: [-1.7107, 48.1163, -1.7049, 48.1225] },
  'tree-walk': { pack: 'demo', features: 1, bbox: [-1.7107, 48.116, -1.7048, 48.1225] },
};

const inBbox = (p: readonly [number, number], b: readonly number[]) => p[0] >= b[0]! - 1e-4 && p[0] <= b[2]! + 1e-4 && p[1] >= b[1]! - 1e-4 && p[1] <= b[3]! + 1e-4;

describe('../shared/data', () => {
  it('is there, with every file the layer definitions name', () => {
    expect(existsSync(DATA), `${DATA} is missing: the integration tests need ../shared/data`).toBe(true);
    for (const pack of ['demo', 'paris'] as const) for (const s of samplesFor(pack)) expect(existsSync(join(DATA, s.sample.path)), s.sample.path).toBe(true);
  });

  it('each recorded file keeps the licence caveat of SOURCES.md ("to verify", "unknown")', () => {
    for (const pack of ['demo', 'paris'] as const) {
      for (const { sample } of samplesFor(pack)) {
        const section = sourcesSection(sample.path);
        expect(section, `${sample.path} has a section in SOURCES.md`).not.toBe('');
        const licenceLines = section.split('\n').filter((l) => /Licence/.test(l)).join(' ');
        if (/verify|unknown|not stated|could not/i.test(licenceLines)) expect(sample.attribution.licence, sample.path).toMatch(/verify|unknown|not stated/i);
        expect(SOURCES).toContain(sample.attribution.origin!.split(' ')[0]!.replace(/,$/, ''));
      }
    }
  });
});

describe.each(Object.entries(EXPECTED))('layer %s on its real file', (id, exp) => {
  it('parses every feature SOURCES.md counts, inside its bbox, with its issues listed', async () => {
    const def = layerById(id)!;
    const parsed = await parseSamples(def, exp.pack);
    expect(parsed.features).toHaveLength(exp.features);
    for (const f of parsed.features) {
      const g = f.geometry;
      const pts = g.type === 'point' ? [g.coordinates] : g.type === 'line' ? g.lines.flat() : g.polygons.flat(2);
      for (const p of pts) expect(inBbox(p, exp.bbox), `${id} ${f.id}`).toBe(true);
    }
    if (def.searchable !== false && def.label !== undefined) expect(parsed.features.filter((f) => f.name !== null).length).toBeGreaterThan(0);
  });
});

describe('real data specifics', () => {
  it('parking: 6 snapshots, every car park matched; 08:00 (before the first, clamped) differs from 18:00 (interpolated)', async () => {
    const parsed = await parseSamples(layerById('parking')!, 'demo');
    const s = parsed.series!;
    expect(s.timesMs).toHaveLength(6);
    expect(Object.values(s.values).every((v) => v.every(Number.isFinite))).toBe(true);
    expect(parsed.issues).toEqual([]);
    const at8 = sampleSeries(s, fromZoned('2026-10-06', 8 * 60, 'Europe/Paris'));
    const at18 = sampleSeries(s, fromZoned('2026-10-06', 18 * 60, 'Europe/Paris'));
    expect(at8.mode).toBe('before-first');
    expect(at18.mode).toBe('interpolated');
    const diffs = [...at8.values.keys()].map((k) => Math.abs(at8.values.get(k)!.value - at18.values.get(k)!.value));
    expect(Math.max(...diffs)).toBeGreaterThan(0.2); // Gare-Sud, Arsenal: full in the morning, emptier in the evening
  });

  it('GTFS 2012: 1,267 stops, a line for each route and direction, in a second or so', async () => {
    const t0 = performance.now();
    const parsed = await parseSamples(layerById('bus-network')!, 'demo');
    const ms = performance.now() - t0;
    const stops = parsed.features.filter((f) => f.properties.kind === 'stop');
    const routes = parsed.features.filter((f) => f.properties.kind === 'route');
    expect(stops).toHaveLength(1267);
    expect(new Set(routes.map((r) => r.properties.route_id)).size).toBe(39);
    expect(routes.length).toBeGreaterThanOrEqual(39);
    expect(stops.filter((s) => s.properties.route_count === 0).length).toBeLessThan(stops.length / 2);
    expect(stops.every((s) => inBbox(s.geometry.type === 'point' ? s.geometry.coordinates : [0, 0], [-1.9324, 47.9778, -1.4784, 48.2253]))).toBe(true);
    expect(ms).toBeLessThan(30_000);
  });

  it('commuters: `Commune` is the destination pole (179 rows to Rennes, the rest to four other poles)', async () => {
    const parsed = await parseSamples(layerById('commuters')!, 'demo');
    const poles = new Map<string, number>();
    for (const f of parsed.features) poles.set(String(f.properties.Commune), (poles.get(String(f.properties.Commune)) ?? 0) + 1);
    expect(poles.get('Rennes')).toBe(179);
    expect([...poles.keys()].sort()).toEqual(['Fougères', 'Redon', 'Rennes', 'Saint-Malo', 'Vitré']);
    expect(parsed.issues).toEqual([]);
  });
});

describe('npm run demo with the open data', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-layers-'));
    await buildDemoPack({ outDir: join(tmp, 'demo'), openData: DATA });
  }, 180_000);
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('adds every Rennes file to the demo pack with its definition’s attribution, and every layer finds its files', async () => {
    const pack = cityPackSchema.parse(JSON.parse(await readFile(join(tmp, 'demo', 'city.json'), 'utf8')));
    for (const { input, sample } of samplesFor('demo')) {
      const entry = pack.layers.find((l) => l.layer === input.packLayer);
      expect(entry, input.packLayer).toBeDefined();
      expect(entry!.attribution).toEqual(sample.attribution);
      expect(readFileSync(join(tmp, 'demo', entry!.file)).equals(readFileSync(join(DATA, sample.path)))).toBe(true);
    }
    // The synthetic streets and squares are still there, still synthetic.
    expect(pack.layers.filter((l) => l.attribution.status === 'synthetic').map((l) => l.layer)).toEqual(['demo-streets', 'demo-squares']);
    const city = cityFromPack(pack, '/packs/demo/');
    const offline = LAYERS.map((d) => [d.id, planLayer(d, { bbox: city.bbox, packLayers: city.packLayers ?? [] }, true).kind]);
    expect(offline.filter(([, k]) => k === 'pack').map(([id]) => id).sort()).toEqual(LAYERS.filter((d) => d.inputs.some((i) => (i.samples ?? []).some((s) => s.pack === 'demo')) || d.id.startsWith('demo-')).map((d) => d.id).sort());
  });

  it('builds a layers-only Paris pack (no buildings) with wifi, districts and bike share', async () => {
    const pack = cityPackSchema.parse(JSON.parse(await readFile(join(tmp, 'paris', 'city.json'), 'utf8')));
    expect(pack.tileset).toBeNull();
    expect(pack.layers.map((l) => l.layer).sort()).toEqual(['bike-share', 'districts', 'wifi']);
    const city = cityFromPack(pack, '/packs/paris/');
    expect(city.buildings).toBeUndefined();
    const index = JSON.parse(await readFile(join(tmp, 'index.json'), 'utf8')) as { packs: { id: string }[] };
    expect(index.packs.map((p) => p.id)).toEqual(['demo', 'paris']);
  });
});
