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

/** One property of the building class: its 3D Tiles metadata definition (with its description). */
interface PropertyDef {
  type: 'STRING' | 'SCALAR' | 'ENUM';
  componentType?: 'FLOAT32' | 'UINT16' | 'UINT8';
  enumType?: string;
  required?: boolean;
  noData?: number;
  description: string;
}

const CLASS_DESCRIPTION = 'A building: its footprint extruded to its height (LOD1), or its real surfaces (LOD2)';
const ENUM_DESCRIPTION = 'How the height was obtained';
const PROPERTIES: [string, PropertyDef][] = [
  ['id', { type: 'STRING', required: true, description: 'Building id in its source dataset' }],
  ['heightM', { type: 'SCALAR', componentType: 'FLOAT32', required: true, description: 'Height above the base, metres' }],
  ['heightSource', { type: 'ENUM', enumType: 'HeightSource', required: true, description: 'How the height was obtained' }],
  ['baseM', { type: 'SCALAR', componentType: 'FLOAT32', required: true, description: 'Ellipsoid height of the base, metres' }],
  ['floors', { type: 'SCALAR', componentType: 'UINT16', noData: NO_DATA.floors, description: 'Number of storeys' }],
  ['use', { type: 'STRING', description: 'Main use (residential, commercial, …)' }],
  ['yearBuilt', { type: 'SCALAR', componentType: 'UINT16', noData: NO_DATA.yearBuilt, description: 'Year of construction' }],
  ['source', { type: 'STRING', description: 'Source dataset' }],
  ['groundAltitudeM', { type: 'SCALAR', componentType: 'FLOAT32', noData: NO_DATA.groundAltitudeM, description: 'Ground altitude in the source vertical datum (e.g. NGF-IGN69), metres' }],
  // UINT8 0/1 rather than BOOLEAN: loaders.gl does not read BOOLEAN properties.
  ['textured', { type: 'SCALAR', componentType: 'UINT8', description: '1 when drawn with its source texture (LOD2), else 0' }],
];

/** How a tile writes the schema. */
export interface SchemaOptions {
  /**
   * Leave the descriptions out of the glb: a pack writes the described schema once, in its
   * tileset.json (`buildingSchemaJson`), and each tile only what readers need to decode it.
   */
  compact?: boolean;
  /**
   * The `source` of most buildings of the pack, declared as the property's `default`: a tile
   * whose buildings all have it leaves the column out (readers use the default).
   */
  defaultSource?: string;
}

/**
 * The building schema as 3D Tiles 1.1 metadata JSON, with descriptions: what a pack's
 * tileset.json carries once (`schema`), identical in classes and types to its tiles' schemas.
 */
export function buildingSchemaJson(options: Pick<SchemaOptions, 'defaultSource'> = {}): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, d] of PROPERTIES) {
    properties[name] = {
      description: d.description,
      type: d.type,
      ...(d.componentType !== undefined ? { componentType: d.componentType } : {}),
      ...(d.enumType !== undefined ? { enumType: d.enumType } : {}),
      ...(d.required === true ? { required: true } : {}),
      ...(d.noData !== undefined ? { noData: d.noData } : {}),
      ...(name === 'source' && options.defaultSource !== undefined ? { default: options.defaultSource } : {}),
    };
  }
  return {
    id: SCHEMA_ID,
    version: '1.0.0',
    enums: { HeightSource: { description: ENUM_DESCRIPTION, valueType: 'UINT8', values: HEIGHT_SOURCES.map((name, value) => ({ name, value })) } },
    classes: { [BUILDING_CLASS]: { name: 'Building', description: CLASS_DESCRIPTION, properties } },
  };
}

/** Adds the schema (once per document) and returns the extensions to attach tables. */
export function createBuildingSchema(doc: Document, options: SchemaOptions = {}) {
  const meta = doc.createExtension(EXTStructuralMetadata);
  const features = doc.createExtension(EXTMeshFeatures);
  const described = options.compact !== true;
  const heightSourceEnum = meta.createEnum().setValueType('UINT8');
  if (described) heightSourceEnum.setDescription(ENUM_DESCRIPTION);
  HEIGHT_SOURCES.forEach((name, i) => heightSourceEnum.addEnumValue(meta.createEnumValue().setName(name).setValue(i)));
  const cls = meta.createClass();
  if (described) cls.setName('Building').setDescription(CLASS_DESCRIPTION);
  for (const [name, d] of PROPERTIES) {
    const p = meta.createClassProperty().setType(d.type);
    if (described) p.setDescription(d.description);
    if (d.componentType !== undefined) p.setComponentType(d.componentType);
    if (d.enumType !== undefined) p.setEnumType(d.enumType);
    if (d.required === true) p.setRequired(true);
    if (d.noData !== undefined) p.setNoData(d.noData);
    if (name === 'source' && options.defaultSource !== undefined) p.setDefault(options.defaultSource);
    cls.setProperty(name, p);
  }
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
export function writeBuildingTable(doc: Document, buildings: readonly BuildingRecord[], options: SchemaOptions = {}): PropertyTable {
  const { meta, root } = createBuildingSchema(doc, options);
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
  // Left out when every building has the declared default.
  if (options.defaultSource === undefined || buildings.some((b) => b.source !== options.defaultSource)) str('source', buildings.map((b) => b.source));
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
