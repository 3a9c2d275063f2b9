import * as Comlink from 'comlink';
import { userCityApi } from './kernels/userdata-city.ts';
import { userParseApi } from './kernels/userdata-parse.ts';

Comlink.expose({ ...userParseApi, ...userCityApi }, self as unknown as Comlink.Endpoint);
