// Worker entry: registers tsx (TypeScript) in this thread, since module hooks of the parent are
// not inherited by worker threads, then loads the TypeScript worker. Plain JavaScript so that
// Node can start it in any context (the city CLI under tsx, vitest, the benchmarks).
import { register } from 'tsx/esm/api';

register();
await import('./tile-worker.ts');
