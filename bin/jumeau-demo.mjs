#!/usr/bin/env node
// `jumeau-demo`: the same as `npm run demo --` (tools/demo/cli.ts; --help for its usage).
import { runTs } from './run-ts.mjs';

runTs('tools/demo/cli.ts');
