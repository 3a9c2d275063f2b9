import pg from 'pg';

/**
 * Buildings from a PostGIS table, read as GeoJSON features so that they go through exactly the
 * cleaning, heights, ids and report of a GeoJSON file: each row gives `ST_AsGeoJSON` of its
 * geometry in the table's own CRS (reprojected by the pipeline, like a file) and its other
 * columns as properties (`to_jsonb(row)`). Rows come through a server-side cursor, a batch at
 * a time, in primary-key order (else the table's physical order, with synchronized scans off),
 * so that two reads of the same table give the same bytes.
 */

export interface PostgisSource {
  /** `postgresql://…` connection URL. */
  url: string;
  /** `schema.table` or `table`. */
  table: string;
  /** Geometry column (default: the table's only one, from `geometry_columns`). */
  geometry?: string;
}

export interface PostgisRow {
  index: number;
  /** A GeoJSON Feature. */
  value: unknown;
}

const BATCH = 2000;

/** `schema.table` → [schema, table] (schema `public` when not given). */
function splitTable(name: string): [string, string] {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) throw new Error(`--table must be schema.table or table, not "${name}"`);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : ['public', parts[0]!];
}

/** A short form of the URL without its password, for messages and the report. */
export function describePostgis(src: PostgisSource): string {
  try {
    const u = new URL(src.url);
    u.password = '';
    return `${u.protocol}//${u.username !== '' ? `${u.username}@` : ''}${u.host}${u.pathname} ${src.table}`;
  } catch {
    return `PostGIS ${src.table}`;
  }
}

/**
 * Opens the table: the geometry column, its SRID (`EPSG:n`, or null when 0) and the number of
 * rows; `rows()` then streams them.
 */
export async function openPostgis(src: PostgisSource): Promise<{ crs: string | null; count: number; geometry: string; rows(): AsyncGenerator<PostgisRow>; close(): Promise<void> }> {
  const [schema, table] = splitTable(src.table);
  const client = new pg.Client({ connectionString: src.url });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`${describePostgis(src)}: cannot connect (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    const cols = await client.query<{ col: string; srid: number }>(
      'SELECT f_geometry_column AS col, srid FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = $2 ORDER BY 1',
      [schema, table],
    );
    if (cols.rows.length === 0) throw new Error(`${describePostgis(src)}: no such table with a geometry column (geometry_columns has none for ${schema}.${table})`);
    let geom = cols.rows[0]!;
    if (src.geometry !== undefined) {
      const g = cols.rows.find((r) => r.col === src.geometry);
      if (g === undefined) throw new Error(`${describePostgis(src)}: no geometry column "${src.geometry}" (it has ${cols.rows.map((r) => r.col).join(', ')})`);
      geom = g;
    } else if (cols.rows.length > 1) throw new Error(`${describePostgis(src)} has several geometry columns (${cols.rows.map((r) => r.col).join(', ')}): pass --geometry`);
    const qualified = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
    let srid = geom.srid;
    if (srid === 0) srid = (await client.query<{ s: number | null }>(`SELECT ST_SRID(${client.escapeIdentifier(geom.col)}) AS s FROM ${qualified} WHERE ${client.escapeIdentifier(geom.col)} IS NOT NULL LIMIT 1`)).rows[0]?.s ?? 0;
    const count = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified}`)).rows[0]!.n);
    // In primary-key order when there is one: the physical order is not the insertion order.
    const pk = await client.query<{ k: string }>(
      'SELECT a.attname AS k FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)',
      [qualified],
    );
    const order = pk.rows.length > 0 ? ` ORDER BY ${pk.rows.map((r) => `t.${client.escapeIdentifier(r.k)}`).join(', ')}` : '';
    const sql = `SELECT ST_AsGeoJSON(${client.escapeIdentifier(geom.col)}, 15, 0) AS g, to_jsonb(t) - ${client.escapeLiteral(geom.col)} AS p FROM ${qualified} t${order}`;
    return {
      crs: srid > 0 ? `EPSG:${srid}` : null,
      count,
      geometry: geom.col,
      async *rows() {
        await client.query('BEGIN');
        try {
          await client.query('SET LOCAL synchronize_seqscans = off');
          await client.query(`DECLARE jumeau_buildings NO SCROLL CURSOR FOR ${sql}`);
          let index = 0;
          for (;;) {
            const batch = await client.query<{ g: string | null; p: Record<string, unknown> }>(`FETCH ${BATCH} FROM jumeau_buildings`);
            for (const r of batch.rows) {
              yield { index: index++, value: { type: 'Feature', properties: r.p, geometry: r.g === null ? null : (JSON.parse(r.g) as unknown) } };
            }
            if (batch.rows.length < BATCH) break;
          }
          await client.query('CLOSE jumeau_buildings');
        } finally {
          await client.query('COMMIT').catch(() => undefined);
        }
      },
      close: () => client.end(),
    };
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}
