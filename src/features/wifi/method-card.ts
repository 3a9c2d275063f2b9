import type { MethodCard } from '../../core/simulation/types.ts';
import { P1411 } from './propagation.ts';

/**
 * The method card of `wifi-coverage` (DESIGN.md convention 6): model, equations, parameters with
 * units, sources, validity limits and the checks it was compared with. The panel shows it.
 */

const c = P1411;
export const WIFI_COVERAGE_CARD: MethodCard = {
  title: { fr: 'Couverture wifi', en: 'Wifi coverage' },
  summary: {
    fr: 'Signal reçu (RSSI) du meilleur point d’accès dans chaque maille au niveau de la rue et, en option, sur les façades, bâtiments compris ; part de la surface et des habitants couverts, par quartier et en QPV ; surface de façade et bâtiments couverts ; placement glouton de nouveaux points d’accès.',
    en: 'Received signal (RSSI) of the best access point in each street-level cell and, optionally, on facades, buildings taken into account; share of area and residents covered, per district and in priority areas; facade area and buildings covered; greedy placement of new hotspots.',
  },
  model: {
    fr: 'Affaiblissement de parcours : modèle « site-general » de la Recommandation UIT-R P.1411 (§4.1.1, émetteur et récepteur sous les toits), valeurs médianes. Un rayon lancé du récepteur vers l’antenne à travers les bâtiments (BVH three-mesh-bvh) décide de la visibilité directe. Un trajet obstrué prend la meilleure de deux voies : à travers les bâtiments (perte en visibilité + une perte par mur traversé) ou autour (perte P.1411 hors visibilité, jamais inférieure à celle en visibilité). Le diagramme d’antenne secteur suit 3GPP TR 36.814. Une maille est couverte si son meilleur RSSI atteint le seuil. Habitants : carreaux INSEE de 200 m pondérés par leur part de surface dans la zone (turf), répartis sur leurs mailles au niveau de la rue. Planification : à chaque étape, le site candidat qui ajoute le plus d’habitants couverts (puis de surface). Calcul : pour chaque maille, les points d’accès sont visités du plus fort au plus faible en visibilité directe (bornes supérieures sans logarithme, tas binaire) et la recherche s’arrête quand aucun ne peut battre le meilleur trouvé ; les murs ne sont comptés que tant que traverser peut encore l’emporter ; le triangle qui masquait un point d’accès pour la maille voisine est essayé avant de parcourir le BVH. Ces raccourcis ne changent aucun résultat. Façades (option) : des récepteurs répartis sur les murs des bâtiments dont le centre est dans la zone (suite R2, environ aire / espacement² par triangle de mur, le même échantillonneur que l’ensoleillement), à 0,1 m du mur vers l’extérieur, reçoivent le même calcul ; leur propre mur est derrière eux et ne bloque donc que les points d’accès situés de l’autre côté ; un récepteur qui se trouve sous un toit (mur mitoyen, dans le bâtiment voisin) est écarté. Chacun représente l’aire de mur qui lui revient ; une façade est couverte là où son RSSI atteint le seuil.',
    en: 'Path loss: the site-general model of Recommendation ITU-R P.1411 (§4.1.1, both ends below rooftops), median values. A ray cast from the receiver to the antenna through the buildings (three-mesh-bvh BVH) decides line of sight. An obstructed path takes the stronger of two ways: through the buildings (line-of-sight loss plus a loss per wall crossed) or around them (P.1411 non-line-of-sight loss, never below the line-of-sight one). The sector antenna pattern follows 3GPP TR 36.814. A cell is covered when its best RSSI reaches the threshold. Residents: INSEE 200 m squares weighted by their share of area in the study (turf), spread over their street-level cells. Planning: at each step, the candidate site that adds the most covered residents (then area). Computation: in each cell the access points are visited from the strongest to the weakest in line of sight (logarithm-free upper bounds, a binary heap) and the search stops when none can beat the best found; walls are counted only while going through can still win; the triangle that hid an access point from the neighbouring cell is tried before traversing the BVH. None of these shortcuts changes a result. Facades (option): receivers spread over the walls of the buildings whose centre is in the area (R2 sequence, about area / spacing² per wall triangle, the same sampler as sun hours), 0.1 m off the wall outwards, get the same computation; their own wall is behind them, so it blocks only access points on its other side; a receiver under a roof (a party wall, inside the neighbouring building) is left out. Each stands for its share of wall area; a facade is covered where its RSSI reaches the threshold.',
  },
  equations: [
    { label: { fr: 'Affaiblissement P.1411 (médiane)', en: 'P.1411 loss (median)' }, formula: 'L(d, f) = 10·α·log10(d) + β + 10·γ·log10(f),   d distance 3D (m), f (GHz)' },
    { label: { fr: 'Espace libre (UIT-R P.525, contrôle)', en: 'Free space (ITU-R P.525, check)' }, formula: 'L_fs = 20·log10(4π·d·f / c)   (100 m à 2,4 GHz : 80,05 dB)' },
    { label: { fr: 'Trajet obstrué', en: 'Obstructed path' }, formula: 'L = min( L_LoS + n_murs·L_mur ,  max(L_NLoS, L_LoS) )' },
    { label: { fr: 'Signal reçu', en: 'Received signal' }, formula: 'RSSI = PIRE + G(φ) − L ;   G(φ) = −min(12·(φ/φ3dB)², A_m) (secteur), 0 (omni)' },
    { label: { fr: 'Façades couvertes', en: 'Facades covered' }, formula: 'A_couverte = Σ_récepteurs (A_triangle / n_triangle) · [RSSI ≥ seuil] ;  n_triangle = max(1, round(A_triangle / espacement²))' },
    { label: { fr: 'Habitants couverts', en: 'Residents covered' }, formula: 'R = Σ_carreaux P · (A(carreau ∩ zone)/A(carreau)) · (mailles couvertes / mailles de rue du carreau)' },
  ],
  parameters: [
    { name: 'LoS α, β, γ (σ)', value: `${c.los.alpha}, ${c.los.beta}, ${c.los.gamma} (${c.los.sigmaDb} dB)`, unit: '', meaning: { fr: 'visibilité directe, rue urbaine ; valable 0,8–73 GHz, 5–660 m', en: 'line of sight, urban street; valid 0.8–73 GHz, 5–660 m' } },
    { name: 'NLoS urban α, β, γ (σ)', value: `${c.nlos.urban.alpha}, ${c.nlos.urban.beta}, ${c.nlos.urban.gamma} (${c.nlos.urban.sigmaDb} dB)`, unit: '', meaning: { fr: 'hors visibilité, urbain dense ; valable 0,8–38 GHz, 30–715 m', en: 'non line of sight, urban high-rise; valid 0.8–38 GHz, 30–715 m' } },
    { name: 'NLoS residential α, β, γ (σ)', value: `${c.nlos.residential.alpha}, ${c.nlos.residential.beta}, ${c.nlos.residential.gamma} (${c.nlos.residential.sigmaDb} dB)`, unit: '', meaning: { fr: 'hors visibilité, résidentiel ; valable 0,8–73 GHz, 30–170 m', en: 'non line of sight, residential; valid 0.8–73 GHz, 30–170 m' } },
    { name: 'f', value: '2.4 / 5.5', unit: 'GHz', meaning: { fr: 'fréquence des bandes 2,4 et 5 GHz', en: 'frequency of the 2.4 and 5 GHz bands' } },
    { name: 'eirpDbm', value: '20', unit: 'dBm', meaning: { fr: 'PIRE par défaut (limite européenne à 2,4 GHz, ETSI EN 300 328)', en: 'default EIRP (European limit at 2.4 GHz, ETSI EN 300 328)' } },
    { name: 'heightM', value: '4', unit: 'm', meaning: { fr: 'hauteur d’antenne par défaut (mobilier urbain, façade)', en: 'default antenna height (street furniture, facade)' } },
    { name: 'receiverHeightM', value: '1.5', unit: 'm', meaning: { fr: 'hauteur du terminal', en: 'receiver height' } },
    { name: 'thresholdDbm', value: '−70', unit: 'dBm', meaning: { fr: 'seuil de couverture (service web confortable)', en: 'coverage threshold (comfortable web use)' } },
    { name: 'floorDbm', value: '−95', unit: 'dBm', meaning: { fr: 'en dessous : pas de signal', en: 'below: no signal' } },
    { name: 'wallLossDb', value: '10', unit: 'dB', meaning: { fr: 'perte par mur traversé (hypothèse : mur maçonné à 2,4 GHz, cf. UIT-R P.2040 / P.1238)', en: 'loss per wall crossed (assumption: masonry wall at 2.4 GHz, cf. ITU-R P.2040 / P.1238)' } },
    { name: 'A_m, φ3dB', value: '20, 90', unit: 'dB, °', meaning: { fr: 'antenne secteur : atténuation maximale, ouverture', en: 'sector antenna: largest attenuation, beamwidth' } },
    { name: 'cellM', value: '4', unit: 'm', meaning: { fr: 'taille des mailles', en: 'cell size' } },
    { name: 'facades.spacingM', value: '3 (1–20)', unit: 'm', meaning: { fr: 'espacement des récepteurs sur les façades (option)', en: 'spacing of facade receivers (option)' } },
    { name: 'FACADE_OFFSET_M', value: '0.1', unit: 'm', meaning: { fr: 'distance du récepteur de façade à son mur', en: 'distance of a facade receiver off its wall' } },
  ],
  sources: [
    { label: 'ITU-R P.1411-10 (2019), Propagation data and prediction methods for the planning of short-range outdoor radiocommunication systems… §4.1.1, Table 4', url: 'https://www.itu.int/rec/R-REC-P.1411' },
    { label: 'ITU-R P.525-4, Calculation of free-space attenuation', url: 'https://www.itu.int/rec/R-REC-P.525' },
    { label: '3GPP TR 36.814 v9.2.0, Table A.2.1.1-2 (sector antenna pattern)' },
    { label: 'INSEE, Filosofi 200 m population squares (population grid layer)' },
    { label: 'Nemhauser, Wolsey, Fisher (1978), An analysis of approximations for maximizing submodular set functions (greedy bound 1 − 1/e)' },
    { label: 'three-mesh-bvh 0.9 (MIT)', url: 'https://github.com/gkjohnson/three-mesh-bvh' },
  ],
  validity: [
    { fr: 'Valeurs médianes : le modèle a un écart type de 5 à 8 dB autour d’elles ; un seuil à −70 dBm est donc atteint environ une fois sur deux au bord de la zone couverte.', en: 'Median values: the model has a standard deviation of 5 to 8 dB around them, so a −70 dBm threshold is reached about half the time at the edge of the covered area.' },
    { fr: 'Distances valables : 5–660 m en visibilité, 30–715 m hors visibilité (urbain) ; plus près, la formule est prolongée (au moins 1 m) ; au-delà de maxRangeM, ignoré.', en: 'Valid distances: 5–660 m in line of sight, 30–715 m out of it (urban); closer, the formula is extended (at least 1 m); beyond maxRangeM, ignored.' },
    { fr: 'Extérieur : au niveau de la rue et, en option, juste devant les façades ; l’intérieur des bâtiments n’est pas calculé (ajouter la perte d’un mur pour un récepteur juste derrière la façade). Façades : les murs doivent être orientés vers l’extérieur (triangles dans le sens direct vus du dehors), comme pour l’ensoleillement ; les candidats à la planification ne comptent que les mailles de rue.', en: 'Outdoors: at street level and, optionally, just in front of facades; inside buildings is not computed (add one wall loss for a receiver just behind the facade). Facades: walls must face outwards (triangles counter-clockwise seen from outside), as for sun hours; planning candidates count street cells only.' },
    { fr: 'Bâtiments LOD1 (sans arbres, véhicules ni mobilier) ; la perte par mur est une hypothèse à adapter aux matériaux.', en: 'LOD1 buildings (no trees, vehicles or street furniture); the wall loss is an assumption to adapt to materials.' },
    { fr: 'Pas d’interférences entre points d’accès, ni de capacité (nombre d’utilisateurs).', en: 'No interference between access points, and no capacity (number of users).' },
    { fr: 'Habitants supposés répartis uniformément sur les mailles de rue de leur carreau.', en: 'Residents assumed evenly spread over the street cells of their square.' },
  ],
  reference: {
    fr: 'Contrôles (tests/unit/workers/wifi-coverage.test.ts) : espace libre 100 m à 2,4 GHz = 80,05 dB ; valeurs P.1411 = formule de la Recommandation à 10, 50, 100 et 400 m ; RSSI décroissant avec la distance ; un mur entre point d’accès et récepteur retire exactement la perte par mur ; résultats identiques octet pour octet entre exécutions, entre 1, 2 ou 3 parts, et avec le noyau d’avant les optimisations (conservé comme référence, tests/unit/workers/wifi-coverage-v1.ts) ; façades : un mur face au point d’accès reçoit exactement la valeur en visibilité, le mur opposé du même bâtiment la valeur à travers deux murs ou par contournement, mêmes octets pour 1, 2 ou 3 parts, résultats de rue inchangés, pas de récepteur sur un mur mitoyen ; glouton comparé à la recherche exhaustive sur de petits cas.',
    en: 'Checks (tests/unit/workers/wifi-coverage.test.ts): free space 100 m at 2.4 GHz = 80.05 dB; P.1411 values = the Recommendation’s formula at 10, 50, 100 and 400 m; RSSI decreasing with distance; a wall between access point and receiver removes exactly the wall loss; results identical byte for byte between runs, between 1, 2 or 3 parts, and with the kernel before the speed work (kept as the reference, tests/unit/workers/wifi-coverage-v1.ts); facades: a wall facing the access point gets exactly the line-of-sight value, the opposite wall of the same building the through-two-walls or around value, the same bytes for 1, 2 or 3 parts, street results unchanged, no receiver on a party wall; greedy compared with exhaustive search on small cases.',
  },
};
