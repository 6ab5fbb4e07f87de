import { getTableColumns, type Subquery } from 'drizzle-orm';
import { QueryBuilder, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';

const qb = new QueryBuilder();

/**
 * What a module lets other modules read of one of its tables, in their own queries (issue 14): a named projection
 * the owner exports from its index.ts, so that a join never reaches a column the owner keeps to itself (a password
 * hash, an OTP seed, search internals) and a change of the table shows up in one place. A plain projection in FROM,
 * which PostgreSQL pulls up into the caller's query: the plan and its indexes are those of the table itself.
 */
export function readView<C extends Record<string, PgColumn>>(table: PgTable, columns: C) {
  return <N extends string>(name: N) => qb.select(columns).from(table).as(name);
}

/** Every column of a table but the ones named: for views that show almost all of it. */
export function columnsWithout<T extends PgTable, K extends keyof T['_']['columns'] & string = never>(table: T, ...omitted: K[]) {
  return Object.fromEntries(Object.entries(getTableColumns(table)).filter(([name]) => !omitted.includes(name as K))) as Omit<T['_']['columns'], K>;
}

/** A view's columns as one nested field of a select (`{ dossier: rowOf(d) }`), read through the view's alias. */
export function rowOf<S extends Subquery>(view: S): S['_']['selectedFields'] {
  return Object.fromEntries(Object.keys(view._.selectedFields).map((name) => [name, (view as unknown as Record<string, unknown>)[name]]));
}
