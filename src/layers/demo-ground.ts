import { geoJsonParser } from './parse/geojson.ts';
import type { LayerDefinition } from './types.ts';

/**
 * The demo district's synthetic streets and squares (written by `npm run demo` into the demo
 * pack, attributed "synthetic" there). Shown by default under the demo's buildings.
 */
export const demoStreetsLayer = {
  id: 'demo-streets',
  theme: 'streets',
  title: 'layers.demoStreets.title',
  description: 'layers.demoStreets.description',
  inputs: [{ name: 'streets', packLayer: 'demo-streets', format: 'geojson', maxBytes: 20 * 1024 * 1024 }],
  online: [],
  prefer: 'pack',
  parse: geoJsonParser('streets', { nameFields: ['name'], numericFields: ['widthM'], geometry: ['line'] }),
  variants: [
    {
      id: 'ribbons', label: 'layers.variant.ribbons',
      symbols: [{ kind: 'ribbon', widthField: 'widthM', defaultWidthM: 12, color: { kind: 'category', field: 'kind', classes: [{ value: 'avenue', color: [96, 99, 106], label: 'layers.demo.avenue' }, { value: 'street', color: [118, 121, 128], label: 'layers.demo.street' }], other: [118, 121, 128] } }],
    },
  ],
  label: { maxDistanceM: 1500, sizePx: 12 },
  legend: { title: 'layers.demoStreets.legend', note: 'layers.demo.note' },
  defaultOn: true,
} satisfies LayerDefinition;

export const demoSquaresLayer = {
  id: 'demo-squares',
  theme: 'green',
  title: 'layers.demoSquares.title',
  description: 'layers.demoSquares.description',
  inputs: [{ name: 'squares', packLayer: 'demo-squares', format: 'geojson', maxBytes: 20 * 1024 * 1024 }],
  online: [],
  prefer: 'pack',
  parse: geoJsonParser('squares', { nameFields: ['name'], geometry: ['polygon'] }),
  variants: [
    {
      id: 'areas', label: 'layers.variant.areas',
      symbols: [{ kind: 'fill', alpha: 1, color: { kind: 'category', field: 'kind', classes: [{ value: 'park', color: [134, 179, 110], label: 'layers.demo.park' }, { value: 'plaza', color: [214, 205, 186], label: 'layers.demo.plaza' }], other: [214, 205, 186] } }],
    },
  ],
  label: { maxDistanceM: 1500, sizePx: 12 },
  legend: { title: 'layers.demoSquares.legend', note: 'layers.demo.note' },
  defaultOn: true,
} satisfies LayerDefinition;
