import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeatureScanner, GeoJsonSyntaxError, type ScanEvent } from '../../../src/city/node/geojson-stream.ts';

const enc = new TextEncoder();

/** Scans `text` cut into chunks at the given positions. */
function scan(text: string | Uint8Array, cuts: number[] = []): ScanEvent[] {
  const bytes = typeof text === 'string' ? enc.encode(text) : text;
  const s = new FeatureScanner();
  const out: ScanEvent[] = [];
  let prev = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    out.push(...s.push(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...s.end());
  return out;
}

const features = (ev: ScanEvent[]) => ev.filter((e) => e.kind === 'feature').map((e) => (e as { value: unknown }).value);

describe('streaming GeoJSON scanner', () => {
  it('reads the features and the other top-level members, wherever they are', () => {
    const fcText = JSON.stringify({ type: 'FeatureCollection', name: 'x', features: [{ type: 'Feature', properties: { a: 1 }, geometry: null }, { type: 'Feature', properties: { b: 'é"}]' }, geometry: null }], crs: { type: 'name', properties: { name: 'EPSG:2154' } } });
    const ev = scan(fcText);
    expect(features(ev)).toEqual(JSON.parse(fcText).features);
    expect(ev.filter((e) => e.kind === 'member').map((e) => (e as { key: string }).key)).toEqual(['type', 'name', 'crs']);
    // Offsets point at the feature's first byte.
    const first = ev.find((e) => e.kind === 'feature') as { offset: number };
    expect(fcText.slice(first.offset, first.offset + 2)).toBe('{"');
  });

  it('gives the same features for any chunking (property, with unicode, escapes and nesting)', () => {
    const feature = fc.record({
      type: fc.constant('Feature'),
      id: fc.oneof(fc.string(), fc.integer()),
      properties: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
      geometry: fc.constant({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }),
    });
    fc.assert(
      fc.property(fc.array(feature, { maxLength: 6 }), fc.array(fc.nat(4000), { maxLength: 12 }), fc.boolean(), (fs, cuts, pretty) => {
        const text = JSON.stringify({ type: 'FeatureCollection', features: fs }, null, pretty ? 2 : undefined);
        expect(features(scan(text, cuts))).toEqual(JSON.parse(text).features);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a byte order mark split over chunks, a single Feature and GeoJSON text sequences', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}')]);
    expect(features(scan(bom, [1, 2]))).toHaveLength(1);
    expect(features(scan('{"type":"Feature","properties":{"h":3},"geometry":null}'))).toEqual([{ type: 'Feature', properties: { h: 3 }, geometry: null }]);
    const seq = '\x1e{"type":"Feature","properties":{"n":1},"geometry":null}\n\x1e{"type":"Feature","properties":{"n":2},"geometry":null}\n';
    expect(features(scan(seq)).map((f) => (f as { properties: { n: number } }).properties.n)).toEqual([1, 2]);
  });

  it('reports a feature that is not valid JSON and goes on with the next', () => {
    const text = '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"h":NaN},"geometry":null},{"type":"Feature","properties":{},"geometry":null}]}';
    const ev = scan(text);
    expect(ev.filter((e) => e.kind !== 'member').map((e) => e.kind)).toEqual(['bad-feature', 'feature']);
    const bad = ev.find((e) => e.kind === 'bad-feature') as { index: number; reason: string };
    expect(bad.index).toBe(0);
    expect(bad.reason).toMatch(/invalid JSON/);
  });

  it('throws a syntax error with the byte offset on broken structure', () => {
    const cases: [string, RegExp][] = [
      ['{"type":"FeatureCollection","features":[{"type":"Feature"', /end of the file inside feature 0 \(from byte 40\)/],
      ['{"type":"FeatureCollection","features":[{"type":"Feature"},', /end of the file inside the "features" array \(after 1 features\)/],
      ['{"type":"FeatureCollection","features":[{"a":1]]}', /closes a/],
      ['[1,2]', /top-level value is an array/],
      ['{"type":"FeatureCollection"}', /no "features" array/],
      ['{"type":"Topology","objects":{}}', /expected a FeatureCollection or a Feature/],
      ['{"type":"FeatureCollection","features":{}}', /"features" is not an array/],
      ['{"type":"FeatureCollection","features":[{}, , {}]}', /empty element/],
      ['{"type" "FeatureCollection","features":[]}', /expected ":"/],
      ['{"type":"FeatureCollection","features":[],}', /trailing ","/],
      ['{"type":"FeatureCollection","features":["unterminated', /unterminated string/],
      ['', /no GeoJSON object/],
      ['hello', /unexpected character "h"/],
    ];
    for (const [text, re] of cases) {
      let err: unknown = null;
      try {
        scan(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(GeoJsonSyntaxError);
      expect((err as Error).message, text).toMatch(re);
      expect((err as Error).message, text).toMatch(/\(byte \d+, line \d+\)/);
    }
  });

  it('never throws anything but a syntax error and always terminates, whatever the bytes (fuzz)', () => {
    const alphabet = fc.constantFrom(...'{}[],:"\\ \n0123456789.-+eEtruefalsnl"Featurtypcoordinates'.split(''), '{"type":"FeatureCollection","features":[', '{"type":"Feature","geometry":null,"properties":{}}', ']}', '\uffff', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')), fc.array(fc.nat(200), { maxLength: 5 }), (text, cuts) => {
        try {
          const ev = scan(text, cuts);
          for (const e of ev) if (e.kind === 'bad-feature') expect(e.reason.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(GeoJsonSyntaxError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps memory bounded to one feature: a large collection in small chunks', () => {
    const f = JSON.stringify({ type: 'Feature', properties: { name: 'x'.repeat(100) }, geometry: null });
    const s = new FeatureScanner({ maxValueBytes: 4096 });
    let n = 0;
    n += s.push(enc.encode('{"type":"FeatureCollection","features":[')).length;
    for (let i = 0; i < 5000; i++) n += s.push(enc.encode((i > 0 ? ',' : '') + f)).length;
    n += s.push(enc.encode(']}')).length;
    s.end();
    expect(n).toBe(5001); // 5000 features and the "type" member
    const big = new FeatureScanner({ maxValueBytes: 100 });
    expect(() => big.push(enc.encode(`{"type":"FeatureCollection","features":[${f}`))).toThrow(/larger than/);
  });
});
