import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../test/harness.ts';
import { ManualClock } from './clock.ts';
import type { Database } from './db.ts';
import { startJobs, type Job } from './jobs.ts';

const quiet = { info() {}, debug() {}, error() {} };
const settle = (ms = 250) => new Promise((r) => setTimeout(r, ms));

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('issue 12: scheduled jobs across server processes', () => {
  it('should not run a job twice in its period when several processes schedule it', async () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z');
    let runs = 0;
    const job: Job = { name: 'count', everyMs: 40, run: async () => (runs += 1) };
    // three schedulers on one database, as three server processes would be
    const processes = [1, 2, 3].map(() => startJobs(quiet, database.db, clock, [job]));
    try {
      await settle();
      expect(runs).toBe(1);
      clock.advance(40);
      await settle();
      expect(runs).toBe(2);
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
    }
  });

  it('a job whose process died mid-run is taken up by another once the claim expires, not before', async () => {
    const clock = new ManualClock('2026-03-02T03:00:00Z');
    const now = clock.now();
    await database.db.execute(sql`INSERT INTO scheduled_jobs (name, due_at, claimed_by, claimed_until, last_started_at)
      VALUES ('orphan', ${now}, 'dead-host:1:00', ${new Date(now.getTime() + 60_000)}, ${now})`);
    let runs = 0;
    const scheduler = startJobs(quiet, database.db, clock, [{ name: 'orphan', everyMs: 40, leaseMs: 60_000, run: async () => (runs += 1) }]);
    try {
      await settle();
      expect(runs).toBe(0);
      expect(await scheduler.alive()).toBe(true);
      clock.advance(61_000);
      await settle();
      expect(runs).toBe(1);
    } finally {
      await scheduler.stop();
    }
  });

  it('readiness: a job overdue beyond its lease (no process runs it) is not alive', async () => {
    const clock = new ManualClock('2026-03-02T04:00:00Z');
    const scheduler = startJobs(quiet, database.db, clock, [{ name: 'stuck', everyMs: 1000, leaseMs: 30_000, run: () => new Promise(() => {}) }]);
    await settle(100);
    expect(await scheduler.alive()).toBe(true);
    clock.advance(10 * 60_000);
    expect(await scheduler.alive()).toBe(false);
    // stop() would wait for the run that never ends; the timers are unref'd, and the database closes after the file
  });
});
