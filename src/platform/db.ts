import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';

export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Repositories take either; services always pass the request's transaction. */
export type Executor = Db | Tx;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** PGlite only: the data directory as a tarball (tests restore a migrated database from it). */
  dumpDataDir(): Promise<Blob>;
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  runScript(sql: string, after: (tx: Db) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<Database> {
  // pg_trgm: the reception search finds a name fragment among a million dossiers through a trigram index
  const client = await PGlite.create({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, extensions: { pg_trgm } });
  const db = drizzlePglite(client) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    async runScript(sql, after) {
      await client.transaction(async (tx) => {
        await tx.exec(sql);
        await after(drizzlePglite(tx as unknown as PGlite) as unknown as Db);
      });
    },
    dumpDataDir: () => client.dumpDataDir('gzip') as Promise<Blob>,
    close: () => client.close(),
  };
}

/**
 * The role the server runs as once migrations are applied: it may read and append to the journal tables but not
 * change or delete their rows (migration 0006), so a flaw in the application cannot rewrite history.
 */
export const APP_ROLE = 'motcua_app';

/**
 * `role`: every pooled connection works as it from its start (a startup parameter, so no query races the first one,
 * and `RESET ROLE` returns to it, not to the login's own rights).
 */
export async function openPostgres(url: string, options: { role?: string } = {}): Promise<Database> {
  const { role } = options;
  if (role && !/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`invalid role name: ${role}`);
  const pool = new pg.Pool({ connectionString: url, max: 10, ...(role ? { options: `-c role=${role}` } : {}) });
  // An idle connection closed by the server (a restart, an administrator) is dropped and replaced by the pool; without
  // a listener Node would take the error as unhandled and end the process. A real outage shows at the next query.
  pool.on('error', () => {});
  // int8 (counts, sequences) as JS numbers, as PGlite returns them.
  pg.types.setTypeParser(20, (v) => Number(v));
  const db = drizzlePg(pool) as unknown as Db;
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    db,
    async runScript(sql, after) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await after(drizzlePg(client) as unknown as Db);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
    dumpDataDir: () => Promise.reject(new Error('only the embedded database can be dumped')),
    close: () => pool.end(),
  };
}

/** PGlite is one connection: after migrating, the server switches it to the application role for good. */
export async function assumeAppRole(database: Database): Promise<void> {
  if (database.kind !== 'pglite') throw new Error('open PostgreSQL with { role: APP_ROLE } instead');
  const { sql } = await import('drizzle-orm');
  await database.db.execute(sql.raw(`SET ROLE ${APP_ROLE}`));
}

/** Applies the plain-SQL files of migrations/ that are not yet applied, each in its own transaction. */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const { sql } = await import('drizzle-orm');
  await database.db.execute(sql`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const name = path.basename(file, '.sql');
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    // The advisory lock makes concurrent starts of several processes apply each migration once.
    const script = `SELECT pg_advisory_xact_lock(727274);\n${text}`;
    const done = (await database.db.execute(sql`SELECT 1 FROM schema_migrations WHERE name = ${name}`)) as unknown as { rows: unknown[] };
    if (done.rows.length > 0) continue;
    await database.runScript(script, async (tx) => {
      await tx.execute(sql`INSERT INTO schema_migrations (name) VALUES (${name}) ON CONFLICT DO NOTHING`);
    });
    applied.push(name);
  }
  return applied;
}
