import type { Tour, TourStop } from './model.ts';

/**
 * The sample tour of the demo city, shipped with the app (shown with a "sample" badge in the tours
 * panel, and at `?tour=demo-tour`). The demo city is synthetic, and the captions say so. Building
 * ids are those of `npm run demo` (seed 20260621): the towers south of the centre.
 */

export const SAMPLE_TOUR_ID = 'demo-tour';

type Texts = { name: string; description: string; stops: [string, string][] };

const TEXTS: Record<'fr' | 'en', Texts> = {
  fr: {
    name: 'Visite du quartier de démonstration',
    description: 'Visite d’exemple en trois arrêts sur la ville de démonstration (bâtiments synthétiques).',
    stops: [
      ['Le quartier', '**Quartier de démonstration** — bâtiments *synthétiques*, posés sur le centre de Rennes.\n\nUtilisez ← → pour avancer, espace pour la pause, Échap pour sortir.'],
      ['Les tours', '## Les tours du sud\n\nLes trois plus hautes tours sont en surbrillance :\n- 94 m, 85 m et 83 m\n- lumière du soir, le 21 juin à 19 h 30'],
      ['Les transports', 'Lignes et stations de **métro** (données ouvertes de Rennes Métropole) au-dessus du quartier synthétique.\n\n[Données ouvertes](https://data.rennesmetropole.fr/)'],
    ],
  },
  en: {
    name: 'Tour of the demo district',
    description: 'A three-stop sample tour of the demo city (synthetic buildings).',
    stops: [
      ['The district', '**Demo district** — *synthetic* buildings laid over central Rennes.\n\nUse ← → to move on, space to pause, Esc to leave.'],
      ['The towers', '## The southern towers\n\nThe three tallest towers are highlighted:\n- 94 m, 85 m and 83 m\n- evening light, 21 June at 7:30 pm'],
      ['Transport', '**Metro** lines and stations (Rennes Métropole open data) over the synthetic district.\n\n[Open data](https://data.rennesmetropole.fr/)'],
    ],
  },
};

const DEFAULT_LAYERS = [
  { id: 'demo-streets', opacity: 1, variant: 'ribbons' },
  { id: 'demo-squares', opacity: 1, variant: 'areas' },
];

function stops(texts: Texts): TourStop[] {
  const [a, b, c] = texts.stops;
  return [
    {
      id: 'overview',
      title: a![0],
      caption: a![1],
      camera: { lonDeg: -1.6805, latDeg: 48.0945, heightM: 1100, headingDeg: 0, pitchDeg: -35, rollDeg: 0 },
      flightS: 2,
      holdS: 10,
      scenarioId: null,
      layers: null,
      timeMs: Date.UTC(2026, 5, 21, 10, 0),
      highlight: [],
    },
    {
      id: 'towers',
      title: b![0],
      caption: b![1],
      camera: { lonDeg: -1.6775, latDeg: 48.0985, heightM: 360, headingDeg: 12, pitchDeg: -27, rollDeg: 0 },
      flightS: 3,
      holdS: 12,
      scenarioId: null,
      layers: null,
      timeMs: Date.UTC(2026, 5, 21, 17, 30),
      highlight: ['D01594', 'D01168', 'D01177'],
    },
    {
      id: 'transport',
      title: c![0],
      caption: c![1],
      camera: { lonDeg: -1.6905, latDeg: 48.0985, heightM: 1500, headingDeg: 40, pitchDeg: -45, rollDeg: 0 },
      flightS: 3,
      holdS: 12,
      scenarioId: null,
      layers: [...DEFAULT_LAYERS, { id: 'metro-lines', opacity: 1, variant: 'lines' }, { id: 'metro-stations', opacity: 1, variant: 'points' }],
      timeMs: Date.UTC(2026, 5, 21, 12, 0),
      highlight: [],
    },
  ];
}

/** The sample tours for a city, in the given language (none for other cities). */
export function sampleTours(cityId: string, lang: 'fr' | 'en'): Tour[] {
  if (cityId !== 'demo') return [];
  const texts = TEXTS[lang];
  return [
    {
      format: 'jumeau-tour',
      version: 1,
      id: SAMPLE_TOUR_ID,
      name: texts.name,
      cityId: 'demo',
      description: texts.description,
      autoAdvance: false,
      loop: false,
      stops: stops(texts),
      sample: true,
    },
  ];
}
