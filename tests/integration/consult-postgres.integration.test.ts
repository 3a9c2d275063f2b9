import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../server/db/database.ts';
import { consultationSuite } from './consult-suite.ts';
import { startPostgres } from './helpers/postgres.ts';

/**
 * The consultation server on a real PostgreSQL: DATABASE_URL (CI), or a throwaway cluster
 * started here. Fails — never skips — when no PostgreSQL can be reached or started. Each run
 * works in its own schema, dropped at the end.
 */
consultationSuite('PostgreSQL', async () => {
  const server = startPostgres();
  const schema = `jumeau_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch (e) {
    server.stop();
    throw new Error(`PostgreSQL (${server.description}) cannot be used: ${e instanceof Error ? e.message : String(e)}`);
  }
  const db = await openDatabase({ kind: 'postgresql', url: server.url, schema, poolSize: 20 });
  return {
    db,
    async cleanup() {
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
      server.stop();
    },
  };
});
