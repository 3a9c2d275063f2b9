import { z } from 'zod';
import { citySchema, CITY_VERSION } from './city.ts';

/**
 * The JSON Schema (draft 2020-12) of city files, generated from the zod schema with zod 4's
 * `z.toJSONSchema` (input side: fields with defaults are optional). Checks that JSON Schema cannot
 * say (a valid IANA time zone, a pack or a bbox required together) are run by
 * `npm run city -- validate` and by the app.
 */
export function cityJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(citySchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `https://jumeau.example/schemas/city-v${CITY_VERSION}.schema.json`,
    title: 'Jumeau city file',
    description: 'One city for Jumeau: names, time zone, home view, extent, buildings, terrain, basemaps and layers (README "Adding a city").',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
