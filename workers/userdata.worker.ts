import * as Comlink from 'comlink';
import { userParseApi } from './kernels/userdata-parse.ts';

Comlink.expose(userParseApi, self as unknown as Comlink.Endpoint);
