import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayerParseError } from '../../../src/layers/types.ts';
import { chooseWmts, drawableLayers, readWmtsCapabilities, wmtsCapabilitiesUrl } from '../../../src/features/userdata/wmts.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/userdata', name));
const enc = new TextEncoder();

describe('WMTS capabilities', () => {
  it('builds the GetCapabilities URL: KVP keeps the endpoint parameters, RESTful stays as it is', () => {
    expect(wmtsCapabilitiesUrl('https://x.org/wmts?key=1&SERVICE=WMTS&request=GetTile')).toBe('https://x.org/wmts?key=1&SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0');
    expect(wmtsCapabilitiesUrl('https://x.org/1.0.0/WMTSCapabilities.xml')).toBe('https://x.org/1.0.0/WMTSCapabilities.xml');
  });

  it('reads a KVP service: layers, styles, formats, sets Cesium can draw and the GetTile endpoint', () => {
    const caps = readWmtsCapabilities(fixture('wmts-kvp.xml'), 'svc');
    expect(caps.layers.map((l) => l.id)).toEqual(['ORTHO', 'PLAN']);
    expect(caps.layers[0]).toMatchObject({ title: 'Orthophotos', styles: ['alt', 'normal'], style: 'normal', formats: ['image/jpeg', 'image/png'], matrixSets: ['LAMB93', 'PM'], bbox: [-5.2, 41.3, 9.6, 51.1] });
    expect(caps.sets.get('PM')).toMatchObject({ scheme: 'webmercator', labels: ['0', '1', '2', '3'], minLevel: 0, tileSizePx: 256 });
    expect(caps.sets.get('LAMB93')).toMatchObject({ scheme: null, why: expect.stringMatching(/CRS EPSG:2154/) });
    expect(caps.kvpUrl).toBe('https://tiles.example.org/wmts?');
    expect(drawableLayers(caps).map((l) => l.id)).toEqual(['ORTHO']);
    const c = chooseWmts(caps, 'https://tiles.example.org/wmts?SERVICE=WMTS&REQUEST=GetCapabilities', null, 'svc');
    expect(c).toMatchObject({ layer: 'ORTHO', style: 'normal', format: 'image/png', tileMatrixSet: 'PM', scheme: 'webmercator', restful: false, url: 'https://tiles.example.org/wmts?', minLevel: 0, maxLevel: 3 });
  });

  it('reads a RESTful service: templates resolved against the capabilities URL, WGS84 quad and Mercator sets starting above level 0', () => {
    const caps = readWmtsCapabilities(fixture('wmts-rest.xml'), 'svc');
    const url = 'https://maps.example.org/wmts/1.0.0/WMTSCapabilities.xml';
    const relief = chooseWmts(caps, url, null, 'svc');
    expect(relief).toMatchObject({ layer: 'relief', scheme: 'geographic', tileMatrixSet: 'WGS84', restful: true, labels: ['g0', 'g1', 'g2'], url: 'https://maps.example.org/wmts/1.0.0/tiles/{Style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png' });
    const roads = chooseWmts(caps, url, 'roads', 'svc');
    expect(roads).toMatchObject({ layer: 'roads', scheme: 'webmercator', minLevel: 2, maxLevel: 4, url: 'https://cdn.example.org/roads/{TileMatrix}/{TileCol}/{TileRow}.png' });
    expect(roads.labels[2]).toBe('2');
    expect(roads.labels[1]).toBeUndefined();
  });

  it('says so when no set can be drawn, naming the sets offered', () => {
    const caps = readWmtsCapabilities(fixture('wmts-lambert.xml'), 'svc');
    expect(() => chooseWmts(caps, 'https://x/wmts', null, 'svc')).toThrow(/no tile matrix set Cesium can draw .*LAMB93 \(CRS EPSG:2154/);
  });

  it('refuses other documents, exceptions and malformed XML with the reason', () => {
    const read = (s: string) => () => readWmtsCapabilities(enc.encode(s), 'svc');
    expect(read('<html><body>no</body></html>')).toThrow(/not WMTS capabilities \(root element html\)/);
    expect(read('<ows:ExceptionReport xmlns:ows="o"><ows:Exception><ows:ExceptionText>Bad key</ows:ExceptionText></ows:Exception></ows:ExceptionReport>')).toThrow(/service exception: Bad key/);
    expect(read('<Capabilities><Contents>')).toThrow(/malformed capabilities XML/);
    expect(read('<Capabilities><Contents></Contents></Capabilities>')).toThrow(/lists no layer/);
    expect(read(`${'<a>'.repeat(300)}`)).toThrow(/nested deeper/);
  });

  it('throws nothing but LayerParseError on mangled capabilities (fuzz)', () => {
    const base = fixture('wmts-kvp.xml').toString('utf8');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: base.length }), fc.integer({ min: 0, max: 200 }), fc.string({ maxLength: 30 }), (at, cut, insert) => {
        const text = base.slice(0, at) + insert + base.slice(Math.min(base.length, at + cut));
        try {
          const caps = readWmtsCapabilities(enc.encode(text), 'svc');
          try {
            const c = chooseWmts(caps, 'https://x.org/wmts', null, 'svc');
            expect(c.maxLevel).toBeGreaterThanOrEqual(c.minLevel);
          } catch (e) {
            expect(e).toBeInstanceOf(LayerParseError);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(LayerParseError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
