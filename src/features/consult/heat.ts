/**
 * Density of comments over a consultation's area, for the summary's heat map: a grid of cells,
 * row 0 to the north, column 0 to the west, each counting the points inside it. Pure and
 * deterministic; points outside the area are left out and counted apart.
 */

export interface HeatGrid {
  cols: number;
  rows: number;
  /** Row-major counts, `counts[row * cols + col]`. */
  counts: number[];
  max: number;
  outside: number;
}

export interface AreaDeg {
  west: number;
  south: number;
  east: number;
  north: number;
}

/**
 * Bins points into `cols × rows` cells over the area (a point on the east or north edge goes in
 * the last cell). Throws on a grid of no cells or an empty area.
 */
export function heatGrid(points: readonly { lonDeg: number; latDeg: number }[], area: AreaDeg, cols: number, rows: number): HeatGrid {
  if (!(Number.isInteger(cols) && Number.isInteger(rows) && cols > 0 && rows > 0)) throw new Error(`heatGrid: cols and rows must be positive integers (got ${cols}×${rows})`);
  const w = area.east - area.west, h = area.north - area.south;
  if (!(w > 0 && h > 0)) throw new Error('heatGrid: the area must have west < east and south < north');
  const counts = new Array<number>(cols * rows).fill(0);
  let outside = 0;
  for (const p of points) {
    const fx = (p.lonDeg - area.west) / w, fy = (area.north - p.latDeg) / h;
    if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) {
      outside++;
      continue;
    }
    const col = Math.min(cols - 1, Math.floor(fx * cols)), row = Math.min(rows - 1, Math.floor(fy * rows));
    counts[row * cols + col]!++;
  }
  return { cols, rows, counts, max: counts.reduce((a, b) => Math.max(a, b), 0), outside };
}

/** Rows for a given number of columns so that cells are about square on the ground at this latitude. */
export function rowsForSquareCells(area: AreaDeg, cols: number): number {
  const midLat = ((area.north + area.south) / 2) * (Math.PI / 180);
  const widthM = (area.east - area.west) * Math.cos(midLat);
  const heightM = area.north - area.south;
  return Math.max(1, Math.round((cols * heightM) / Math.max(widthM, 1e-9)));
}
