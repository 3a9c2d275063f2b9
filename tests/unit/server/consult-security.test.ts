import { describe, expect, it } from 'vitest';
import { toCsv, csvText, toGeoJson, type ExportRow } from '../../../server/consult/export.ts';
import { checkCsrf, checkParticipant, csrfToken, hashToken, issueParticipant, newToken } from '../../../server/consult/security.ts';

const secret = Buffer.alloc(32, 7);
const other = Buffer.alloc(32, 8);

describe('participant cookies and CSRF tokens', () => {
  it('accepts only well-formed cookies signed with the server secret', () => {
    const c = issueParticipant(secret);
    expect(checkParticipant(secret, c)).toEqual({ ok: true, token: c.split('.')[0] });
    expect(checkParticipant(other, c)).toEqual({ ok: false, reason: 'bad signature' });
    expect(checkParticipant(secret, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(checkParticipant(secret, `${c}x`)).toEqual({ ok: false, reason: 'malformed' });
    expect(checkParticipant(secret, `${newToken()}.${c.split('.')[1]}`)).toEqual({ ok: false, reason: 'bad signature' });
  });
  it('binds CSRF tokens to both cookies', () => {
    const p = issueParticipant(secret), q = issueParticipant(secret), s = newToken();
    const tok = csrfToken(secret, p, s);
    expect(checkCsrf(secret, tok, p, s)).toBe(true);
    expect(checkCsrf(secret, tok, p, undefined)).toBe(false);
    expect(checkCsrf(secret, tok, q, s)).toBe(false);
    expect(checkCsrf(secret, tok, p, newToken())).toBe(false);
    expect(checkCsrf(secret, undefined, p, s)).toBe(false);
    expect(checkCsrf(other, tok, p, s)).toBe(false);
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('exports', () => {
  const row = (text: string, name = 'Ann'): ExportRow => ({
    id: '00000000-0000-4000-8000-000000000001', consultationId: 'place', position: { lonDeg: -1.68, latDeg: 48.11, heightM: -2.5 }, camera: null, category: 'other', text, displayName: name,
    createdAt: '2026-06-21T10:00:00.000Z', status: 'published', rejectReason: null, moderatedAt: '2026-06-21T11:00:00.000Z', moderatedBy: 'Mod',
  });
  it('quotes CSV cells when needed and neutralises formulas in text cells only', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"\nthen')).toBe('"say ""hi""\nthen"');
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('-2')).toBe("'-2");
    expect(csvText('@x')).toBe("'@x");
    expect(csvText('\tx')).toBe("'\tx");
    expect(csvText(null)).toBe('');
    const csv = toCsv([row('=HYPERLINK("x")')]);
    expect(csv.startsWith('\uFEFFid,created_at,status')).toBe(true);
    expect(csv.split('\r\n')[1]).toBe(`00000000-0000-4000-8000-000000000001,2026-06-21T10:00:00.000Z,published,other,Ann,"'=HYPERLINK(""x"")",-1.68,48.11,-2.5,,2026-06-21T11:00:00.000Z,Mod`);
  });
  it('writes GeoJSON 3D points with the exact text, moderation fields only for the full export', () => {
    const g = toGeoJson({ id: 'place', title: 'T', sample: false }, [row('=exact <b>')], 'published') as { features: { geometry: { coordinates: number[] }; properties: Record<string, unknown> }[] };
    expect(g.features[0]!.geometry.coordinates).toEqual([-1.68, 48.11, -2.5]);
    expect(g.features[0]!.properties.text).toBe('=exact <b>');
    expect(g.features[0]!.properties).not.toHaveProperty('rejectReason');
    const all = toGeoJson({ id: 'place', title: 'T', sample: false }, [row('x')], 'all') as { features: { properties: Record<string, unknown> }[] };
    expect(all.features[0]!.properties).toHaveProperty('moderatedBy', 'Mod');
  });
});
