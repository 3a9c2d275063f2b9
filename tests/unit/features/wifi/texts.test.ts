import { afterEach, describe, expect, it } from 'vitest';
import { rssiRamp } from '../../../../src/core/simulation/display.ts';
import type { WifiCoverageOutput } from '../../../../src/features/wifi/contract.ts';
import { PLANNED_COLOR, type WifiShown } from '../../../../src/features/wifi/controller.ts';
import { hotspotItems, openDataText, progressText, resultView } from '../../../../src/features/wifi/texts.ts';
import { setLang } from '../../../../src/ui/i18n/index.ts';

/** The wifi panel's texts from the controller's data (English, for readable expectations). */

const tally = (cells: number, coveredCells: number, residents: number, coveredResidents: number) => ({ cells, coveredCells, residents, coveredResidents });

function shown(o: Partial<WifiShown> & { picks?: string[]; priority?: boolean; planned?: boolean } = {}): WifiShown {
  const output = {
    kpi: { ...tally(200, 50, 1000, 300), cellAreaM2: 16, areaShare: 0.25, residentsShare: 0.3, unplacedResidents: 0, hasPopulation: true, districts: [{ name: 'Centre', ...tally(100, 10, 200, 20) }, { name: 'Gare', ...tally(100, 40, 800, 280) }], priority: o.priority === true ? { inside: tally(20, 10, 100, 80), outside: tally(180, 40, 900, 220) } : null },
    picks: (o.picks ?? []).map((id, k) => ({ id, candidate: k, residentsGain: 120, areaGainM2: 480, residentsAfter: 420, areaAfterM2: 1280 })),
    facades: null,
    plannedCovered: o.planned === true ? new Uint8Array(200) : null,
    rays: 5000,
    thresholdDbm: -70,
  } as unknown as WifiCoverageOutput;
  return { output, apCount: 2, ms: 2500, workers: 3, qpvData: false, ramp: rssiRamp(-95), nameOf: (id) => (id === 'square:1' ? 'Place Hoche' : id), askedToPlace: false, synthetic: false, ...o };
}

describe('wifi texts', () => {
  afterEach(() => setLang('fr'));

  it('key figures, districts by residents, proposed hotspots with their gain, the planned legend', () => {
    setLang('en');
    const v = resultView(shown({ picks: ['square:1'], planned: true, synthetic: true }));
    expect(v.title).toContain('-70');
    expect(v.lines[0]).toBe('Area covered (street level): 25 % of 3,200 m²');
    expect(v.lines.at(-1)).toContain('3');
    expect(v.districts.map((d) => d.split(':')[0])).toEqual(['Gare', 'Centre']);
    expect(v.picks).toEqual(['1. Place Hoche: +120 residents, +480 m² → 42 % of residents']);
    expect(v.extraLegend).toEqual([{ label: 'covered by the proposed hotspots', color: PLANNED_COLOR }]);
    expect(v.note).toContain('Synthetic');
  });

  it('says when no candidate was placed, and how priority areas compare (or that there are none)', () => {
    setLang('en');
    expect(resultView(shown({ askedToPlace: true })).picks).toEqual(['No candidate adds coverage.']);
    expect(resultView(shown()).picks).toEqual([]);
    expect(resultView(shown({ priority: true })).lines).toContain('In priority areas (QPV): 80 % of residents covered · elsewhere: 24.4 %');
    expect(resultView(shown({ qpvData: true })).lines).toContain('No priority area (QPV) in the area.');
    expect(resultView(shown()).lines.some((l) => l.includes('QPV'))).toBe(false);
  });

  it('lists the scenario access points, the open data state and progress', () => {
    setLang('en');
    const [item] = hotspotItems([{ id: 'H1', lonDeg: 0, latDeg: 0, heightM: 4, eirpDbm: 20, band: '5', azimuthDeg: 90, groundM: 0 }]);
    expect(item!.id).toBe('H1');
    expect(item!.label).toContain('H1');
    expect(item!.label).toContain('90°');
    expect(openDataText({ state: 'loaded', count: 3, source: 'pack' })).toBe('3 access point(s) in service in the open data (pack).');
    expect(progressText({ stage: 'rays', done: 1, total: 4 })).toEqual(['Casting rays… 25 %', 0.25]);
    expect(progressText({ stage: 'city', done: 0, total: 0 })).toEqual(['Loading buildings…', 0]);
  });
});
