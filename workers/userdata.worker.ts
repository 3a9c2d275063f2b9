import * as Comlink from 'comlink';
import type { UserCityApi } from '../src/features/userdata/city-kernel.ts';
import { userParseApi } from '../src/features/userdata/parse-kernel.ts';

// The city pipeline (proj4, saxes, gltf-transform) is loaded on the first CityGML/CityJSON file only.
const userCityApi: UserCityApi = { buildUserCity: async (req) => (await import('../src/features/userdata/city-kernel.ts')).buildUserCity(req) };

Comlink.expose({ ...userParseApi, ...userCityApi }, self as unknown as Comlink.Endpoint);
