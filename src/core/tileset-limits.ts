import { WhereError } from './errors.ts';

/**
 * Limits against huge or hostile 3D tilesets (a city pack, an online service, a tileset a user
 * opens): how deep the tile tree may go, how many tiles it may declare, how many bytes of tile
 * content a session may download from it. `inspectTileset` checks a tileset.json before Cesium
 * sees it; src/scene/tileset-guard.ts enforces the limits while it streams (external tilesets
 * add tiles as they load).
 */

export interface TilesetLimits {
  /** Deepest tile level accepted (the root is level 0). */
  maxDepth: number;
  /** Most tiles declared, over the tileset and the external tilesets it references. */
  maxTiles: number;
  /** Most bytes of tile content downloaded per tileset in a session. */
  maxContentBytes: number;
  /** Largest tileset.json accepted. */
  maxJsonBytes: number;
  /**
   * Most children of one tile. Cesium builds every declared tile up front and checks all the
   * children of a tile it refines in each frame: a root with 100,000 children froze the page for
   * seconds at a time (issue 22).
   */
  maxChildrenPerTile: number;
  /** Largest content of one tile, checked on Content-Length and while it streams (aborted past it). */
  maxTileBytes: number;
  /** Most tiles the engine may visit in one frame before the tileset is drawn coarser. */
  maxVisitedPerFrame: number;
  /** Memory for a tileset's loaded tiles: its cache plus the overflow Cesium may use for one view. */
  maxMemoryBytes: number;
}

export const DEFAULT_TILESET_LIMITS: TilesetLimits = {
  maxDepth: 40,
  maxTiles: 250_000,
  maxContentBytes: 2 * 1024 ** 3,
  maxJsonBytes: 64 * 1024 ** 2,
  maxChildrenPerTile: 4096,
  maxTileBytes: 64 * 1024 ** 2,
  maxVisitedPerFrame: 16_384,
  maxMemoryBytes: 768 * 1024 ** 2,
};

/**
 * The budgets added in issue 22 (children per tile, bytes per tile, tile headers, tiles visited
 * per frame, memory) can be switched off for one page by setting
 * `globalThis.__jumeauTilesetBudgetsOff = true` before the app starts: only the benchmark does,
 * to measure the page without them ("before").
 */
export const tilesetBudgetsOn = (): boolean => (globalThis as { __jumeauTilesetBudgetsOff?: unknown }).__jumeauTilesetBudgetsOff !== true;

const fmtCount = (n: number) => n.toLocaleString('en-US');
/** Bytes as a user reads them (MB, one decimal under 10). */
export const fmtBytes = (n: number): string => {
  const mb = n / 1024 ** 2;
  return mb >= 10 ? `${Math.round(mb)} MB` : mb >= 0.1 ? `${mb.toFixed(1)} MB` : `${fmtCount(n)} bytes`;
};

export class TilesetLimitError extends WhereError {
  override name = 'TilesetLimitError';
}

export interface TilesetSummary {
  version: string | null;
  tiles: number;
  depth: number;
  /** Content URIs that point to other tileset.json files (loaded later, checked then). */
  externalTilesets: number;
  implicit: boolean;
}

/**
 * Walks a parsed tileset.json without recursion (a hostile tree cannot blow the stack) and
 * checks its shape and size. Throws a TilesetLimitError naming the tile path (`root.children[3]…`)
 * on the first problem.
 */
export function inspectTileset(json: unknown, where: string, limits: TilesetLimits = DEFAULT_TILESET_LIMITS): TilesetSummary {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TilesetLimitError(where, 'not a JSON object');
  const t = json as { asset?: { version?: unknown }; root?: unknown };
  if (typeof t.asset !== 'object' || t.asset === null) throw new TilesetLimitError(where, 'no "asset" object (not a 3D Tiles tileset.json)');
  const version = typeof t.asset.version === 'string' ? t.asset.version : null;
  if (version === null) throw new TilesetLimitError(where, '"asset.version" is missing');
  if (typeof t.root !== 'object' || t.root === null) throw new TilesetLimitError(where, 'no "root" tile');
  const stack: { tile: unknown; depth: number; path: string }[] = [{ tile: t.root, depth: 0, path: 'root' }];
  let tiles = 0, depth = 0, external = 0, implicit = false;
  while (stack.length > 0) {
    const { tile, depth: d, path } = stack.pop()!;
    if (typeof tile !== 'object' || tile === null || Array.isArray(tile)) throw new TilesetLimitError(where, `${path} is not a tile object`);
    tiles++;
    depth = Math.max(depth, d);
    if (tiles > limits.maxTiles) throw new TilesetLimitError(where, `more than ${limits.maxTiles.toLocaleString('en-US')} tiles`);
    if (d > limits.maxDepth) throw new TilesetLimitError(where, `${path} is deeper than ${limits.maxDepth} levels`);
    const tl = tile as { boundingVolume?: unknown; geometricError?: unknown; children?: unknown; content?: { uri?: unknown; url?: unknown }; contents?: unknown; implicitTiling?: unknown };
    if (typeof tl.boundingVolume !== 'object' || tl.boundingVolume === null) throw new TilesetLimitError(where, `${path} has no boundingVolume`);
    if (typeof tl.geometricError !== 'number' || !Number.isFinite(tl.geometricError) || tl.geometricError < 0) throw new TilesetLimitError(where, `${path} has no valid geometricError`);
    if (tl.implicitTiling !== undefined) implicit = true;
    const uris: unknown[] = [];
    if (tl.content !== undefined) uris.push(tl.content?.uri ?? tl.content?.url);
    if (Array.isArray(tl.contents)) for (const c of tl.contents) uris.push((c as { uri?: unknown } | null)?.uri);
    for (const u of uris) if (typeof u === 'string' && /\.json(\?|#|$)/i.test(u)) external++;
    if (tl.children !== undefined) {
      if (!Array.isArray(tl.children)) throw new TilesetLimitError(where, `${path}.children is not an array`);
      if (tl.children.length > limits.maxChildrenPerTile && tilesetBudgetsOn()) {
        throw new TilesetLimitError(where, `${path} has ${fmtCount(tl.children.length)} children, more than ${fmtCount(limits.maxChildrenPerTile)} per tile (the page would freeze while the engine checks them)`);
      }
      for (let i = 0; i < tl.children.length; i++) stack.push({ tile: tl.children[i], depth: d + 1, path: `${path}.children[${i}]` });
    }
  }
  return { version, tiles, depth, externalTilesets: external, implicit };
}

const u32 = (v: DataView, o: number) => (o + 4 <= v.byteLength ? v.getUint32(o, true) : -1);
const magicOf = (b: Uint8Array, o = 0) => (b.length >= o + 4 ? String.fromCharCode(b[o]!, b[o + 1]!, b[o + 2]!, b[o + 3]!) : '');

/**
 * Checks the header of a tile's content (glb, b3dm, i3dm, pnts, cmpt) against its real size
 * before the engine parses it: a header that declares more bytes than the file holds makes the
 * engine fail with messages such as `Invalid typed array length: 1000000`. Returns the reason in
 * plain words, or null when the header is consistent (or the format is not one of these: the
 * engine decides). Never throws.
 */
export function checkTileHeader(bytes: Uint8Array): string | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength;
  const magic = magicOf(bytes);
  const declared = u32(v, 8);
  const sizeSays = (what: string) => `corrupt ${what} header: it declares ${fmtCount(declared)} bytes, the file has ${fmtCount(n)}`;
  switch (magic) {
    case 'glTF': {
      const version = u32(v, 4);
      if (n < 12) return `corrupt glb header: ${fmtCount(n)} bytes, shorter than a glb header`;
      if (version !== 1 && version !== 2) return `corrupt glb header: version ${version}, not 1 or 2`;
      if (declared > n || declared < 12) return sizeSays('glb');
      if (version === 2) {
        // Chunks: length, type, data; each must end within the declared length.
        let o = 12;
        for (let i = 0; o < declared; i++) {
          const len = u32(v, o);
          if (len < 0 || o + 8 + len > declared) return `corrupt glb header: chunk ${i} declares ${fmtCount(Math.max(0, len))} bytes, past the end of the ${fmtCount(declared)}-byte file`;
          if (i === 0 && magicOf(bytes, o + 4) !== 'JSON') return 'corrupt glb header: the first chunk is not JSON';
          o += 8 + len;
        }
        if (o === 12) return 'corrupt glb header: no JSON chunk';
        return checkGlbBuffers(bytes, v, declared);
      }
      return null;
    }
    case 'b3dm':
    case 'pnts':
    case 'i3dm': {
      const headerBytes = magic === 'i3dm' ? 32 : 28;
      const name = magic;
      if (n < headerBytes) return `corrupt ${name} header: ${fmtCount(n)} bytes, shorter than its ${headerBytes}-byte header`;
      if (declared > n || declared < headerBytes) return sizeSays(name);
      const parts = [12, 16, 20, 24].map((o) => u32(v, o));
      const body = headerBytes + parts.reduce((a, b) => a + b, 0);
      if (body > declared) return `corrupt ${name} header: its tables declare ${fmtCount(body)} bytes, more than the ${fmtCount(declared)}-byte tile`;
      // The embedded glb of a b3dm (and of an i3dm with gltfFormat 1) is checked in turn.
      const embedded = magic === 'b3dm' || (magic === 'i3dm' && u32(v, 28) === 1);
      if (embedded && body < declared && magicOf(bytes, body) === 'glTF') {
        const inner = checkTileHeader(bytes.subarray(body, declared));
        if (inner !== null) return `${name} with a ${inner}`;
      }
      return null;
    }
    case 'cmpt': {
      if (n < 16) return `corrupt cmpt header: ${fmtCount(n)} bytes, shorter than its 16-byte header`;
      if (declared > n || declared < 16) return sizeSays('cmpt');
      const count = u32(v, 12);
      let o = 16;
      for (let i = 0; i < count; i++) {
        const len = u32(v, o + 8);
        if (len < 12 || o + len > declared) return `corrupt cmpt header: inner tile ${i} runs past the end of the ${fmtCount(declared)}-byte tile`;
        const inner = checkTileHeader(bytes.subarray(o, o + len));
        if (inner !== null) return `cmpt inner tile ${i}: ${inner}`;
        o += len;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Largest JSON chunk whose buffers are checked (larger ones are left to the engine). */
const MAX_CHECKED_JSON_BYTES = 8 * 1024 ** 2;

/**
 * The glb's own buffer (buffer 0, no uri) against its BIN chunk, and the buffer views on it: a
 * view past the end makes the engine fail with `Invalid typed array length: <n>`.
 */
function checkGlbBuffers(bytes: Uint8Array, v: DataView, declared: number): string | null {
  const jsonLength = u32(v, 12);
  if (jsonLength > MAX_CHECKED_JSON_BYTES) return null;
  let gltf: { buffers?: { uri?: unknown; byteLength?: unknown }[]; bufferViews?: { buffer?: unknown; byteOffset?: unknown; byteLength?: unknown }[] };
  try {
    gltf = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength))) as typeof gltf;
  } catch {
    return 'corrupt glb: its JSON chunk is not valid JSON';
  }
  if (typeof gltf !== 'object' || gltf === null) return 'corrupt glb: its JSON chunk is not an object';
  const binAt = 20 + jsonLength;
  const binLength = binAt + 8 <= declared && magicOf(bytes, binAt + 4) === 'BIN\0' ? u32(v, binAt) : 0;
  const buffers = Array.isArray(gltf.buffers) ? gltf.buffers : [];
  const available = buffers.map((b, i) => (i === 0 && b?.uri === undefined ? binLength : Infinity));
  const b0 = buffers[0];
  if (b0 !== undefined && b0?.uri === undefined && typeof b0?.byteLength === 'number' && b0.byteLength > binLength) {
    return `corrupt glb: buffer 0 declares ${fmtCount(b0.byteLength)} bytes, its binary chunk has ${fmtCount(binLength)}`;
  }
  const views = Array.isArray(gltf.bufferViews) ? gltf.bufferViews : [];
  for (let i = 0; i < views.length; i++) {
    const bv = views[i];
    const buffer = typeof bv?.buffer === 'number' ? bv.buffer : -1;
    const end = (typeof bv?.byteOffset === 'number' ? bv.byteOffset : 0) + (typeof bv?.byteLength === 'number' ? bv.byteLength : 0);
    if (buffer === 0 && end > (available[0] ?? 0)) return `corrupt glb: buffer view ${i} ends at byte ${fmtCount(end)}, past the end of its ${fmtCount(available[0] ?? 0)}-byte binary chunk`;
  }
  return null;
}

/** A tile refused before the engine read it: over the byte limit, or a corrupt header. */
export class TileContentError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'TileContentError';
  }
}

/** The message for a tile larger than the limit (`declared`: from Content-Length; else read so far). */
export const tileTooLarge = (bytes: number, limit: number, declared: boolean): string =>
  declared
    ? `tile of ${fmtBytes(bytes)} (Content-Length), more than the limit of ${fmtBytes(limit)} per tile: not downloaded`
    : `tile larger than the limit of ${fmtBytes(limit)} per tile: download stopped after ${fmtBytes(bytes)}`;

const ENGINE_ERRORS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/Invalid typed array length|out of bounds|outside the bounds|Offset is outside|Start offset|byteLength.*(exceeds|larger)|Array buffer allocation failed/i, () => 'corrupt or truncated tile: its header declares more bytes than the file holds'],
  [/Only glTF Binary version|glTF version|Unsupported glTF version/i, () => 'unsupported glTF version (glTF 2.0 expected)'],
  [/Unsupported glTF Extension: (\S+)/i, (m) => `needs the glTF extension ${m[1]}, which this viewer does not support`],
  [/Invalid tile content|Invalid magic|unknown magic/i, () => 'not a 3D Tiles content format (b3dm, i3dm, pnts, cmpt or glb)'],
  [/Only Batched 3D Model version|Only Instanced 3D Model version|Only Point Cloud version|Only Composite Tile version|version \d+ is not supported/i, () => 'unsupported version of its tile format'],
  [/draco.*(decod|error|fail|invalid)|(decod|fail).*draco/i, () => 'corrupt Draco-compressed geometry'],
  [/KTX2.*(fail|error|invalid|unsupported)|basis.*transcod/i, () => 'a compressed (KTX2) texture that cannot be decoded'],
  [/Failed to load (image|texture)|(decode|decoding).*image|image.*(decode|could not be)|ImageBitmap/i, () => 'a texture image that cannot be decoded'],
  [/Unexpected token|JSON\.parse|in JSON|JSON at position|Unterminated string/i, () => 'malformed JSON inside the tile'],
  [/out of memory|allocation failed/i, () => 'not enough memory to read it'],
];

/**
 * Translates an engine error about a tile into plain words (the reason only: callers name the
 * tile). Messages that are already ours (TileContentError, tileset limits) and HTTP failures pass
 * through; unknown engine messages are kept, without blob: addresses.
 */
export function explainTileError(message: string): string {
  const m = message.replace(/:?\s*blob:\S+/g, '').trim();
  if (/^(corrupt |tile of |tile larger than |cmpt inner tile|b3dm with|i3dm with|pnts with)/.test(m)) return m;
  for (const [re, say] of ENGINE_ERRORS) {
    const hit = m.match(re);
    if (hit !== null) return say(hit);
  }
  return m === '' ? 'the engine could not read this tile' : m;
}
