import type { AppContext } from '../../app/context.ts';

/**
 * The buildings feature: building statistics of a study area and the scenario indicators on
 * them (see manifest.ts). The city's buildings themselves are drawn by the shared city scene
 * (src/scene/buildings.ts); this feature adds no panel of its own yet.
 */
export function install(_ctx: AppContext): () => void {
  return () => {};
}
