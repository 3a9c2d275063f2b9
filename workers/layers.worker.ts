import '../src/core/schema-config.ts';
import * as Comlink from 'comlink';
import { layerParseApi } from '../src/layers/parse/kernel.ts';

Comlink.expose(layerParseApi, self as unknown as Comlink.Endpoint);
