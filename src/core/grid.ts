import { signedArea } from './geometry/polygon.ts';

/**
 * A regular grid of square cells over polygons in a local metric frame (x east, y north), and
 * the mask of cells whose centre lies inside them (even–odd rule per polygon, union over
 * polygons). The grid is snapped to multiples of the cell size so that the same area gives the
 * same cells wherever it comes from.
 */

export interface GridSpec {
  /** West and south edges of the grid, metres in the frame. */
  x0: number;
  y0: number;
  cellM: number;
  cols: number;
  rows: number;
}

/** A polygon as rings of flat `[x0, y0, x1, y1, …]` coordinates (outer first, then holes). */
export type PolygonM = readonly (readonly number[])[];

/** Bounding box [minX, minY, maxX, maxY] of polygons. */
export function polygonsBounds(polygons: readonly PolygonM[]): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const poly of polygons) {
    for (const ring of poly) {
      for (let i = 0; i + 1 < ring.length; i += 2) {
        const x = ring[i]!, y = ring[i + 1]!;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/** The grid covering the polygons' bounding box, snapped to multiples of `cellM`. */
export function gridFor(polygons: readonly PolygonM[], cellM: number): GridSpec {
  const [minX, minY, maxX, maxY] = polygonsBounds(polygons);
  if (!Number.isFinite(minX) || !Number.isFinite(maxX)) return { x0: 0, y0: 0, cellM, cols: 0, rows: 0 };
  const x0 = Math.floor(minX / cellM) * cellM;
  const y0 = Math.floor(minY / cellM) * cellM;
  const cols = Math.max(1, Math.ceil((maxX - x0) / cellM));
  const rows = Math.max(1, Math.ceil((maxY - y0) / cellM));
  return { x0, y0, cellM, cols, rows };
}

/**
 * Mask of the cells whose centre is inside the polygons (1) or not (0), by scanlines: for each
 * row, the crossings of its centre line with every edge, sorted, fill between pairs.
 */
export function rasterizePolygons(polygons: readonly PolygonM[], grid: GridSpec): Uint8Array {
  const { x0, y0, cellM, cols, rows } = grid;
  const mask = new Uint8Array(cols * rows);
  const xs: number[] = [];
  const row = new Uint8Array(cols);
  for (let r = 0; r < rows; r++) {
    const y = y0 + (r + 0.5) * cellM;
    row.fill(0);
    for (const poly of polygons) {
      xs.length = 0;
      for (const ring of poly) {
        const n = ring.length >> 1;
        for (let i = 0, j = n - 1; i < n; j = i++) {
          const yi = ring[2 * i + 1]!, yj = ring[2 * j + 1]!;
          // Half-open rule: an edge counts when y is in [min, max).
          if (yi > y !== yj > y) {
            const xi = ring[2 * i]!, xj = ring[2 * j]!;
            xs.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
          }
        }
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        // Cells whose centre x0 + (c + 0.5)·cell is in [xs[k], xs[k+1]).
        const c0 = Math.max(0, Math.ceil((xs[k]! - x0) / cellM - 0.5));
        const c1 = Math.min(cols - 1, Math.ceil((xs[k + 1]! - x0) / cellM - 0.5) - 1);
        for (let c = c0; c <= c1; c++) row[c] = 1;
      }
    }
    mask.set(row, r * cols);
  }
  return mask;
}

/** Area of a polygon (outer minus holes), square metres, by the shoelace formula. */
export function polygonAreaM2(poly: PolygonM): number {
  let total = 0;
  poly.forEach((ring, k) => {
    total += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring));
  });
  return total;
}
