import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { sql, type ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';

export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Repositories take either; services always pass the request's transaction. */
export type Executor = Db | Tx;

/** One database connection, below the query builder. */
export interface Connection {
  /** Runs a script of several statements. */
  exec(script: string): Promise<void>;
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** PGlite only: the data directory as a tarball (tests restore a migrated database from it). */
  dumpDataDir(): Promise<Blob>;
  /** Runs fn on one connection held for its whole length (migrations: a session lock, then a transaction per file). */
  session<T>(fn: (conn: Connection) => Promise<T>): Promise<T>;
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
    // PGlite is one connection already.
    session: (fn) =>
      fn({
        exec: async (script) => void (await client.exec(script)),
        query: async <R>(text: string, params?: unknown[]) => (await client.query<R>(text, params)).rows,
      }),
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
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          exec: async (script) => void (await client.query(script)),
          query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
        });
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
  await database.db.execute(sql.raw(`SET ROLE ${APP_ROLE}`));
}

const MIGRATION_LOCK = 727274;

export interface Migration {
  name: string;
  text: string;
  /** SHA-256 of the file with its line endings as LF (a checkout on Windows hashes the same). */
  checksum: string;
}

/** The plain-SQL files of migrations/, in order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return { name: path.basename(file, '.sql'), text, checksum: crypto.createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex') };
    });
}

export class MigrationChangedError extends Error {}

/**
 * Applies the migrations not yet applied, each in its own transaction. Several processes starting at once on one
 * database take the lock first and only then read what is applied (so each file runs once and the bookkeeping table is
 * created once); a file changed since it was applied stops start-up with its name, before anything is applied.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  return database.session(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), checksum text);
        ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text;`);
      const applied = new Map((await conn.query<{ name: string; checksum: string | null }>('SELECT name, checksum FROM schema_migrations')).map((r) => [r.name, r.checksum]));
      for (const m of migrations) {
        const recorded = applied.get(m.name);
        if (recorded && recorded !== m.checksum) {
          throw new MigrationChangedError(
            `migration ${m.name}.sql was changed after it was applied (sha256 ${recorded.slice(0, 12)}… when applied, ${m.checksum.slice(0, 12)}… now): restore the file as it was and put the change in a new migration`,
          );
        }
      }
      const done: string[] = [];
      for (const m of migrations) {
        if (applied.has(m.name)) {
          // applied before checksums were kept: the file as it is now is what later starts compare with
          if (applied.get(m.name) === null) await conn.query('UPDATE schema_migrations SET checksum = $2 WHERE name = $1', [m.name, m.checksum]);
          continue;
        }
        await conn.exec('BEGIN');
        try {
          await conn.exec(m.text);
          await conn.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
          await conn.exec('COMMIT');
        } catch (err) {
          await conn.exec('ROLLBACK');
          throw new Error(`migration ${m.name}.sql failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        done.push(m.name);
      }
      return done;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

/** Migrations this code knows that the database has not applied, and applied ones it does not know (a newer release). */
export async function migrationDrift(db: Executor, known: readonly string[]): Promise<{ missing: string[]; unknown: string[] }> {
  const rows = ((await db.execute(sql`SELECT name FROM schema_migrations`)) as unknown as { rows: { name: string }[] }).rows.map((r) => r.name);
  const applied = new Set(rows);
  return { missing: known.filter((n) => !applied.has(n)), unknown: rows.filter((n) => !known.includes(n)) };
}
