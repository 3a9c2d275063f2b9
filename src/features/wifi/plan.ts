import type { PolygonM } from '../../core/grid.ts';
import { KernelError } from '../../core/simulation/kernel.ts';
import type { CityGeometry } from '../../city/analysis/geometry.ts';
import type { P1411Environment, Transmitter } from './propagation.ts';

/**
 * The plan of the wifi coverage kernel (kernel.ts): a study moved into the model frame (the
 * contract's `planWifi` builds it), its facade limits and its checks.
 */

export interface WifiPlan {
  /** Study area polygons in the model frame. */
  polygons: PolygonM[];
  cellM: number;
  receiverHeightM: number;
  /** A cell is covered at or above this RSSI, dBm. */
  thresholdDbm: number;
  /** RSSI below this is "no signal" (not searched for), dBm. */
  floorDbm: number;
  wallLossDb: number;
  environment: P1411Environment;
  /** Transmitters farther than this from a cell are ignored, m. */
  maxRangeM: number;
  groundHeightM: number | null;
  /** Access points in service (open data and scenario). */
  servers: Transmitter[];
  /** Candidate sites for new hotspots. */
  candidates: Transmitter[];
  /** Facade receivers, `spacingM` apart on the walls of the buildings in the area; none when absent or null. */
  facades?: { spacingM: number } | null;
  part: { index: number; count: number };
}

/** Distance of a facade receiver off its wall, m ("just outside"). */
export const FACADE_OFFSET_M = 0.1;
/** Limits of the facade spacing, m. */
export const FACADE_SPACING_M = { min: 1, max: 20 } as const;
/** Most facade receivers one part may have (memory: about 34 bytes each). */
export const MAX_FACADE_RECEIVERS = 1_000_000;

/** Refuses a plan the kernel cannot run (a KernelError naming the field). */
export function checkPlan(plan: WifiPlan, g: CityGeometry): void {
  if (!(plan.cellM > 0)) throw new KernelError('bad-input', 'cell size must be positive', 'cellM');
  if (!(plan.wallLossDb >= 0)) throw new KernelError('bad-input', 'wall loss must not be negative', 'wallLossDb');
  if (plan.facades !== undefined && plan.facades !== null && !(plan.facades.spacingM >= FACADE_SPACING_M.min && plan.facades.spacingM <= FACADE_SPACING_M.max)) throw new KernelError('bad-input', `facade spacing must be between ${FACADE_SPACING_M.min} and ${FACADE_SPACING_M.max} m`, 'facades.spacingM');
  if (plan.servers.length > 32_767) throw new KernelError('bad-input', 'at most 32,767 access points', 'accessPoints');
  if (g.vertexBuilding.length * 3 !== g.positions.length) throw new KernelError('bad-geometry', 'one building number per vertex is needed');
  const { index, count } = plan.part;
  if (!(Number.isInteger(index) && Number.isInteger(count) && count >= 1 && index >= 0 && index < count)) throw new KernelError('bad-input', `invalid part ${index} of ${count}`, 'part');
}
