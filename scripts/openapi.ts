/**
 * Writes the server's OpenAPI document to openapi.json and the web's types generated from it to
 * web/src/api/schema.ts (openapi-typescript). Both are committed; `npm test` fails when they differ from what the
 * routes declare (test/openapi.test.ts), so the web can never drift from the server again.
 *
 *   npm run openapi
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../src/app.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { Keys } from '../src/platform/crypto.ts';
import { openPglite } from '../src/platform/db.ts';

export const DOCUMENT_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));
export const TYPES_FILE = fileURLToPath(new URL('../web/src/api/schema.ts', import.meta.url));

/** The document and the types as the routes declare them now (no request is served: the database stays empty). */
export async function generate(): Promise<{ document: string; types: string }> {
  const database = await openPglite();
  try {
    const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test' }), database, keys: Keys.random(), clock: new ManualClock('2026-01-01T00:00:00Z') });
    await app.ready();
    const spec = app.swagger();
    await app.close();
    const document = `${JSON.stringify(spec, null, 2)}\n`;
    const header = '// Generated from openapi.json by `npm run openapi` (openapi-typescript): do not edit.\n\n';
    const types = header + astToString(await openapiTS(JSON.parse(document), { exportType: true, alphabetize: false }));
    return { document, types };
  } finally {
    await database.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { document, types } = await generate();
  fs.writeFileSync(DOCUMENT_FILE, document);
  fs.mkdirSync(new URL('../web/src/api/', import.meta.url), { recursive: true });
  fs.writeFileSync(TYPES_FILE, types);
  console.log(`openapi.json: ${Object.keys(JSON.parse(document).paths).length} paths; web/src/api/schema.ts: ${types.split('\n').length} lines`);
}
