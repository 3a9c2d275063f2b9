import * as Comlink from 'comlink';
import type { UserCityApi } from './kernels/userdata-city.ts';
import { userParseApi } from './kernels/userdata-parse.ts';

// The city pipeline (proj4, saxes, gltf-transform) is loaded on the first CityGML/CityJSON file only.
const userCityApi: UserCityApi = { buildUserCity: async (req) => (await import('./kernels/userdata-city.ts')).buildUserCity(req) };

Comlink.expose({ ...userParseApi, ...userCityApi }, self as unknown as Comlink.Endpoint);
