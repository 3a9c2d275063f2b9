import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCity, type BuildResult } from '../../src/city/node/build.ts';
import { checkPack } from '../../src/city/node/checks.ts';
import { countWithLoadersGl } from '../support/loadersgl-consumer.ts';
import { startPostgres, type PostgresServer } from './helpers/postgres.ts';

/**
 * The city pipeline reading PostGIS: a real PostgreSQL with the PostGIS extension (DATABASE_URL
 * in CI, or a throwaway cluster), loaded with the Lyon 1er BD TOPO buildings from ../shared/data
 * (geometry in EPSG:3946, every property in its own jsonb column), built with `--from … --table`
 * and compared with the same file built directly: same report, same tiles, byte for byte.
 * Fails — never skips — when PostgreSQL or PostGIS is missing.
 */

const LYON_3946 = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'lyon', 'buildings', 'buildings_lyon1er_bdtopo_EPSG3946.geojson');
const IGN = { publisher: 'IGN', licence: 'Licence Ouverte 2.0', date: '2019', title: 'BD TOPO bâtiments' };

async function hashTiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name === 'city.json') continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length)] = createHash('sha256').update(await readFile(p)).digest('hex');
  }
  return out;
}

describe('Lyon 1er BD TOPO from PostGIS', () => {
  let tmp: string;
  let server: PostgresServer;
  let admin: pg.Client;
  let schema: string;
  let fromFile: BuildResult, fromDb: BuildResult;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-postgis-'));
    server = startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS postgis').catch((e: unknown) => {
      throw new Error(`PostGIS is not available on ${server.description} (apt-get install postgresql-15-postgis-3): ${e instanceof Error ? e.message : String(e)}`);
    });
    schema = `jumeau_city_${Date.now().toString(36)}`;
    const fc = JSON.parse(await readFile(LYON_3946, 'utf8')) as { features: { properties: Record<string, unknown>; geometry: unknown }[] };
    const keys = Object.keys(fc.features[0]!.properties);
    await admin.query(`CREATE SCHEMA ${schema}`);
    // A serial primary key keeps the file's order (the reader follows it; the physical order may differ).
    await admin.query(`CREATE TABLE ${schema}.batiments (fid serial PRIMARY KEY, ${keys.map((k) => `${admin.escapeIdentifier(k)} jsonb`).join(', ')}, geom geometry(GeometryZ, 3946))`);
    await admin.query('BEGIN');
    for (const f of fc.features) {
      const values = keys.map((k) => JSON.stringify(f.properties[k] ?? null));
      await admin.query(`INSERT INTO ${schema}.batiments (${keys.map((k) => admin.escapeIdentifier(k)).join(', ')}, geom) VALUES (${keys.map((_, i) => `$${i + 1}::jsonb`).join(', ')}, ST_SetSRID(ST_GeomFromGeoJSON($${keys.length + 1}), 3946))`, [...values, JSON.stringify(f.geometry)]);
    }
    await admin.query('COMMIT');
    await admin.query(`CREATE INDEX ON ${schema}.batiments USING gist (geom)`);
    fromFile = await buildCity({ inputs: [LYON_3946], outDir: join(tmp, 'a', 'lyon'), attribution: IGN, workers: 0 });
    fromDb = await buildCity({ inputs: [], postgis: { url: server.url, table: `${schema}.batiments` }, outDir: join(tmp, 'b', 'lyon'), attribution: IGN, workers: 0 });
  }, 120_000);
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin?.end().catch(() => undefined);
    server?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('builds the same buildings, report and tiles as the file', async () => {
    expect(fromDb.buildings).toBe(2576);
    expect(fromDb.sourceCrs).toBe('EPSG:3946');
    expect(fromDb.rejected).toEqual(fromFile.rejected);
    expect(fromDb.warnings).toEqual(fromFile.warnings);
    expect(await hashTiles(join(tmp, 'b', 'lyon'))).toEqual(await hashTiles(join(tmp, 'a', 'lyon')));
    const city = JSON.parse(await readFile(join(tmp, 'b', 'lyon', 'city.json'), 'utf8')) as { sources: { origin: string }[] };
    expect(city.sources[0]!.origin).toMatch(new RegExp(`${schema}\\.batiments`));
    expect(city.sources[0]!.origin).not.toMatch(/password/);
  });

  it('passes the checks and loaders.gl', async () => {
    const check = await checkPack(join(tmp, 'b', 'lyon'));
    expect(check.errors).toEqual([]);
    expect((await countWithLoadersGl(join(tmp, 'b', 'lyon'))).features).toBe(2576);
  });

  it('says clearly what is wrong with the table', async () => {
    await expect(buildCity({ inputs: [], postgis: { url: server.url, table: `${schema}.nope` }, outDir: join(tmp, 'c', 'lyon'), attribution: IGN, workers: 0 })).rejects.toThrow(/no such table with a geometry column/);
    await expect(buildCity({ inputs: [], postgis: { url: server.url, table: `${schema}.batiments`, geometry: 'the_geom' }, outDir: join(tmp, 'c', 'lyon'), attribution: IGN, workers: 0 })).rejects.toThrow(/no geometry column "the_geom" \(it has geom\)/);
    await expect(buildCity({ inputs: [], postgis: { url: server.url, table: `${schema}.batiments` }, crs: 'EPSG:2154', outDir: join(tmp, 'c', 'lyon'), attribution: IGN, workers: 0 })).rejects.toThrow(/is in EPSG:3946 but --crs says EPSG:2154/);
  });
});
