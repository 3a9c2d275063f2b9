import type { Document, Primitive } from '@gltf-transform/core';
import { EXTMeshFeatures, EXTStructuralMetadata, type PropertyTable } from '@gltf-transform/extensions';
import { HEIGHT_SOURCES, type BuildingRecord } from './types.ts';

/**
 * The building metadata written in every tile with EXT_structural_metadata (a property table,
 * one row per feature) and linked to the geometry with EXT_mesh_features (a feature id per
 * vertex). The same schema serves the demo and every city pack.
 */

export const SCHEMA_ID = 'jumeau_buildings';
export const BUILDING_CLASS = 'building';

/** Sentinels for missing values, declared as `noData` in the schema. */
export const NO_DATA = { floors: 65535, yearBuilt: 0, groundAltitudeM: -9999 } as const;

const encoder = new TextEncoder();

/** A STRING column: UTF-8 bytes and offsets (UINT16 when the bytes allow, which gzips better). */
function stringColumn(values: readonly string[]): { values: Uint8Array; offsets: Uint8Array; offsetType: 'UINT16' | 'UINT32' } {
  const parts = values.map((v) => encoder.encode(v));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const bytes = new Uint8Array(total);
  const offsets = total < 65536 ? new Uint16Array(values.length + 1) : new Uint32Array(values.length + 1);
  let o = 0;
  parts.forEach((p, i) => {
    offsets[i] = o;
    bytes.set(p, o);
    o += p.length;
  });
  offsets[values.length] = o;
  return { values: bytes, offsets: new Uint8Array(offsets.buffer), offsetType: total < 65536 ? 'UINT16' : 'UINT32' };
}

function bytesOf(a: Float32Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Adds the schema (once per document) and returns the extensions to attach tables. */
export function createBuildingSchema(doc: Document) {
  const meta = doc.createExtension(EXTStructuralMetadata);
  const features = doc.createExtension(EXTMeshFeatures);
  const heightSourceEnum = meta.createEnum().setValueType('UINT8').setDescription('How the height was obtained');
  HEIGHT_SOURCES.forEach((name, i) => heightSourceEnum.addEnumValue(meta.createEnumValue().setName(name).setValue(i)));
  const prop = (type: 'STRING' | 'SCALAR' | 'ENUM', description: string) => meta.createClassProperty().setType(type).setDescription(description);
  const cls = meta
    .createClass()
    .setName('Building')
    .setDescription('A building: its footprint extruded to its height (LOD1), or its real surfaces (LOD2)')
    .setProperty('id', prop('STRING', 'Building id in its source dataset').setRequired(true))
    .setProperty('heightM', prop('SCALAR', 'Height above the base, metres').setComponentType('FLOAT32').setRequired(true))
    .setProperty('heightSource', prop('ENUM', 'How the height was obtained').setEnumType('HeightSource').setRequired(true))
    .setProperty('baseM', prop('SCALAR', 'Ellipsoid height of the base, metres').setComponentType('FLOAT32').setRequired(true))
    .setProperty('floors', prop('SCALAR', 'Number of storeys').setComponentType('UINT16').setNoData(NO_DATA.floors))
    .setProperty('use', prop('STRING', 'Main use (residential, commercial, …)'))
    .setProperty('yearBuilt', prop('SCALAR', 'Year of construction').setComponentType('UINT16').setNoData(NO_DATA.yearBuilt))
    .setProperty('source', prop('STRING', 'Source dataset'))
    .setProperty('groundAltitudeM', prop('SCALAR', 'Ground altitude in the source vertical datum (e.g. NGF-IGN69), metres').setComponentType('FLOAT32').setNoData(NO_DATA.groundAltitudeM))
    // UINT8 0/1 rather than BOOLEAN: loaders.gl does not read BOOLEAN properties.
    .setProperty('textured', prop('SCALAR', '1 when drawn with its source texture (LOD2), else 0').setComponentType('UINT8'));
  const schema = meta
    .createSchema()
    .setId(SCHEMA_ID)
    .setVersion('1.0.0')
    .setEnum('HeightSource', heightSourceEnum)
    .setClass(BUILDING_CLASS, cls);
  const root = meta.createStructuralMetadata().setSchema(schema);
  doc.getRoot().setExtension('EXT_structural_metadata', root);
  return { meta, features, root };
}

/** Writes a property table for the given buildings (row i = feature id i). */
export function writeBuildingTable(doc: Document, buildings: readonly BuildingRecord[]): PropertyTable {
  const { meta, root } = createBuildingSchema(doc);
  const n = buildings.length;
  const table = meta.createPropertyTable().setName('buildings').setClass(BUILDING_CLASS).setCount(n);
  const str = (key: string, values: string[], required = false) => {
    const col = stringColumn(values);
    // A property table may leave out an optional property; a buffer view cannot be empty.
    if (col.values.length === 0 && !required) return;
    if (col.values.length === 0) throw new Error(`property ${key}: every value is empty`);
    table.setProperty(key, meta.createPropertyTableProperty().setValues(col.values).setStringOffsets(col.offsets).setStringOffsetType(col.offsetType));
  };
  const num = (key: string, values: Float32Array | Uint16Array | Uint8Array) =>
    table.setProperty(key, meta.createPropertyTableProperty().setValues(bytesOf(values)));
  str('id', buildings.map((b) => b.id), true);
  num('heightM', Float32Array.from(buildings, (b) => b.heightM));
  num('heightSource', Uint8Array.from(buildings, (b) => HEIGHT_SOURCES.indexOf(b.heightSource)));
  num('baseM', Float32Array.from(buildings, (b) => b.baseM));
  num('floors', Uint16Array.from(buildings, (b) => (b.floors === null ? NO_DATA.floors : Math.max(0, Math.min(65534, Math.round(b.floors))))));
  str('use', buildings.map((b) => b.use ?? ''));
  num('yearBuilt', Uint16Array.from(buildings, (b) => (b.yearBuilt === null ? NO_DATA.yearBuilt : Math.max(1, Math.min(65535, Math.round(b.yearBuilt))))));
  str('source', buildings.map((b) => b.source));
  // Optional columns, written only when a building of the tile has a value.
  if (buildings.some((b) => b.groundAltitudeM !== undefined && b.groundAltitudeM !== null)) {
    num('groundAltitudeM', Float32Array.from(buildings, (b) => b.groundAltitudeM ?? NO_DATA.groundAltitudeM));
  }
  const textured = Uint8Array.from(buildings, (b) => (b.surfaces?.some((s) => s.texture !== null) === true ? 1 : 0));
  if (textured.some((t) => t === 1)) num('textured', textured);
  root.addPropertyTable(table);
  return table;
}

/** Links a primitive's `_FEATURE_ID_0` attribute to the property table. */
export function attachFeatureIds(doc: Document, prim: Primitive, table: PropertyTable, featureCount: number): void {
  const ext = doc.createExtension(EXTMeshFeatures);
  const fid = ext.createFeatureID().setFeatureCount(featureCount).setAttribute(0).setPropertyTable(table).setLabel('building');
  prim.setExtension('EXT_mesh_features', ext.createFeatures().addFeatureID(fid));
}
