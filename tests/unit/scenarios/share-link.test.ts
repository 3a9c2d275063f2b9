import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUrlState, serializeUrlState } from '../../../src/core/url-state.ts';
import { COMPARE_MODES, isStudyDate, readCompareLink, writeCompareLink, type CompareLink } from '../../../src/features/scenarios/share.ts';

describe('share link: comparison mode and indicators (cmp, kpi)', () => {
  it('round-trips through the page URL with the scenario parameter', () => {
    const state = parseUrlState('?city=demo&scn=1.abc').state;
    writeCompareLink(state.extra, { mode: 'sync', kpiDate: '2026-12-21' });
    const url = serializeUrlState(state);
    expect(url).toContain('cmp=sync');
    expect(url).toContain('kpi=2026-12-21');
    const back = parseUrlState(url).state;
    expect(back.extra.scn).toBe('1.abc');
    expect(readCompareLink(back.extra)).toEqual({ value: { mode: 'sync', kpiDate: '2026-12-21' }, issues: [] });
  });

  it('removes the parameters when there is nothing to say', () => {
    const extra: Record<string, string> = { cmp: 'split', kpi: '2026-06-21', scn: '1.x' };
    writeCompareLink(extra, { mode: null, kpiDate: null });
    expect(extra).toEqual({ scn: '1.x' });
  });

  it('reports malformed values by name and keeps the rest', () => {
    const r = readCompareLink({ cmp: 'side-by-side', kpi: '2026-02-30' });
    expect(r.value).toEqual({ mode: null, kpiDate: null });
    expect(r.issues.map((i) => i.param)).toEqual(['cmp', 'kpi']);
    expect(r.issues[0]!.reason).toContain('split, sync');
    expect(r.issues[1]!.reason).toContain('YYYY-MM-DD');
    expect(readCompareLink({ cmp: 'split', kpi: 'yesterday' })).toMatchObject({ value: { mode: 'split', kpiDate: null }, issues: [{ param: 'kpi', value: 'yesterday' }] });
  });

  it('accepts only real calendar dates in 1900–2199', () => {
    expect(isStudyDate('2024-02-29')).toBe(true);
    expect(isStudyDate('2023-02-29')).toBe(false);
    expect(isStudyDate('1899-12-31')).toBe(false);
    expect(isStudyDate('2200-01-01')).toBe(false);
    expect(isStudyDate('2026-6-21')).toBe(false);
  });

  it('never throws and round-trips every valid pair (fuzzed)', () => {
    const date = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2199, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const link = fc.record({ mode: fc.constantFrom<CompareLink['mode']>(null, ...COMPARE_MODES), kpiDate: fc.option(date, { nil: null }) });
    fc.assert(
      fc.property(link, (l) => {
        const state = parseUrlState('?city=demo').state;
        writeCompareLink(state.extra, l);
        expect(readCompareLink(parseUrlState(serializeUrlState(state)).state.extra)).toEqual({ value: l, issues: [] });
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('cmp', 'kpi', 'x'), fc.string({ maxLength: 30 })), (extra) => {
        const r = readCompareLink(extra);
        expect(r.issues.length + (r.value.mode !== null ? 1 : 0) + (r.value.kpiDate !== null ? 1 : 0)).toBe(('cmp' in extra ? 1 : 0) + ('kpi' in extra ? 1 : 0));
      }),
    );
  });
});
