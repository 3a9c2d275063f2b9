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
});
