import { bundle } from '../../core/messages.ts';

/** Messages of the measurement tools. */
export const measureMessages = bundle(
  {
    'measure.toolbar': 'Mesurer',
    'measure.title': 'Mesures',
    'measure.distance': 'Distance',
    'measure.height': 'Hauteur',
    'measure.area': 'Surface',
    'measure.clear': 'Effacer',
    'measure.hint': 'Cliquez des points sur les toits, les façades ou le sol ; double-clic ou Entrée pour finir, Retour arrière retire le dernier point.',
    'measure.hintHeight': 'Cliquez le point bas puis le point haut (par exemple le pied et le toit d’un bâtiment).',
    'measure.distanceResult': '{length} m (horizontale {horizontal} m, dénivelé {rise} m)',
    'measure.heightResult': 'Hauteur {height} m (écart horizontal {horizontal} m)',
    'measure.areaResult': '{horizontal} m² au sol, {plane} m² dans son plan, périmètre {perimeter} m',
    'measure.none': 'Choisissez une mesure puis cliquez sur la vue 3D.',
  },
  {
    'measure.toolbar': 'Measure',
    'measure.title': 'Measurements',
    'measure.distance': 'Distance',
    'measure.height': 'Height',
    'measure.area': 'Area',
    'measure.clear': 'Clear',
    'measure.hint': 'Click points on roofs, facades or the ground; double-click or Enter to finish, Backspace removes the last point.',
    'measure.hintHeight': 'Click the low point, then the high point (e.g. the foot and the roof of a building).',
    'measure.distanceResult': '{length} m (horizontal {horizontal} m, rise {rise} m)',
    'measure.heightResult': 'Height {height} m (horizontal offset {horizontal} m)',
    'measure.areaResult': '{horizontal} m² on the ground, {plane} m² in its plane, perimeter {perimeter} m',
    'measure.none': 'Choose a measurement, then click on the 3D view.',
  },
);
