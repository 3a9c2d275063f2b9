import '../src/core/schema-config.ts';
import * as Comlink from 'comlink';
import { createRuntime, fetchBytesWithLimits } from './runtime.ts';

/** The simulation worker: the runtime, exposed over Comlink. */
Comlink.expose(createRuntime({ fetchBytes: fetchBytesWithLimits(), transfer: Comlink.transfer }), self as unknown as Comlink.Endpoint);
