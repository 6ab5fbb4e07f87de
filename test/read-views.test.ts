import { eq } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { grantsView, officersView } from '../src/modules/accounts/index.ts';
import { documentsView } from '../src/modules/documents/index.ts';
import { dossiersView } from '../src/modules/dossiers/index.ts';
import { integrationClientsView } from '../src/modules/registry/index.ts';
import { rowOf } from '../src/platform/views.ts';

const columnsOf = (view: { _: { selectedFields: Record<string, unknown> } }) => Object.keys(view._.selectedFields);

describe('read views: what one module lets the others join', () => {
  it('R34: should not let another module join an officer’s password hash, one-time-code seed or last step', () => {
    const officers = columnsOf(officersView('o'));
    expect(officers).toEqual(['id', 'username', 'personalId', 'fullName', 'position', 'email', 'phone', 'unitId', 'status', 'lastSignInAt']);
    expect(columnsOf(grantsView('g'))).toEqual(['id', 'accountId', 'role', 'unitId', 'grantedAt']);
  });

  it('R34: should not let another module join an integration key’s hash, a document’s sealed bytes or a dossier’s search internals', () => {
    expect(columnsOf(integrationClientsView('c'))).not.toContain('keyHash');
    expect(columnsOf(documentsView('d'))).not.toContain('ciphertext');
    expect(columnsOf(dossiersView('d'))).not.toContain('searchText');
    expect(columnsOf(dossiersView('d'))).not.toContain('searchWords');
  });

  it('rowOf reads every column through the view’s alias, not the table behind it', () => {
    const desk = officersView('desk');
    const boss = officersView('boss');
    const { sql } = new QueryBuilder().select({ officer: rowOf(desk), boss: boss.fullName }).from(desk).leftJoin(boss, eq(boss.id, desk.id)).toSQL();
    expect(sql.slice(0, sql.indexOf(' from '))).toBe(
      'select "desk"."id", "desk"."username", "desk"."personal_id", "desk"."full_name", "desk"."position", "desk"."email", "desk"."phone", "desk"."unit_id", "desk"."status", "desk"."last_sign_in_at", "boss"."full_name"',
    );
  });
});
