import type { FastifyBaseLogger } from 'fastify';

export interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs each job at start and then periodically. Jobs are idempotent updates in one transaction each, so
 * several server processes running them at once do no harm.
 */
export function startJobs(log: FastifyBaseLogger, jobs: Job[]): { stop: () => Promise<void> } {
  const running = new Set<Promise<void>>();
  const timers = jobs.map((job) => {
    const tick = () => {
      const done = job.run().then(
        // Frequent jobs that found nothing to do stay out of the info log.
        (result) => log[result ? 'info' : 'debug']({ job: job.name, result }, 'job done'),
        (err) => log.error({ job: job.name, err }, 'job failed'),
      );
      running.add(done);
      void done.finally(() => running.delete(done));
    };
    tick();
    return setInterval(tick, job.everyMs).unref();
  });
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all(running);
    },
  };
}
