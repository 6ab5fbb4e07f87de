import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../src/modules/journal/record.ts';
import { integrate, journalSigner } from '../src/modules/journal/sequencer.ts';
import { startJobs, type Scheduler } from '../src/platform/jobs.ts';
import { startTestSystem, type TestSystem } from './harness.ts';

const quiet = { info() {}, debug() {}, error() {} };
const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);

let sys: TestSystem;
let scheduler: Scheduler;
beforeAll(async () => {
  sys = await startTestSystem();
  scheduler = startJobs(quiet, sys.database.db, sys.clock, [{ name: 'journal-sequencer', everyMs: 1000, run: () => integrate(sys.database, signer, sys.clock) }]);
});
afterAll(async () => {
  await scheduler.stop();
  await sys.close();
});

const ready = () => sys.client('10.9.9.9').get('/api/health/ready');

describe('issue 12: health for a load balancer', () => {
  it('live answers without a session and says nothing else', async () => {
    const res = await sys.client('10.9.9.9').get('/api/health/live');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'live' });
  });

  it('should not call a process ready that runs no jobs', async () => {
    const res = await ready();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not_ready', checks: { database: true, migrations: true, journal: true, jobs: false } });
  });

  it('ready once the jobs run; not ready while the journal fails closed (R25/R36), ready again when it recovers', async () => {
    sys.app.scheduler = scheduler;
    try {
      expect(await ready().then((r) => [r.statusCode, r.json()])).toEqual([200, { status: 'ready', checks: { database: true, migrations: true, journal: true, jobs: true } }]);
      await scheduler.stop();
      // an entry no checkpoint covers for longer than MOTCUA_JOURNAL_FAIL_CLOSED_HOURS, and the sequencer not running
      await sys.inTx((ctx) => record(ctx, { type: 'test.unpublished' }));
      sys.clock.advance(sys.config.journal.failClosedMs + 60_000);
      const res = await ready();
      expect(res.statusCode).toBe(503);
      expect(res.json().checks).toMatchObject({ database: true, migrations: true, journal: false });
      await integrate(sys.database, signer, sys.clock);
      expect((await ready()).json().checks.journal).toBe(true);
    } finally {
      sys.app.scheduler = null;
    }
  });

  it('should not call ready a process whose database carries a migration this release does not know', async () => {
    const asOwner = (statement: ReturnType<typeof sql>) =>
      sys.database.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE NONE`);
        await tx.execute(statement);
      });
    await asOwner(sql`INSERT INTO schema_migrations (name, checksum) VALUES ('9999_from_a_newer_release', 'x')`);
    try {
      const res = await ready();
      expect(res.statusCode).toBe(503);
      expect(res.json().checks).toMatchObject({ database: true, migrations: false });
    } finally {
      await asOwner(sql`DELETE FROM schema_migrations WHERE name = '9999_from_a_newer_release'`);
    }
  });
});
