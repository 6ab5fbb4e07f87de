import { describe, expect, it } from 'vitest';
import { currentNav, resolve, ROUTES } from './routes.tsx';

describe('the route table', () => {
  it('R01: should not open a page to an officer without its permission (a bookmark leads home instead)', () => {
    expect(resolve('/journal', ['dossiers.receive'])?.forbidden).toBe(true);
    expect(resolve('/journal', ['journal.read'])?.forbidden).toBe(false);
    expect(resolve('/security/cases/7b4e0c1e-0000-4000-8000-000000000000', ['journal.read'])?.forbidden).toBe(true);
    expect(resolve('/incidents/7b4e0c1e-0000-4000-8000-000000000000', ['incidents.read'])).toMatchObject({ params: { id: '7b4e0c1e-0000-4000-8000-000000000000' }, forbidden: false });
  });

  it('opens a dossier page to whoever holds any of the dossier permissions; the server decides which dossier', () => {
    for (const permission of ['dossiers.receive', 'dossiers.process', 'dossiers.approve']) expect(resolve('/dossiers', [permission])?.forbidden).toBe(false);
    expect(resolve('/dossiers', ['statistics.read'])?.forbidden).toBe(true);
  });

  it('answers nothing for an unknown address (the page says "not found")', () => {
    expect(resolve('/no-such-page', ['journal.read'])).toBeNull();
    expect(resolve('/accounts/a/b', ['accounts.read'])).toBeNull();
  });

  it('should not list a route twice, and every menu entry is a page without parameters', () => {
    const patterns = ROUTES.map((r) => r.pattern);
    expect(new Set(patterns).size).toBe(patterns.length);
    expect(ROUTES.filter((r) => r.nav && r.pattern.includes(':'))).toEqual([]);
  });

  it('marks the deepest menu entry holding the page: a case is under "cases", not under the dashboard', () => {
    const menu = ROUTES.filter((r) => r.nav);
    expect(currentNav('/security/cases/abc', menu)).toBe('/security/cases');
    expect(currentNav('/security', menu)).toBe('/security');
    expect(currentNav('/dossiers/abc', menu)).toBe('/dossiers');
    expect(currentNav('/', menu)).toBe('/');
    expect(currentNav('/unknown', menu)).toBeUndefined();
  });
});
