import { describe, expect, it } from 'vitest';
import { basePathFromEnv, cacheControlFor, IMMUTABLE, logLevelFromEnv } from '../../../server/app.ts';

describe('production server settings', () => {
  it('caches hashed assets for a year and revalidates everything else', () => {
    expect(cacheControlFor('assets/main-BNgIJluR.js')).toBe(IMMUTABLE);
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('index.html')).toBe('no-cache');
    expect(cacheControlFor('sw.js')).toBe('no-cache');
    expect(cacheControlFor('cesium/Workers/createGeometry.js')).toBe('no-cache');
  });
  it('normalises the base path and refuses odd ones', () => {
    expect(basePathFromEnv({})).toBe('/');
    expect(basePathFromEnv({ JUMEAU_BASE_PATH: '/' })).toBe('/');
    expect(basePathFromEnv({ JUMEAU_BASE_PATH: 'jumeau' })).toBe('/jumeau/');
    expect(basePathFromEnv({ JUMEAU_BASE_PATH: '/apps/jumeau' })).toBe('/apps/jumeau/');
    expect(() => basePathFromEnv({ JUMEAU_BASE_PATH: '/a/../b/' })).toThrow(/JUMEAU_BASE_PATH/);
    expect(() => basePathFromEnv({ JUMEAU_BASE_PATH: '/a b/' })).toThrow(/JUMEAU_BASE_PATH/);
  });
  it('reads the log level, quiet by default in development', () => {
    expect(logLevelFromEnv('prod', {})).toBe('info');
    expect(logLevelFromEnv('dev', {})).toBe('warn');
    expect(logLevelFromEnv('prod', { JUMEAU_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(() => logLevelFromEnv('prod', { JUMEAU_LOG_LEVEL: 'loud' })).toThrow(/JUMEAU_LOG_LEVEL/);
  });
});
