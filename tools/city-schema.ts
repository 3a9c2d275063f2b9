import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cityJsonSchema } from '../src/core/schemas/city-json-schema.ts';

/**
 * Writes `schemas/city.schema.json`, the JSON Schema of city files exported from the zod schema
 * (src/core/schemas/city.ts), for editors (`"$schema": "…/city.schema.json"` in a city file).
 * Run: `npx tsx tools/city-schema.ts`. tests/unit/config/city-schema.test.ts fails when the file
 * is out of date.
 */
const out = fileURLToPath(new URL('../schemas/city.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(cityJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
