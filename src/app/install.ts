import type { AppContext } from './context.ts';
import { FEATURE_LIST } from './features.ts';
import type { FeatureManifest } from './manifest.ts';

/** A feature as the app installs it: its manifest and its `install` (from its feature.ts). */
export interface FeatureModule extends FeatureManifest {
  /** Adds the feature to the app; returns what removes everything it added (convention 5). */
  install(ctx: AppContext): () => void;
}

type FeatureFile = { install?: unknown };

/**
 * Every `src/features/<id>/feature.ts`, found by folder (Vite's glob import), so the feature list
 * stays the only list: a manifest there is joined with the `install` of the feature.ts beside it.
 */
const FILES = import.meta.glob<FeatureFile>('../features/*/feature.ts', { eager: true });

/**
 * The features to install, in list order. A manifest without a feature.ts exporting
 * `install(ctx)`, or a feature.ts no manifest names, is a programming error named here (a unit
 * test runs this too).
 */
export function featureModules(files: Record<string, FeatureFile> = FILES, list: readonly FeatureManifest[] = FEATURE_LIST): FeatureModule[] {
  const named = new Set(list.map((m) => `../features/${m.id}/feature.ts`));
  const stray = Object.keys(files).filter((k) => !named.has(k));
  if (stray.length > 0) throw new Error(`${stray.join(', ')}: not in the feature list (src/app/features.ts)`);
  return list.map((m) => {
    const install = files[`../features/${m.id}/feature.ts`]?.install;
    if (typeof install !== 'function') throw new Error(`src/features/${m.id}/feature.ts must export install(ctx) (feature '${m.id}' is in src/app/features.ts)`);
    return { ...m, install: install as FeatureModule['install'] };
  });
}
