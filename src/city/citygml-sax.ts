import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import type { SourceLod2, SourceSurface } from './clean.ts';
import { SEMANTIC_SURFACES, type SurfaceKind } from './types.ts';

/**
 * Streaming reader of CityGML 1.0/2.0 buildings (SAX, through saxes: the file is never held as
 * a DOM). For each `bldg:Building` (with its `BuildingPart`s) it keeps the real surfaces of its
 * best level of detail (LOD2, else LOD1, LOD3, LOD4), by thematic surface (roof, wall, ground,
 * other), with polygon holes; its attributes (`measuredHeight`, `storeysAboveGround`,
 * `yearOfConstruction`, `function`, generic attributes); and the texture of each polygon from
 * `app:ParameterizedTexture` (`imageURI` + `textureCoordinates` per ring), whether the
 * appearance sits in the building or at the end of the file.
 *
 * Not read (counted in the report): `TexCoordGen` and `GeoreferencedTexture` (world-to-texture
 * mappings), polygons referenced with `xlink:href` but defined nowhere in the building, 2D
 * coordinates in LOD2 geometry.
 *
 * Pure (no file system): it runs in the CLI (citygml-reader.ts streams files into it) and in the
 * browser's user-data worker.
 */

export interface CityGmlBuilding {
  /** Index of the building in the file (0-based). */
  index: number;
  source: SourceLod2;
}

export interface CityGmlResult {
  buildings: CityGmlBuilding[];
  /** First `srsName` in the file, or null. */
  srsName: string | null;
  /** Appearance themes found, in order; the textures come from `theme`. */
  themes: string[];
  theme: string | null;
  /** Things read over, for the build report. */
  notes: string[];
}

export interface CityGmlOptions {
  /**
   * Where a texture's `imageURI` points: the key of the image (a path the caller can read), or
   * null to draw its surfaces untextured. Default: none (every surface untextured) — the CLI
   * resolves against the file's folder, the browser has no folder to read images from.
   */
  resolveImage?: (imageUri: string) => string | null;
  /** Appearance theme to use (default: the first theme in the file). */
  theme?: string;
  /** Name of the file, for messages. */
  fileName?: string;
}

const POLYGONS = new Set(['Polygon', 'Triangle', 'PolygonPatch', 'Rectangle']);
const GENERIC = new Set(['stringAttribute', 'intAttribute', 'doubleAttribute', 'dateAttribute', 'uriAttribute', 'measureAttribute']);
const BUILDING_PROPS = new Set(['measuredHeight', 'storeysAboveGround', 'storeysBelowGround', 'yearOfConstruction', 'yearOfDemolition', 'function', 'usage', 'class', 'roofType', 'name']);
const NUMERIC_PROPS = new Set(['measuredHeight', 'storeysAboveGround', 'storeysBelowGround']);
const LOD_PREFERENCE = [2, 1, 3, 4];

interface RingCapture {
  id: string | null;
  coords: number[];
}
interface PolyCapture {
  id: string | null;
  kind: SurfaceKind;
  lod: number;
  rings: RingCapture[];
  dim: number;
}
interface BuildingCapture {
  index: number;
  id: string | null;
  props: Record<string, unknown>;
  polygons: PolyCapture[];
  hrefs: string[];
}
interface TextureCapture {
  theme: string | null;
  image: string | null;
  /** polygon id → ring id → coordinates. */
  targets: Map<string, Map<string, number[]>>;
}

function gmlId(tag: SaxesTagNS): string | null {
  for (const a of Object.values(tag.attributes) as SaxesAttributeNS[]) {
    if (a.local === 'id' && (a.prefix === 'gml' || a.uri.includes('opengis.net/gml'))) return a.value;
  }
  return null;
}

function attr(tag: SaxesTagNS, local: string): string | null {
  for (const a of Object.values(tag.attributes) as SaxesAttributeNS[]) if (a.local === local) return a.value;
  return null;
}

function numbers(text: string): number[] {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1 && parts[0] === '') return [];
  return parts.map(Number);
}

/** Push-based CityGML reader: `write` text as it comes, `close` for the result. */
export class CityGmlReader {
  private readonly parser: SaxesParser<{ xmlns: true }>;
  private readonly stack: string[] = [];
  private readonly dimStack: number[] = [];
  private readonly buildings: BuildingCapture[] = [];
  private building: BuildingCapture | null = null;
  private buildingDepth = -1;
  private kindStack: { depth: number; kind: SurfaceKind }[] = [];
  private lodStack: { depth: number; lod: number }[] = [];
  private polygon: PolyCapture | null = null;
  private polygonDepth = -1;
  private ring: RingCapture | null = null;
  private text: string[] | null = null;
  private generic: { name: string; type: string } | null = null;
  private texture: TextureCapture | null = null;
  private targetPoly: string | null = null;
  private texRing: string | null = null;
  private themeStack: (string | null)[] = [];
  private readonly textures: TextureCapture[] = [];
  private readonly themes: string[] = [];
  private srsName: string | null = null;
  private count = 0;
  private readonly notes = { texCoordGen: 0, georeferenced: 0, dim2: 0, unresolvedHrefs: 0, materials: 0, textureWithoutImage: 0 };

  constructor(private readonly options: CityGmlOptions) {
    this.parser = new SaxesParser({ xmlns: true, ...(options.fileName !== undefined ? { fileName: options.fileName } : {}) });
    this.parser.on('error', (e) => {
      throw new Error(`invalid XML: ${e.message}`);
    });
    this.parser.on('opentag', (t) => this.open(t));
    this.parser.on('closetag', (t) => this.close(t));
    this.parser.on('text', (t) => this.text?.push(t));
    this.parser.on('cdata', (t) => this.text?.push(t));
  }

  write(chunk: string): void {
    this.parser.write(chunk);
  }

  private open(tag: SaxesTagNS): void {
    const local = tag.local;
    const depth = this.stack.length;
    this.stack.push(local);
    const srs = attr(tag, 'srsName');
    if (srs !== null && this.srsName === null) this.srsName = srs;
    const dim = attr(tag, 'srsDimension');
    this.dimStack.push(dim !== null ? Number(dim) : (this.dimStack[this.dimStack.length - 1] ?? 3));

    if (local === 'Building' && this.building === null) {
      this.building = { index: this.count++, id: gmlId(tag), props: {}, polygons: [], hrefs: [] };
      this.buildingDepth = depth;
      return;
    }
    // Appearances (inside a building or global).
    if (local === 'Appearance') this.themeStack.push(null);
    if (local === 'theme' || local === 'imageURI' || local === 'textureCoordinates' || local === 'diffuseColor') this.text = [];
    if (local === 'ParameterizedTexture') {
      this.texture = { theme: this.themeStack[this.themeStack.length - 1] ?? null, image: null, targets: new Map() };
      return;
    }
    if (local === 'GeoreferencedTexture') this.notes.georeferenced++;
    if (local === 'X3DMaterial') this.notes.materials++;
    if (this.texture !== null) {
      if (local === 'target') this.targetPoly = (attr(tag, 'uri') ?? '').replace(/^#/, '');
      if (local === 'TexCoordGen') this.notes.texCoordGen++;
      if (local === 'textureCoordinates') this.texRing = (attr(tag, 'ring') ?? '').replace(/^#/, '');
      return;
    }
    const b = this.building;
    if (b === null) return;
    if (local in SEMANTIC_SURFACES) this.kindStack.push({ depth, kind: SEMANTIC_SURFACES[local]! });
    const lodMatch = /^lod(\d)/.exec(local);
    if (lodMatch !== null) this.lodStack.push({ depth, lod: Number(lodMatch[1]) });
    if (GENERIC.has(local)) this.generic = { name: attr(tag, 'name') ?? '', type: local };
    if (local === 'value' && this.generic !== null) this.text = [];
    if (BUILDING_PROPS.has(local) && this.polygon === null && this.kindStack.length === 0) this.text = [];
    if (local === 'surfaceMember' || local === 'baseSurface') {
      const href = Object.values(tag.attributes as Record<string, SaxesAttributeNS>).find((a) => a.local === 'href');
      if (href !== undefined) b.hrefs.push(href.value.replace(/^#/, ''));
    }
    if (POLYGONS.has(local) && this.polygon === null && this.lodStack.length > 0) {
      this.polygon = {
        id: gmlId(tag),
        kind: this.kindStack[this.kindStack.length - 1]?.kind ?? 'other',
        lod: this.lodStack[this.lodStack.length - 1]!.lod,
        rings: [],
        dim: this.dimStack[this.dimStack.length - 1]!,
      };
      this.polygonDepth = depth;
      return;
    }
    if (this.polygon !== null) {
      if (local === 'LinearRing') {
        this.ring = { id: gmlId(tag), coords: [] };
        this.polygon.dim = this.dimStack[this.dimStack.length - 1]!;
      }
      if ((local === 'posList' || local === 'pos' || local === 'coordinates') && this.ring !== null) this.text = [];
    }
  }

  private take(): string {
    const t = this.text?.join('') ?? '';
    this.text = null;
    return t;
  }

  private close(tag: SaxesTagNS): void {
    const local = tag.local;
    this.stack.pop();
    const dim = this.dimStack.pop() ?? 3;
    const depth = this.stack.length;
    // Appearances.
    if (local === 'theme') {
      const theme = this.take().trim();
      if (this.themeStack.length > 0) this.themeStack[this.themeStack.length - 1] = theme;
      if (theme !== '' && !this.themes.includes(theme)) this.themes.push(theme);
      return;
    }
    if (local === 'Appearance') {
      this.themeStack.pop();
      return;
    }
    if (this.texture !== null) {
      if (local === 'imageURI') this.texture.image = this.take().trim();
      else if (local === 'textureCoordinates') {
        const coords = numbers(this.take());
        if (this.targetPoly !== null && this.texRing !== null) {
          let m = this.texture.targets.get(this.targetPoly);
          if (m === undefined) this.texture.targets.set(this.targetPoly, (m = new Map()));
          m.set(this.texRing, coords);
        }
        this.texRing = null;
      } else if (local === 'target') this.targetPoly = null;
      else if (local === 'ParameterizedTexture') {
        if (this.texture.image === null || this.texture.image === '') this.notes.textureWithoutImage++;
        else this.textures.push(this.texture);
        this.texture = null;
      }
      return;
    }
    if (local === 'diffuseColor') this.take();
    const b = this.building;
    if (b === null) return;
    if (this.polygon !== null) {
      if ((local === 'posList' || local === 'pos') && this.ring !== null) {
        for (const v of numbers(this.take())) this.ring.coords.push(v);
        if (local === 'posList' && dim !== 3) this.polygon.dim = dim;
      } else if (local === 'coordinates' && this.ring !== null) {
        for (const v of numbers(this.take().replace(/,/g, ' '))) this.ring.coords.push(v);
      } else if (local === 'LinearRing' && this.ring !== null) {
        this.polygon.rings.push(this.ring);
        this.ring = null;
      } else if (depth === this.polygonDepth) {
        if (this.polygon.dim !== 3) this.notes.dim2++;
        else b.polygons.push(this.polygon);
        this.polygon = null;
        this.polygonDepth = -1;
      }
      return;
    }
    if (this.kindStack.length > 0 && this.kindStack[this.kindStack.length - 1]!.depth === depth) this.kindStack.pop();
    if (this.lodStack.length > 0 && this.lodStack[this.lodStack.length - 1]!.depth === depth) this.lodStack.pop();
    if (local === 'value' && this.generic !== null && this.text !== null) {
      const v = this.take().trim();
      const numeric = this.generic.type === 'intAttribute' || this.generic.type === 'doubleAttribute' || this.generic.type === 'measureAttribute';
      if (this.generic.name !== '' && !(this.generic.name in b.props)) b.props[this.generic.name] = numeric && v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
      return;
    }
    if (GENERIC.has(local)) {
      this.generic = null;
      return;
    }
    if (BUILDING_PROPS.has(local) && this.text !== null) {
      const v = this.take().trim();
      const key = local === 'name' ? 'name' : local;
      if (NUMERIC_PROPS.has(local)) {
        const n = Number(v);
        const prev = b.props[key];
        // Building parts: the building's height is the largest part's.
        b.props[key] = typeof prev === 'number' && Number.isFinite(prev) && Number.isFinite(n) ? Math.max(prev, n) : v === '' ? prev : Number.isFinite(n) ? n : v;
      } else if (!(key in b.props) && v !== '') b.props[key] = v;
      return;
    }
    if (local === 'Building' && depth === this.buildingDepth) {
      this.buildings.push(b);
      this.building = null;
      this.buildingDepth = -1;
      this.kindStack = [];
      this.lodStack = [];
    }
  }

  /** Ends the document and resolves textures; throws on malformed XML. */
  end(): CityGmlResult {
    this.parser.close();
    const theme = this.options.theme ?? this.themes[0] ?? null;
    if (this.options.theme !== undefined && !this.themes.includes(this.options.theme)) {
      throw new Error(`appearance theme "${this.options.theme}" is not in the file (themes: ${this.themes.join(', ') || 'none'})`);
    }
    // polygon id → texture (image path + ring coordinates), for the chosen theme.
    const byPolygon = new Map<string, { image: string; rings: Map<string, number[]> }>();
    for (const t of this.textures) {
      if (t.theme !== theme && !(t.theme === null && theme === null)) continue;
      const image = this.options.resolveImage?.(t.image!) ?? null;
      if (image === null) continue;
      for (const [poly, rings] of t.targets) if (!byPolygon.has(poly)) byPolygon.set(poly, { image, rings });
    }
    const buildings: CityGmlBuilding[] = this.buildings.map((b) => {
      const lods = new Set(b.polygons.map((p) => p.lod));
      const lod = LOD_PREFERENCE.find((l) => lods.has(l)) ?? -1;
      const seen = new Set<string>();
      const surfaces: SourceSurface[] = [];
      for (const p of b.polygons) {
        if (p.lod !== lod || p.rings.length === 0) continue;
        if (p.id !== null) {
          if (seen.has(p.id)) continue;
          seen.add(p.id);
        }
        const tex = p.id !== null ? byPolygon.get(p.id) : undefined;
        const uvs = tex !== undefined ? p.rings.map((r) => (r.id !== null ? (tex.rings.get(r.id) ?? null) : null)) : null;
        surfaces.push({
          kind: p.kind,
          id: p.id,
          rings: p.rings.map((r) => r.coords),
          uvs: uvs !== null && uvs[0] !== null ? uvs : null,
          texture: uvs !== null && uvs[0] !== null ? tex!.image : null,
        });
      }
      for (const h of b.hrefs) if (!seen.has(h) && !b.polygons.some((p) => p.id === h)) this.notes.unresolvedHrefs++;
      return { index: b.index, source: { id: b.id, properties: b.props, surfaces } };
    });
    const notes: string[] = [];
    const n = this.notes;
    if (n.texCoordGen > 0) notes.push(`${n.texCoordGen} textures mapped with TexCoordGen were not read (only texture coordinates are)`);
    if (n.georeferenced > 0) notes.push(`${n.georeferenced} GeoreferencedTextures were not read`);
    if (n.materials > 0) notes.push(`${n.materials} X3DMaterials were not read (surfaces keep the default colour)`);
    if (n.dim2 > 0) notes.push(`${n.dim2} polygons with 2D coordinates were left out of LOD2 geometry`);
    if (n.unresolvedHrefs > 0) notes.push(`${n.unresolvedHrefs} xlink:href surface references point to no polygon of their building`);
    if (n.textureWithoutImage > 0) notes.push(`${n.textureWithoutImage} textures have no imageURI`);
    return { buildings, srsName: this.srsName, themes: this.themes, theme, notes };
  }
}
