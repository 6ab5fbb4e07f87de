import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from './clock.ts';
import type { Db } from './db.ts';

export interface Job {
  name: string;
  everyMs: number;
  /** How long a claim holds before another process may take the job up (default: a minute, or twice the period). */
  leaseMs?: number;
  run: () => Promise<unknown>;
}

/** A failed run is tried again this soon, however long the job's period. */
const RETRY_MS = 60_000;
/** How often a process looks at a job at most: a daily job is not left waiting for this process's own day. */
const POLL_MS = 60_000;

const leaseOf = (job: Job) => job.leaseMs ?? Math.max(60_000, 2 * job.everyMs);

export interface Scheduler {
  /** For readiness: this process's loop is turning, and no job is overdue across the processes. */
  alive(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Runs each job periodically in every server process, but each job once at a time across them: a run claims the job
 * in `scheduled_jobs` when it is due (one statement, so two processes never both win) and sets the next due time when
 * it ends. A process that dies mid-run holds its claim until the lease ends; then another process runs the job.
 */
export function startJobs(log: Pick<FastifyBaseLogger, 'info' | 'debug' | 'error'>, db: Db, clock: Clock, jobs: Job[]): Scheduler {
  const me = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const running = new Set<Promise<void>>();
  const busy = new Set<string>();
  let lastTick = performance.now();

  async function claim(job: Job): Promise<boolean> {
    const now = clock.now();
    const until = new Date(now.getTime() + leaseOf(job));
    const won = (await db.execute(sql`
      INSERT INTO scheduled_jobs AS j (name, due_at, claimed_by, claimed_until, last_started_at)
      VALUES (${job.name}, ${now}, ${me}, ${until}, ${now})
      ON CONFLICT (name) DO UPDATE SET claimed_by = ${me}, claimed_until = ${until}, last_started_at = ${now}
        WHERE j.due_at <= ${now} AND (j.claimed_until IS NULL OR j.claimed_until < ${now})
      RETURNING j.name`)) as unknown as { rows: unknown[] };
    return won.rows.length === 1;
  }

  async function finish(job: Job, failed: boolean): Promise<void> {
    const now = clock.now();
    const next = new Date(now.getTime() + (failed ? Math.min(job.everyMs, RETRY_MS) : job.everyMs));
    await db.execute(sql`
      UPDATE scheduled_jobs SET claimed_by = NULL, claimed_until = NULL, due_at = ${next}, last_finished_at = ${now}, last_failed = ${failed}
      WHERE name = ${job.name} AND claimed_by = ${me}`);
  }

  async function tick(job: Job): Promise<void> {
    if (busy.has(job.name)) return;
    busy.add(job.name);
    try {
      if (!(await claim(job))) return;
      let failed = false;
      try {
        const result = await job.run();
        // Frequent jobs that found nothing to do stay out of the info log.
        log[result ? 'info' : 'debug']({ job: job.name, result }, 'job done');
      } catch (err) {
        failed = true;
        log.error({ job: job.name, err }, 'job failed');
      }
      await finish(job, failed);
    } catch (err) {
      log.error({ job: job.name, err }, 'job could not be scheduled');
    } finally {
      busy.delete(job.name);
    }
  }

  const timers = jobs.map((job) => {
    const start = () => {
      lastTick = performance.now();
      const done = tick(job);
      running.add(done);
      void done.finally(() => running.delete(done));
    };
    start();
    return setInterval(start, Math.min(job.everyMs, POLL_MS)).unref();
  });

  return {
    async alive() {
      const loop = performance.now() - lastTick < 2 * Math.min(...jobs.map((j) => Math.min(j.everyMs, POLL_MS)), POLL_MS);
      const now = clock.now().getTime();
      const rows = (await db.execute(sql`SELECT name, due_at FROM scheduled_jobs`)) as unknown as { rows: { name: string; due_at: Date | string }[] };
      const due = new Map(rows.rows.map((r) => [r.name, new Date(r.due_at).getTime()]));
      // overdue: due longer ago than a lease and a poll (a process that died mid-run is replaced within that)
      const overdue = jobs.filter((j) => (due.get(j.name) ?? now) + leaseOf(j) + Math.min(j.everyMs, POLL_MS) < now);
      return loop && overdue.length === 0;
    },
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all(running);
    },
  };
}
