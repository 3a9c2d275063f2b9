#!/usr/bin/env node
// `jumeau-sim`: the same as `npm run sim --` (tools/sim/cli.ts; --help for its usage).
import { runTs } from './run-ts.mjs';

runTs('tools/sim/cli.ts');
