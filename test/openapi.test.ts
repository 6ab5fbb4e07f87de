import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_FILE, generate, TYPES_FILE } from '../scripts/openapi.ts';

describe('the committed OpenAPI document and the web client generated from it', () => {
  it('should not drift from what the routes declare: run `npm run openapi` and commit the result', async () => {
    const { document, types } = await generate();
    expect(fs.readFileSync(DOCUMENT_FILE, 'utf8') === document, 'openapi.json differs from the routes').toBe(true);
    expect(fs.readFileSync(TYPES_FILE, 'utf8') === types, 'web/src/api/schema.ts differs from openapi.json').toBe(true);
  }, 60_000);

  it('R34: should declare a real schema for every JSON answer, so that nothing leaves unlisted', () => {
    const spec = JSON.parse(fs.readFileSync(DOCUMENT_FILE, 'utf8')) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>> };
    const open = Object.entries(spec.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, op]) =>
        Object.entries(op.responses)
          .filter(([, r]) => {
            const schema = r.content?.['application/json']?.schema;
            return schema !== undefined && Object.keys(schema).length === 0;
          })
          .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    expect(open).toEqual([]);
  });
});
