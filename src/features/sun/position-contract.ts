import { z } from 'zod';
import type { SunPositionOutput } from './position-kernel.ts';
import type { MethodCard, SimulationDefinition } from '../../core/simulation/types.ts';
import { isTimeZone } from '../../core/simulation/schemas.ts';

/** `sun-position`: where the Sun is, seen from a place at an instant, and that day's sunrise and sunset. */

export const sunPositionInput = z
  .object({
    latDeg: z.number().min(-90).max(90).describe('latitude, degrees (WGS84)'),
    lonDeg: z.number().min(-180).max(180).describe('longitude, degrees (WGS84)'),
    time: z.iso.datetime({ offset: true }).describe('ISO 8601 instant with Z or an offset, e.g. 2026-06-21T12:00:00Z'),
    timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').optional().describe('IANA time zone for the local date of sunrise and sunset, e.g. Europe/Paris'),
    elevationM: z.number().min(-500).max(9000).default(0).describe('height above the ellipsoid, metres'),
    pressureMbar: z.number().min(300).max(1100).default(1013.25).describe('mean local pressure, millibars (refraction)'),
    temperatureC: z.number().min(-60).max(60).default(12).describe('mean local temperature, °C (refraction)'),
    deltaT: z.number().min(-8000).max(8000).optional().describe('TT − UT1, seconds (default: Espenak–Meeus polynomial)'),
  })
  .strict();

export type SunPositionInput = z.output<typeof sunPositionInput>;

const isoOrNull = z.string().nullable();
export const sunPositionOutput: z.ZodType<SunPositionOutput> = z.object({
  azimuthDeg: z.number().min(0).max(360),
  elevationDeg: z.number().min(-90).max(91),
  zenithDeg: z.number(),
  elevationGeometricDeg: z.number(),
  declinationDeg: z.number(),
  hourAngleDeg: z.number(),
  date: z.string(),
  utcOffsetHours: z.number(),
  sunrise: isoOrNull,
  transit: z.string(),
  sunset: isoOrNull,
  dayKind: z.enum(['normal', 'polar-day', 'polar-night']),
  dayLengthH: z.number().min(0).max(24),
});

export const SPA_CARD: MethodCard = {
  title: { fr: 'Position du Soleil (NREL SPA)', en: 'Sun position (NREL SPA)' },
  summary: {
    fr: 'Azimut et hauteur apparente du Soleil vus d’un lieu à un instant, lever, passage au méridien et coucher du jour.',
    en: 'Azimuth and apparent elevation of the Sun seen from a place at an instant, and that day’s sunrise, transit and sunset.',
  },
  model: {
    fr: 'Algorithme de position solaire du NREL (Reda et Andreas) : position héliocentrique de la Terre par séries périodiques VSOP87 tronquées, nutation, aberration, temps sidéral apparent, parallaxe topocentrique, réfraction atmosphérique standard. Lever et coucher : bord supérieur du disque (h0′ = −0,8333°) sur un horizon plat.',
    en: 'NREL Solar Position Algorithm (Reda and Andreas): Earth’s heliocentric position from truncated VSOP87 periodic series, nutation, aberration, apparent sidereal time, topocentric parallax, standard atmospheric refraction. Sunrise and sunset: upper limb of the disc (h0′ = −0.8333°) on a flat horizon.',
  },
  equations: [
    { label: { fr: 'Jour julien', en: 'Julian day' }, formula: 'JD = t_unix / 86400 + 2440587.5 ;  JDE = JD + ΔT / 86400' },
    { label: { fr: 'Longitude héliocentrique', en: 'Heliocentric longitude' }, formula: 'L = (L0 + L1·JME + L2·JME² + … + L5·JME⁵) / 10⁸,  Li = Σ A·cos(B + C·JME)' },
    { label: { fr: 'Longitude apparente', en: 'Apparent longitude' }, formula: 'λ = L + 180° + Δψ − 20.4898″ / (3600·R)' },
    { label: { fr: 'Déclinaison géocentrique', en: 'Geocentric declination' }, formula: 'δ = asin(sin β·cos ε + cos β·sin ε·sin λ)' },
    { label: { fr: 'Hauteur topocentrique', en: 'Topocentric elevation' }, formula: 'e0 = asin(sin φ·sin δ′ + cos φ·cos δ′·cos H′)' },
    { label: { fr: 'Réfraction', en: 'Refraction' }, formula: 'Δe = (P/1010)·(283/(273+T))·1.02 / (60·tan(e0 + 10.3/(e0 + 5.11)))' },
    { label: { fr: 'Azimut (depuis le nord, sens horaire)', en: 'Azimuth (from north, clockwise)' }, formula: 'Φ = atan2(sin H′, cos H′·sin φ − tan δ′·cos φ) + 180°' },
  ],
  parameters: [
    { name: 'P', value: '1013.25', unit: 'mbar', meaning: { fr: 'pression moyenne (réfraction)', en: 'mean pressure (refraction)' } },
    { name: 'T', value: '12', unit: '°C', meaning: { fr: 'température moyenne (réfraction)', en: 'mean temperature (refraction)' } },
    { name: 'ΔT', value: 'Espenak–Meeus', unit: 's', meaning: { fr: 'TT − UT1', en: 'TT − UT1' } },
    { name: 'h0′', value: '−0.8333', unit: '°', meaning: { fr: 'hauteur du centre au lever et au coucher', en: 'elevation of the centre at sunrise and sunset' } },
  ],
  sources: [
    { label: 'Reda I., Andreas A. (2004), Solar position algorithm for solar radiation applications, Solar Energy 76(5), 577–589', url: 'https://doi.org/10.1016/j.solener.2003.12.003' },
    { label: 'Reda I., Andreas A. (2008), NREL/TP-560-34302, revised (tables A4.2, A4.3, appendix A.2)', url: 'https://www.nrel.gov/docs/fy08osti/34302.pdf' },
    { label: 'Espenak F., Meeus J. (2006), polynomial expressions for ΔT, NASA' },
  ],
  validity: [
    { fr: 'Années −2000 à 6000 ; incertitude ±0,0003° sur la position.', en: 'Years −2000 to 6000; uncertainty ±0.0003° on the position.' },
    { fr: 'La réfraction standard vaut pour une atmosphère moyenne ; près de l’horizon l’écart réel peut atteindre 0,5°.', en: 'Standard refraction is for an average atmosphere; near the horizon the real value may differ by 0.5°.' },
    { fr: 'Lever et coucher sur un horizon plat, sans relief ni bâtiments.', en: 'Sunrise and sunset on a flat horizon, without relief or buildings.' },
  ],
  reference: {
    fr: 'Cas de référence du rapport NREL (17 octobre 2003, 12:30:30 heure de Golden, Colorado) : zénith 50,11162°, azimut 194,34024°, lever 06:12:43, coucher 17:20:19, à 0,0001° près ; hauteur à midi aux solstices à Rennes égale à 90° − φ ± ε plus la réfraction (tests/unit/workers/spa.test.ts).',
    en: 'The NREL report’s reference case (17 October 2003, 12:30:30 Golden, Colorado time): zenith 50.11162°, azimuth 194.34024°, sunrise 06:12:43, sunset 17:20:19, within 0.0001°; noon elevation at Rennes on the solstices equal to 90° − φ ± ε plus refraction (tests/unit/workers/spa.test.ts).',
  },
};

export const sunPositionSimulation: SimulationDefinition<SunPositionInput, SunPositionOutput> = {
  id: 'sun-position',
  version: 1,
  title: { fr: 'Position du Soleil', en: 'Sun position' },
  input: sunPositionInput,
  output: sunPositionOutput,
  card: SPA_CARD,
  needsCity: false,
  seeded: false,
  example: { latDeg: 48.1109, lonDeg: -1.68, time: '2026-06-21T12:00:00Z', timeZone: 'Europe/Paris' },
};
