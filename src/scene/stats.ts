import type { Cesium3DTileset, Scene } from 'cesium';

/**
 * Frame statistics for benchmarks and the debug overlay: draw calls and triangles per frame
 * (counted at the WebGL draw call), main-thread milliseconds per frame, frames rendered, and the
 * tileset's own counters.
 */

export interface FrameStats {
  frames: number;
  lastDrawCalls: number;
  lastTriangles: number;
  lastFrameMs: number;
  /** Mean main-thread ms per rendered frame since the last reset. */
  meanFrameMs: number;
  maxFrameMs: number;
}

export interface TilesetStats {
  tilesLoaded: number;
  tilesTotal: number;
  featuresLoaded: number;
  trianglesSelected: number;
  geometryBytes: number;
  commands: number;
}

interface DrawCommandLike {
  count?: number;
  primitiveType?: number;
  _count?: number;
  _primitiveType?: number;
  _vertexArray?: { numberOfIndices?: number; indexBuffer?: { numberOfIndices: number } };
}

const TRIANGLES = 4;

export interface StatsProbe {
  read(): FrameStats;
  reset(): void;
  dispose(): void;
}

/** Instruments a scene. Cheap: one counter per draw call. */
export function installStats(scene: Scene): StatsProbe {
  const context = (scene as unknown as { context: { draw: (cmd: DrawCommandLike, ...rest: unknown[]) => unknown } }).context;
  const originalDraw = context.draw;
  let drawCalls = 0, triangles = 0;
  const s: FrameStats = { frames: 0, lastDrawCalls: 0, lastTriangles: 0, lastFrameMs: 0, meanFrameMs: 0, maxFrameMs: 0 };
  let total = 0;
  context.draw = function (this: unknown, cmd: DrawCommandLike, ...rest: unknown[]) {
    drawCalls++;
    const type = cmd.primitiveType ?? cmd._primitiveType;
    if (type === TRIANGLES) {
      const count = cmd.count ?? cmd._count ?? cmd._vertexArray?.indexBuffer?.numberOfIndices ?? cmd._vertexArray?.numberOfIndices ?? 0;
      triangles += count / 3;
    }
    return originalDraw.call(this, cmd, ...rest);
  };
  let start = 0;
  const removePre = scene.preUpdate.addEventListener(() => {
    start = performance.now();
    drawCalls = 0;
    triangles = 0;
  });
  const removePost = scene.postRender.addEventListener(() => {
    const ms = performance.now() - start;
    s.frames++;
    s.lastDrawCalls = drawCalls;
    s.lastTriangles = Math.round(triangles);
    s.lastFrameMs = ms;
    total += ms;
    s.meanFrameMs = total / s.frames;
    s.maxFrameMs = Math.max(s.maxFrameMs, ms);
  });
  return {
    read: () => ({ ...s }),
    reset() {
      s.frames = 0;
      s.meanFrameMs = 0;
      s.maxFrameMs = 0;
      total = 0;
    },
    dispose() {
      context.draw = originalDraw;
      removePre();
      removePost();
    },
  };
}

/** Counters of a tileset (from Cesium's statistics object). */
export function tilesetStats(tileset: Cesium3DTileset): TilesetStats {
  const st = (tileset as unknown as { statistics: Record<string, number> }).statistics;
  return {
    tilesLoaded: st.numberOfTilesWithContentReady ?? 0,
    tilesTotal: st.numberOfTilesTotal ?? 0,
    featuresLoaded: st.numberOfFeaturesLoaded ?? 0,
    trianglesSelected: st.numberOfTrianglesSelected ?? 0,
    geometryBytes: st.geometryByteLength ?? 0,
    commands: st.numberOfCommands ?? 0,
  };
}
