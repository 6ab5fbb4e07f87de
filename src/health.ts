import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { migrationDrift, readMigrations } from './platform/db.ts';
import { journalPublication } from './modules/journal/index.ts';

/** A check that has not answered by then counts as failed: a load balancer waits for nobody. */
const CHECK_MS = 2000;

const within = (check: Promise<boolean>) =>
  Promise.race([check.catch(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CHECK_MS).unref())]);

const checks = z.object({ database: z.boolean(), migrations: z.boolean(), journal: z.boolean(), jobs: z.boolean() });

/**
 * Issue 12: health for a load balancer, public and without internals (no version, no error text): `live` says the
 * process answers; `ready` that it can serve: its database answers, carries exactly this release's migrations, the
 * journal is not failing closed, and the jobs run (here, and none overdue across the processes).
 */
export async function healthRoutes(app: FastifyInstance) {
  const known = readMigrations().map((m) => m.name);
  const db = app.database.db;
  const { failClosedMs, witnessUrl } = app.config.journal;

  app.get('/api/health/live', {
    config: { access: 'public' },
    schema: { tags: ['system'], summary: 'The process answers (for a load balancer)', response: { 200: z.object({ status: z.literal('live') }) } },
  }, async () => ({ status: 'live' as const }));

  app.get('/api/health/ready', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'The process can serve: database, migrations, journal publication and jobs (503 when not)',
      response: { 200: z.object({ status: z.literal('ready'), checks }), 503: z.object({ status: z.literal('not_ready'), checks }) },
    },
  }, async (_req, reply) => {
    const database = await within(db.execute(sql`SELECT 1`).then(() => true));
    const [migrations, journal, jobs] = database
      ? await Promise.all([
          within(migrationDrift(db, known).then((d) => d.missing.length === 0 && d.unknown.length === 0)),
          within(journalPublication(db, app.clock.now(), failClosedMs, witnessUrl).then((p) => !p.failClosed)),
          within(app.scheduler ? app.scheduler.alive() : Promise.resolve(false)),
        ])
      : [false, false, false];
    const result = { database, migrations, journal, jobs };
    if (Object.values(result).every(Boolean)) return { status: 'ready' as const, checks: result };
    return reply.status(503).send({ status: 'not_ready' as const, checks: result });
  });
}
