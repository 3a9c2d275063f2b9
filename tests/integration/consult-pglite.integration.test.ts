import { describe } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { consultationSuite, passwordSuite } from './consult-suite.ts';

/** The consultation server on PGlite (in memory), as `npm start` runs it without DATABASE_URL. */
consultationSuite('PGlite', async () => {
  const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  return { db, cleanup: () => db.close() };
});

describe('passwords', () => passwordSuite());
