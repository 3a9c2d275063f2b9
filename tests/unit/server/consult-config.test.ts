import { describe, expect, it } from 'vitest';
import { consultOptionsFromEnv, publicOrigins, trustProxyFromEnv } from '../../../server/app.ts';
import { databaseConfigFromEnv, redactUrl } from '../../../server/db/database.ts';
import { loadMigrations } from '../../../server/db/migrate.ts';

describe('consultation server configuration', () => {
  it('uses PostgreSQL when DATABASE_URL is set, else PGlite in a folder', () => {
    expect(databaseConfigFromEnv('/app', { DATABASE_URL: 'postgresql://u:p@h/db' })).toEqual({ kind: 'postgresql', url: 'postgresql://u:p@h/db' });
    expect(databaseConfigFromEnv('/app', { DATABASE_URL: '  ' })).toEqual({ kind: 'pglite', dataDir: '/app/.data/pglite' });
    expect(databaseConfigFromEnv('/app', { JUMEAU_PGLITE_DIR: 'memory://' })).toEqual({ kind: 'pglite', dataDir: 'memory://' });
    expect(redactUrl('postgresql://jumeau:s3cret@db.example.org:5432/jumeau')).toBe('postgresql://jumeau:***@db.example.org:5432/jumeau');
  });
  it('creates a first administrator only when both e-mail and password are given', () => {
    expect(consultOptionsFromEnv('/app', {}).bootstrapAdmin).toBeNull();
    expect(consultOptionsFromEnv('/app', { JUMEAU_ADMIN_EMAIL: 'a@b.org' }).bootstrapAdmin).toBeNull();
    expect(consultOptionsFromEnv('/app', { JUMEAU_ADMIN_EMAIL: 'a@b.org', JUMEAU_ADMIN_PASSWORD: 'pw' }).bootstrapAdmin).toEqual({ email: 'a@b.org', password: 'pw', displayName: 'Administrator' });
    expect(consultOptionsFromEnv('/app', { JUMEAU_SECURE_COOKIES: '1' }).secureCookies).toBe(true);
  });
  it('trusts proxies only when told', () => {
    expect(trustProxyFromEnv({})).toBe(false);
    // `1` is one hop (the proxy in front), never "every hop" (issue 22).
    expect(trustProxyFromEnv({ JUMEAU_TRUST_PROXY: '1' })).toBe(1);
    expect(trustProxyFromEnv({ JUMEAU_TRUST_PROXY: '2' })).toBe(2);
    expect(trustProxyFromEnv({ JUMEAU_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' })).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(trustProxyFromEnv({ JUMEAU_TRUST_PROXY: '::1,fd00::/8,loopback' })).toEqual(['::1', 'fd00::/8', 'loopback']);
  });
  it('refuses to trust every hop, and names what it cannot read', () => {
    for (const v of ['true', 'all', '*', '0.0.0.0/0', '::/0', '10.0.0.1, 0.0.0.0/0']) expect(() => trustProxyFromEnv({ JUMEAU_TRUST_PROXY: v }), v).toThrow(/every hop/);
    expect(() => trustProxyFromEnv({ JUMEAU_TRUST_PROXY: 'proxy.internal' })).toThrow(/"proxy.internal" is not an IP address/);
    expect(() => trustProxyFromEnv({ JUMEAU_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/not an IP address/);
    expect(() => trustProxyFromEnv({ JUMEAU_TRUST_PROXY: '50' })).toThrow(/more than 10/);
  });
  it('reads the public origins allowed to send changes', () => {
    expect(publicOrigins({})).toBeUndefined();
    expect(publicOrigins({ JUMEAU_PUBLIC_ORIGIN: 'https://carto.ville.example, http://localhost:4173/' })).toEqual(['https://carto.ville.example', 'http://localhost:4173']);
    expect(() => publicOrigins({ JUMEAU_PUBLIC_ORIGIN: 'https://carto.ville.example/jumeau/' })).toThrow(/JUMEAU_PUBLIC_ORIGIN/);
    expect(consultOptionsFromEnv('/app', { JUMEAU_PUBLIC_ORIGIN: 'https://a.example' }).allowedOrigins).toEqual(['https://a.example']);
  });
  it('numbers migrations uniquely', () => {
    const m = loadMigrations();
    expect(m.map((x) => x.version)).toEqual([...new Set(m.map((x) => x.version))].sort((a, b) => a - b));
    expect(m[0]).toMatchObject({ version: 1, name: 'consultation' });
  });
});
