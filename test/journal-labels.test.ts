import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import vi from '../web/src/locales/vi.json' with { type: 'json' };

/** The source files of the server (not its tests): where journal entries are recorded. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? sources(file) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [file] : [];
  });
}

describe('the names of journal entries', () => {
  it('should not record a kind of entry the journal page cannot name (jobs and CLI included, which no route drives)', () => {
    const recorded = new Set(sources('src').flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/\btype: '([a-z_]+(?:\.[a-z_]+)+)'/g)].map((m) => m[1]!)));
    // the scan finds them (a change of style would leave it finding none)
    expect(recorded.size).toBeGreaterThan(50);
    expect([...recorded].filter((type) => !(`journal.type.${type}` in vi)).sort()).toEqual([]);
  });
});
