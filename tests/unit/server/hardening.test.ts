import { describe, expect, it } from 'vitest';
import { hasDotSegment, WindowCounter } from '../../../server/app.ts';
import { originAllowed } from '../../../server/consult/api.ts';
import { csvText } from '../../../server/consult/export.ts';
import { DEFAULT_LOGIN_THROTTLE, delayAfterAttempt } from '../../../server/consult/login-throttle.ts';
import { checkDisplayName, mixedScripts, reservedWord } from '../../../server/consult/text-policy.ts';
import { fieldsWithInvalidUtf8, isValidUtf8, jsonTooDeep } from '../../../server/http/body-guard.ts';

/** Issue 22, server side: the pure parts of the second security round. */

describe('display names', () => {
  const resident = (s: string) => checkDisplayName(s, { resident: true });
  it('normalises to NFC and keeps ordinary names of any script', () => {
    expect(resident('Rene\u0301e')).toEqual({ ok: true, value: 'Renée' });
    for (const n of ['Camille', 'Jean-Éric', 'Zoë 🌳', 'Ангелина', 'Σοφία', '山田 太郎', 'Пётр Ivanov', 'עברית', '👩‍🚒 Léa', 'Badminton club']) expect(resident(n), n).toMatchObject({ ok: true });
  });
  it('refuses bidi controls and invisible characters, and names without a visible character', () => {
    expect(resident('evil\u202Egnp.exe')).toMatchObject({ ok: false, reason: expect.stringMatching(/bidirectional/) });
    expect(resident('a\u2066b')).toMatchObject({ ok: false });
    expect(resident('Cam\u200Bille')).toMatchObject({ ok: false, reason: expect.stringMatching(/invisible/) });
    expect(resident('\u200B\u200B')).toMatchObject({ ok: false });
    expect(resident('\u3164')).toMatchObject({ ok: false });
    expect(resident('\u2800\u2800')).toMatchObject({ ok: false, reason: expect.stringMatching(/no visible/) });
    expect(resident('a\u00ADb')).toMatchObject({ ok: false });
  });
  it('refuses reserved role words for residents, however spelt, but not for moderators named by an administrator', () => {
    for (const n of ['Modérateur (officiel)', 'admin', 'ADMINISTRATEUR', 'moderator', 'Le modo', 'Équipe staff', 'a.d.m.i.n', 'M0DERATEUR', 'Mairie de Rennes', '\u0410dmin']) {
      expect(resident(n), n).toMatchObject({ ok: false });
    }
    expect(reservedWord('Modérateur (officiel)')).toBe('moderat');
    expect(checkDisplayName('Modératrice Paule', { resident: false })).toMatchObject({ ok: true });
  });
  it('refuses words that mix scripts as look-alikes do (a Cyrillic А in Аdmin)', () => {
    expect(mixedScripts('\u0410dmin')).toEqual(['Cyrillic', 'Latin']);
    expect(mixedScripts('Camille')).toBeNull();
    expect(mixedScripts('東京タワー')).toBeNull();
    expect(resident('P\u0430ul')).toMatchObject({ ok: false, reason: expect.stringMatching(/mixes/) });
    expect(checkDisplayName('\u0410dmin', { resident: false })).toMatchObject({ ok: false, reason: expect.stringMatching(/Cyrillic and Latin/) });
  });
});

describe('CSV formula guard', () => {
  it('neutralises a formula after leading whitespace too', () => {
    expect(csvText(' =1+1')).toBe("' =1+1");
    expect(csvText('\n=HYPERLINK("x")')).toBe(`"'\n=HYPERLINK(""x"")"`);
    expect(csvText('\u00A0@SUM(A1)')).toBe("'\u00A0@SUM(A1)");
    expect(csvText('\uFF1D1+1')).toBe("'\uFF1D1+1");
    expect(csvText('bonjour = salut')).toBe('bonjour = salut');
  });
});

describe('request bodies', () => {
  it('finds nesting past the limit in one pass, ignoring brackets inside strings', () => {
    expect(jsonTooDeep(Buffer.from('['.repeat(33) + ']'.repeat(33)), 32)).toBe(true);
    expect(jsonTooDeep(Buffer.from('['.repeat(32) + ']'.repeat(32)), 32)).toBe(false);
    expect(jsonTooDeep(Buffer.from(JSON.stringify({ a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', b: 'x\\"[[[[' })), 2)).toBe(false);
    const t0 = performance.now();
    expect(jsonTooDeep(Buffer.from('['.repeat(1024 * 1024)))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(200);
  });
  it('names the fields that hold bytes that are not UTF-8', () => {
    const bad = Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from('","displayName":"Léa"}')]);
    expect(isValidUtf8(bad)).toBe(false);
    expect(isValidUtf8(Buffer.from('{"displayName":"Léa 🌳"}'))).toBe(true);
    expect(fieldsWithInvalidUtf8(bad)).toEqual(['body.text']);
    expect(fieldsWithInvalidUtf8(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual(['body']);
  });
});

describe('paths, origins, counters, delays', () => {
  it('spots dotfiles and dot-folders, encoded or not', () => {
    for (const u of ['/packs/.git/config', '/.env', '/packs/demo/%2egit/HEAD', '/a/../b', '/x/.htaccess?y=1']) expect(hasDotSegment(u), u).toBe(true);
    for (const u of ['/packs/demo/tileset.json', '/assets/main-abc.js', '/.well-known/security.txt', '/?a=.b']) expect(hasDotSegment(u), u).toBe(false);
  });
  it('allows changes from the site itself only', () => {
    expect(originAllowed(undefined, 'localhost:80', undefined)).toBe(true);
    expect(originAllowed('http://localhost', 'localhost:80', undefined)).toBe(true);
    expect(originAllowed('https://carto.ville.example', 'carto.ville.example', undefined)).toBe(true);
    expect(originAllowed('https://evil.example', 'carto.ville.example', undefined)).toBe(false);
    expect(originAllowed('null', 'carto.ville.example', undefined)).toBe(false);
    expect(originAllowed('https://carto.ville.example', '127.0.0.1:4173', ['https://carto.ville.example'])).toBe(true);
    expect(originAllowed('http://127.0.0.1:4173', '127.0.0.1:4173', ['https://carto.ville.example'])).toBe(false);
  });
  it('counts per key in fixed windows', () => {
    const c = new WindowCounter(2, 1000);
    expect([c.hit('a', 0), c.hit('a', 1), c.hit('a', 2), c.hit('b', 2), c.hit('a', 1001)]).toEqual([0, 0, 1, 0, 0]);
  });
  it('grows the per-account delay from 1 s after five attempts, up to 15 min', () => {
    expect([1, 5, 6, 7, 8, 15, 40].map((n) => delayAfterAttempt(n))).toEqual([0, 0, 1000, 2000, 4000, 512_000, 900_000]);
    expect(delayAfterAttempt(10_000, DEFAULT_LOGIN_THROTTLE)).toBe(900_000);
  });
});
