import '../src/core/schema-config.ts';
import * as Comlink from 'comlink';
import { layerParseApi } from './kernels/layer-parse.ts';

Comlink.expose(layerParseApi, self as unknown as Comlink.Endpoint);
