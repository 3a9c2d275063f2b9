#!/usr/bin/env node
// `jumeau-db <command>`: the database commands (server/cli.ts; --help for the list). In a
// development install (tsx present) it runs the source, as `npm run db:<command>` does; in a
// production install (`npm ci --omit=dev`, no tsx) the compiled copy that `npm run build` wrote
// to dist-server/, which needs no development dependency.
import { runTs, tsxAvailable } from './run-ts.mjs';

if (tsxAvailable()) runTs('server/cli.ts');
else await import(new URL('../dist-server/server/cli.js', import.meta.url).href);
