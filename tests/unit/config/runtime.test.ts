import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/config/catalog.ts';
import { loadRuntimeConfig } from '../../../src/config/runtime.ts';
import { configFromEnv, configRoute } from '../../../server/config-route.ts';
import rennes from '../../../src/config/cities/rennes.json';

const notFound = async (url: string) => {
  throw new Error(`${url}: HTTP 404 Not Found`);
};

describe('run-time configuration', () => {
  it('is optional: without a config route the build settings apply, silently', async () => {
    expect(await loadRuntimeConfig('/api/config', notFound)).toEqual({ config: null, problem: null });
    const broken = await loadRuntimeConfig('/api/config', async () => ({ format: 'jumeau-config', version: 2 }));
    expect(broken.config).toBeNull();
    expect(broken.problem).toMatch(/\$\.version/);
  });

  it('serves the default city, the packs URL and a folder of city files read on every request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cities-'));
    await writeFile(join(dir, 'rennes.json'), JSON.stringify(rennes));
    const app = Fastify();
    await app.register(configRoute, configFromEnv({ JUMEAU_CITIES_DIR: dir, JUMEAU_DEFAULT_CITY: 'lyon', JUMEAU_PACKS_URL: 'https://cdn.example.org/packs' }));
    const first = await app.inject({ url: '/api/config' });
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.json<{ cities: { name: string }[] }>().cities.map((c) => c.name)).toEqual(['rennes.json']);
    // Adding a city is copying a folder and reloading; a broken file comes as its text.
    await mkdir(join(dir, 'lyon'));
    await writeFile(join(dir, 'lyon', 'city.json'), JSON.stringify({ ...rennes, id: 'lyon', pack: 'lyon', timeZone: 'Europe/Lyon' }));
    await writeFile(join(dir, 'zz-broken.json'), '{"format": "jumeau-city",');
    const raw = (await app.inject({ url: '/api/config' })).json();
    await app.close();

    const { config } = await loadRuntimeConfig('/api/config', async () => raw);
    expect(config).toMatchObject({ defaultCity: 'lyon', packsBaseUrl: 'https://cdn.example.org/packs/' });
    const catalog = await loadCatalog({ packsBaseUrl: config!.packsBaseUrl!, fetchJson: notFound, cityFiles: config!.cities!.map((c) => ({ name: c.name, raw: c.city })) });
    // The valid city is offered; each broken file gives a message naming its JSON paths.
    expect(catalog.entries.map((e) => e.id)).toEqual(['rennes']);
    expect(catalog.notices.map((n) => [n.key, n.params.id])).toEqual([['msg.cityInvalid', 'lyon/city.json'], ['msg.cityInvalid', 'zz-broken.json']]);
    expect(catalog.notices[0]!.params.reason).toMatch(/\$\.timeZone: an IANA time zone/);
    expect(catalog.notices[1]!.params.reason).toMatch(/^\$: not JSON/);
  });
});
