import { describe, expect, it } from 'vitest';
import { lazySimulationClient } from '../../../src/simulations/client.ts';
import type { WorkerPool } from '../../../src/simulations/pool.ts';

describe('lazy simulation client', () => {
  it('starts its pool on first use only, once, and stops it on dispose', () => {
    let created = 0, disposed = 0;
    const pool = { dispose: () => void disposed++ } as unknown as WorkerPool;
    const sims = lazySimulationClient(() => {
      created++;
      return pool;
    });
    sims.cancel('sun-hours');
    sims.dispose();
    expect([created, disposed]).toEqual([0, 0]);
    const c = sims.get();
    expect(sims.get()).toBe(c);
    expect(c.pool).toBe(pool);
    expect(created).toBe(1);
    sims.dispose();
    expect(disposed).toBe(1);
  });

  it('on a shared pool, disposing one feature cancels only its own runs and leaves the pool running', async () => {
    const pending: { signal: AbortSignal; resolve: (r: unknown) => void }[] = [];
    let disposed = 0;
    const pool = {
      size: 1,
      run: (_job: unknown, o: { signal?: AbortSignal } = {}) =>
        new Promise((resolve) => {
          pending.push({ signal: o.signal!, resolve });
          o.signal?.addEventListener('abort', () => resolve({ ok: false, error: { code: 'cancelled', message: 'cancelled' } }));
        }),
      stats: () => ({}),
      dispose: () => void disposed++,
    } as unknown as WorkerPool;
    const sun = lazySimulationClient(() => pool, { owned: false });
    const wifi = lazySimulationClient(() => pool, { owned: false });
    const input = { latDeg: 48.11, lonDeg: -1.68, time: '2026-06-21T12:00:00Z' };
    const a = sun.get().run('sun-position', input);
    const b = wifi.get().run('sun-position', input);
    expect(pending).toHaveLength(2);
    sun.dispose();
    expect((await a).ok).toBe(false);
    expect(pending[0]!.signal.aborted).toBe(true);
    expect(pending[1]!.signal.aborted).toBe(false);
    expect(disposed).toBe(0);
    pending[1]!.resolve({ ok: true, value: { azimuthDeg: 180 } });
    expect(await b).toMatchObject({ ok: true, value: { azimuthDeg: 180 } });
  });
});
