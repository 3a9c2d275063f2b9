import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initialNetworkState, isSwNetworkMessage, nextNetworkState, nextProbeDelayMs, probeNow, type NetworkEvidence } from '../../../src/core/network-status.ts';

describe('network status', () => {
  it('does not trust navigator.onLine: a failed probe means offline even when the browser says online', () => {
    const s = nextNetworkState(initialNetworkState(true), { kind: 'probe', ok: false });
    expect(s.offline).toBe(true);
    expect(s.reason).toBe('probe');
  });

  it('the browser online event is a hint: the badge goes only when a probe confirms', () => {
    let s = nextNetworkState(initialNetworkState(true), { kind: 'browser-offline' });
    expect(s.offline).toBe(true);
    s = nextNetworkState(s, { kind: 'browser-online' });
    expect(s.offline).toBe(true);
    expect(probeNow({ kind: 'browser-online' })).toBe(true);
    s = nextNetworkState(s, { kind: 'probe', ok: true });
    expect(s.offline).toBe(false);
  });

  it('the service worker answering from its cache means offline, and its network success clears it', () => {
    let s = nextNetworkState(initialNetworkState(true), { kind: 'sw-cache-fallback' });
    expect(s).toMatchObject({ offline: true, reason: 'service-worker' });
    s = nextNetworkState(s, { kind: 'sw-network-ok' });
    expect(s.offline).toBe(false);
  });

  it('probes back off while offline (3 s doubling to 15 s) and rarely while online', () => {
    let s = initialNetworkState(true);
    expect(nextProbeDelayMs(s)).toBe(60_000);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      s = nextNetworkState(s, { kind: 'probe', ok: false });
      delays.push(nextProbeDelayMs(s));
    }
    expect(delays).toEqual([3_000, 6_000, 12_000, 15_000, 15_000, 15_000, 15_000]);
    s = nextNetworkState(s, { kind: 'probe', ok: true });
    expect(s.failures).toBe(0);
  });

  it('the last piece of evidence decides (property)', () => {
    const ev = fc.constantFrom<NetworkEvidence>(
      { kind: 'browser-offline' },
      { kind: 'browser-online' },
      { kind: 'probe', ok: true },
      { kind: 'probe', ok: false },
      { kind: 'sw-cache-fallback' },
      { kind: 'sw-network-ok' },
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(ev), ev, (start, seq, last) => {
        const s = [...seq, last].reduce(nextNetworkState, initialNetworkState(start));
        if (last.kind === 'browser-online') return; // a hint only
        const expected = last.kind === 'browser-offline' || last.kind === 'sw-cache-fallback' || (last.kind === 'probe' && !last.ok);
        expect(s.offline).toBe(expected);
        expect(nextProbeDelayMs(s)).toBeGreaterThan(0);
        expect(nextProbeDelayMs(s)).toBeLessThanOrEqual(60_000);
      }),
    );
  });

  it('recognises only well-formed service worker messages', () => {
    expect(isSwNetworkMessage({ type: 'jumeau-network', online: false })).toBe(true);
    expect(isSwNetworkMessage({ type: 'jumeau-network', online: 'no' })).toBe(false);
    expect(isSwNetworkMessage(null)).toBe(false);
    expect(isSwNetworkMessage('jumeau-network')).toBe(false);
  });
});
