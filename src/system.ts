import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { Ctx } from './platform/context.ts';
import { Keys, loadMasterKey } from './platform/crypto.ts';
import { lockDataDir } from './platform/data-dir-lock.ts';
import { APP_ROLE, assumeAppRole, migrate, openPglite, openPostgres, type Database } from './platform/db.ts';
import { startJobs } from './platform/jobs.ts';
import { lockDormantAccounts } from './modules/accounts/index.ts';
import { createSetupToken, systemAdminExists } from './modules/auth/index.ts';
import { loadDemoData } from './modules/demo/index.ts';
import { importProvince } from './modules/units/index.ts';
import { seedCalendar } from './modules/calendar/index.ts';
import { importCatalogue } from './modules/procedures/index.ts';
import { purgeDossierPapers } from './modules/documents/index.ts';
import { purgeExpiredDossiers } from './modules/dossiers/index.ts';
import { ensureJournalPartitions, integrate, journalOrigin, loadJournalSigner, publishToWitness } from './modules/journal/index.ts';
import { connectDevelopmentSimulator, ensureLookupPartitions, forgetOldCounts, type NpdConnectionSettings } from './modules/registry/index.ts';
import { detect, sendPendingEmails } from './modules/monitoring/index.ts';

const STARTUP_LOCK = 727276;

export interface System {
  app: FastifyInstance;
  database: Database;
  /** Lines for the operator at start-up (setup link, demo passwords), printed by the caller. */
  notices: string[];
  /** Development: connect the demo data to npd-sim's client bundle (once), returning lines for the console. */
  useSimulator(connection: NpdConnectionSettings): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Migrates as the owner, then hands out a connection with the application's restricted rights, or the owner's own
 * for the few commands that change the schema (archiving the journal).
 */
async function openMigrated(config: Config, asOwner: boolean): Promise<Database> {
  if (!config.databaseUrl) {
    const database = await openPglite({ dataDir: `${config.dataDir}/pgdata` });
    await migrate(database);
    if (!asOwner) await assumeAppRole(database);
    return database;
  }
  const owner = await openPostgres(config.ownerDatabaseUrl ?? config.databaseUrl);
  try {
    await migrate(owner);
  } catch (err) {
    await owner.close();
    throw err;
  }
  if (asOwner) return owner;
  await owner.close();
  return openPostgres(config.databaseUrl, { role: APP_ROLE });
}

/** Opens the database (PGlite under the data-directory lock, or PostgreSQL), brings it up to date, holds the keys. */
export async function openDatabase(config: Config, options: { asOwner?: boolean } = {}): Promise<{ database: Database; keys: Keys; notices: string[]; release: () => void }> {
  const notices: string[] = [];
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  try {
    const database = await openMigrated(config, options.asOwner ?? false);
    const master = loadMasterKey(config.masterKey, config.dataDir);
    if (master.createdFile) {
      notices.push(`CẢNH BÁO / WARNING: created a development master key at ${master.createdFile}. In production set MOTCUA_MASTER_KEY from a secret store.`);
    }
    return { database, keys: new Keys(master.key), notices, release };
  } catch (err) {
    release();
    throw err;
  }
}

/** A Ctx for work the system does itself (start-up, scheduled jobs): no actor, one transaction. */
export function systemInTx(database: Database, config: Config, keys: Keys, clock: Clock) {
  return <T>(fn: (ctx: Ctx) => Promise<T>) =>
    database.db.transaction((tx) => fn({ actor: null, tx, clock, config, keys, ip: 'system', userAgent: 'motcua', requestId: 'system', sessionId: null }));
}

export async function startSystem(config: Config, clock: Clock = systemClock): Promise<System> {
  const { database, keys, notices, release } = await openDatabase(config);
  const inTx = systemInTx(database, config, keys, clock);
  // daily: next month's partitions exist before their first row; finished rate-limit windows go
  const housekeeping = async (ctx: Ctx) => {
    await ensureJournalPartitions(ctx.tx, clock.now());
    await ensureLookupPartitions(ctx.tx, clock.now());
    await forgetOldCounts(ctx);
  };
  await inTx(async (ctx) => {
    // Processes started together on one database seed it one after the other: the next finds the work done.
    await ctx.tx.execute(sql`SELECT pg_advisory_xact_lock(${STARTUP_LOCK})`);
    await housekeeping(ctx);
    await importProvince(ctx.tx, config.provinceCode, clock.now());
    await importCatalogue(ctx);
    await seedCalendar(ctx);
    if (config.demo) notices.push(...(await loadDemoData(ctx)));
    if (!(await systemAdminExists(ctx))) {
      const token = await createSetupToken(ctx);
      notices.push(
        `Thiết lập lần đầu / first start: open ${config.publicUrl}/setup#${token} within ${config.setupLinkMs / 60_000} minutes to create the first system administrator (restart for a new link).`,
      );
    }
  });
  const app = await buildApp({ config, database, keys, clock });
  const signer = loadJournalSigner(config.dataDir, journalOrigin(config), keys);
  const jobs = startJobs(app.log, database.db, clock, [
    { name: 'housekeeping', everyMs: 24 * 60 * 60_000, run: () => inTx(housekeeping) },
    { name: 'dossier-retention', everyMs: 24 * 60 * 60_000, run: () => inTx((ctx) => purgeExpiredDossiers(ctx, purgeDossierPapers)) },
    { name: 'dormant-lock', everyMs: 60 * 60_000, run: () => inTx(lockDormantAccounts) },
    // R25: entries are in a signed checkpoint within about a second of their commit.
    { name: 'journal-sequencer', everyMs: 1000, run: () => integrate(database, signer, clock) },
    // issue 6: the detection rules read what the sequencer has just published
    { name: 'monitoring', everyMs: 1000, run: () => inTx(detect) },
    // a long lease: the run sends each message before marking it, and nobody else may send it meanwhile
    ...(config.smtp ? [{ name: 'mail', everyMs: 10_000, leaseMs: 10 * 60_000, run: () => sendPendingEmails(inTx, config) }] : []),
    ...(config.journal.witnessUrl ? [{ name: 'journal-witness', everyMs: 10_000, run: () => publishToWitness(database, config.journal.witnessUrl!, clock) }] : []),
  ]);
  app.scheduler = jobs;
  return {
    app,
    database,
    notices,
    async useSimulator(connection) {
      const connected = await inTx((ctx) => connectDevelopmentSimulator(ctx, connection));
      return [`npd-sim (mô phỏng CSDLQG về dân cư, dữ liệu tổng hợp): ${connection.endpoint}${connected ? ' — đã kết nối dữ liệu DEMO / connected to the demo data' : ''}`];
    },
    async close() {
      await jobs.stop();
      await app.close();
      await database.close();
      release();
    },
  };
}
