import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseCityText, validateCity } from '../src/core/schemas/city.ts';
import type { RuntimeConfig } from '../src/config/runtime.ts';

/**
 * `GET /api/config`: the run-time configuration the app reads at start-up (src/config/runtime.ts):
 * the default city, where the packs live and the city files of a folder. The folder is read on
 * every request, so adding a city is copying its file (`<id>.json`) or its folder (`<id>/city.json`)
 * there and reloading the page. Each file is sent as it is (or as its text when it is not JSON):
 * the app validates it and shows the same errors as `npm run city -- validate`, naming JSON paths.
 *
 * Environment (configFromEnv): `JUMEAU_CITIES_DIR` (folder of city files; unset: the cities built
 * into the app), `JUMEAU_DEFAULT_CITY`, `JUMEAU_PACKS_URL` (e.g. `https://cdn.example.org/packs/`:
 * the CDN must send `Access-Control-Allow-Origin` for the app's origin, README "Deploying").
 */

export interface ConfigRouteOptions {
  citiesDir?: string;
  defaultCity?: string;
  packsBaseUrl?: string;
}

/** The route's options from the environment. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ConfigRouteOptions {
  return {
    ...(env.JUMEAU_CITIES_DIR !== undefined && env.JUMEAU_CITIES_DIR !== '' ? { citiesDir: resolve(env.JUMEAU_CITIES_DIR) } : {}),
    ...(env.JUMEAU_DEFAULT_CITY !== undefined ? { defaultCity: env.JUMEAU_DEFAULT_CITY } : {}),
    ...(env.JUMEAU_PACKS_URL !== undefined && env.JUMEAU_PACKS_URL !== '' ? { packsBaseUrl: env.JUMEAU_PACKS_URL } : {}),
  };
}

const MAX_CITY_BYTES = 1024 * 1024;

/** The city files of a folder, sorted by name: `*.json` and `*\/city.json`. */
export async function readCitiesDir(dir: string): Promise<NonNullable<RuntimeConfig['cities']>> {
  const out: NonNullable<RuntimeConfig['cities']> = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const s = await stat(path);
    const file = s.isDirectory() ? join(path, 'city.json') : name.endsWith('.json') ? path : null;
    if (file === null || !existsSync(file)) continue;
    const shown = s.isDirectory() ? `${name}/city.json` : name;
    if ((await stat(file)).size > MAX_CITY_BYTES) {
      out.push({ name: shown, city: `larger than ${MAX_CITY_BYTES} bytes` });
      continue;
    }
    const text = await readFile(file, 'utf8');
    try {
      out.push({ name: shown, city: JSON.parse(text) as unknown });
    } catch {
      out.push({ name: shown, city: text });
    }
  }
  return out;
}

/** Registers `GET /api/config` (a Fastify plugin: `app.register(configRoute, configFromEnv())`). */
export async function configRoute(app: FastifyInstance, o: ConfigRouteOptions): Promise<void> {
  if (o.citiesDir !== undefined) {
    // Say at start-up what is wrong with the cities, as `npm run city -- validate` would.
    for (const c of await readCitiesDir(o.citiesDir).catch(() => [])) {
      const r = typeof c.city === 'string' ? parseCityText(c.city) : validateCity(c.city);
      if (!r.ok) app.log.warn({ file: c.name, issues: r.issues }, 'invalid city file');
    }
  }
  app.get('/api/config', async (req, reply) => {
    reply.header('cache-control', 'no-cache');
    const config: RuntimeConfig = {
      format: 'jumeau-config',
      version: 1,
      ...(o.defaultCity !== undefined ? { defaultCity: o.defaultCity } : {}),
      ...(o.packsBaseUrl !== undefined ? { packsBaseUrl: o.packsBaseUrl } : {}),
    };
    if (o.citiesDir !== undefined) {
      try {
        config.cities = await readCitiesDir(o.citiesDir);
      } catch (e) {
        req.log.error({ err: e instanceof Error ? e.message : String(e) }, 'cannot read the cities folder');
        return reply.code(500).send({ error: 'the cities folder cannot be read' });
      }
    }
    return config;
  });
}
