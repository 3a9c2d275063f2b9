#!/usr/bin/env node
// `jumeau-city`: the same as `npm run city --` (tools/city/cli.ts; --help for its usage).
import { runTs } from './run-ts.mjs';

runTs('tools/city/cli.ts');
