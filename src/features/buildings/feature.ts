import { buildingPickHandler } from '../../scene/interaction.ts';
import { t } from '../../ui/i18n/index.ts';
import type { AppContext } from '../../app/context.ts';

/**
 * The buildings feature: the city's buildings as items of the info panel (picked in 3D, titled
 * "Building <id>", a building selected in the URL shown again once its tile has loaded), the
 * building statistics of a study area and the scenario indicators on them (see manifest.ts).
 * The buildings themselves are drawn by the shared city scene (src/scene/buildings.ts); the
 * selection highlight follows the app's selection (src/app/boot.ts).
 */
export function install(ctx: AppContext): () => void {
  const offTitle = ctx.setItemTitle('buildings', (item) => `${t('info.title')} ${item.id ?? '?'}`);
  const offCity = ctx.onCity((city) => {
    const buildings = city.scene.buildings;
    if (buildings === null) return;
    const offs: (() => void)[] = [];
    if (ctx.picking !== null) offs.push(ctx.picking.add(buildingPickHandler(buildings)));
    // A building selected in the URL: highlighted now, shown in the info panel once loaded.
    const sel = ctx.state.selected;
    if (sel !== undefined && !sel.includes(':')) {
      buildings.setSelected(sel);
      offs.push(
        buildings.whenLoaded(sel, (f) => {
          if (ctx.state.selected === sel && ctx.city() === city) ctx.select({ layerId: 'buildings', id: sel, properties: buildings.featureProperties(f) });
        }),
      );
    }
    return () => {
      for (const off of offs.reverse()) off();
    };
  });
  return () => {
    offCity();
    offTitle();
  };
}
