#!/usr/bin/env node
// `jumeau-bench`: the same as `npm run bench --` (bench/run.ts; --help for its usage).
import { runTs } from './run-ts.mjs';

runTs('bench/run.ts');
