import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.ts';
import { openPglite } from '../src/platform/db.ts';
import { startJobs } from '../src/platform/jobs.ts';
import { describeError, logOptions, operatorMessage } from '../src/platform/log.ts';
import { GOOD_PASSWORD, openTestDatabase } from './harness.ts';
import { embeddedServerEnv, freePort, startServerProcess, stopped } from './processes.ts';

/**
 * Issue 13, finding 5: a failed query was logged with Drizzle's message, "Failed query: … params: …", which carries
 * the citizen's personal ID, name, phone and e-mail, or a search's terms; PostgreSQL's own message and detail repeat
 * them. A log line keeps an error's class, code and frames only (src/platform/log.ts), on every path.
 */
const CITIZEN = { personalId: '079203004217', fullName: 'Lương Thị Chim Hoàng Yến', email: 'chim.hoangyen.canary@example.vn', phone: '0987654321' };
const CANARIES = Object.values(CITIZEN);
const expectNoCanary = (text: string) => {
  for (const canary of CANARIES) expect(text).not.toContain(canary);
  expect(text).not.toMatch(/Failed query|params:|Failing row/);
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-logs-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

/** A query that fails on a citizen's data inside PostgreSQL itself: its message quotes the value. */
async function failedQuery(): Promise<unknown> {
  const database = await openTestDatabase();
  try {
    return await database.db.execute(sql`SELECT ${CITIZEN.personalId}::uuid, ${CITIZEN.fullName}, ${CITIZEN.email}, ${CITIZEN.phone}`).then(
      () => new Error('the query should have failed'),
      (err: unknown) => err,
    );
  } finally {
    await database.close();
  }
}

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const log: FastifyBaseLogger = Fastify({ logger: { ...logOptions, level: 'debug', stream } }).log;
  return { lines, log };
}

describe('errors in the log (issue 13, finding 5)', () => {
  it('should not log the parameters or PostgreSQL’s message of a failed query, in any way a logger is called', async () => {
    const err = await failedQuery();
    expect(String((err as Error).message)).toContain(CITIZEN.personalId); // the attack: Drizzle's message holds the data
    const { lines, log } = captured();
    log.error({ err }, 'request failed');
    log.error(err as Error);
    log.error({ err }, (err as Error).message); // what Fastify's default error logger does
    log.child({ reqId: 'r1' }).warn({ err: new AggregateError([err], 'several') });
    expect(lines).toHaveLength(4);
    for (const line of lines) expectNoCanary(line);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'DrizzleQueryError', cause: { code: '22P02' } });
    expect(JSON.parse(lines[0]!).err.stack.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[1]!).msg).toBe('DrizzleQueryError');
    expect(JSON.parse(lines[2]!).msg).toBe('DrizzleQueryError');
  });

  it('should not log a citizen’s data when a scheduled job’s query fails', async () => {
    const err = await failedQuery();
    const database = await openTestDatabase();
    const { lines, log } = captured();
    const scheduler = startJobs(log, database.db, new ManualClock('2026-03-02T02:00:00Z'), [{ name: 'failing', everyMs: 60_000, run: () => Promise.reject(err) }]);
    await scheduler.stop();
    await database.close();
    expect(lines.some((l) => JSON.parse(l).msg === 'job failed')).toBe(true);
    for (const line of lines) expectNoCanary(line);
  });

  it('should not print a failed query’s parameters in the CLI’s or the console’s error text', async () => {
    const err = await failedQuery();
    expect(describeError(err)).toMatch(/^DrizzleQueryError ← \S+ 22P02$/);
    expectNoCanary(operatorMessage(err));
    expect(operatorMessage(new Error('--from and --to must be ISO dates'))).toBe('--from and --to must be ISO dates');
  });

  it('should not log a citizen’s personal ID, name, phone or e-mail when the real server fails to save them', async () => {
    const dataDir = path.join(root, 'server');
    const port = await freePort();
    // first start: the database is created and migrated
    const first = await start(port, dataDir, () => {});
    first.kill('SIGTERM');
    await stopped(first);
    // the accounts table now refuses every new row: PostgreSQL's error carries the row, Drizzle's the parameters
    const database = await openPglite({ dataDir: path.join(dataDir, 'pgdata') });
    await database.db.execute(sql`ALTER TABLE accounts ADD CONSTRAINT logs_test_refuses_accounts CHECK (false) NOT VALID`);
    await database.close();

    let output = '';
    const server = await start(port, dataDir, (text) => (output += text));
    const token = /\/setup#(\S+)/.exec(output)?.[1];
    expect(token).toBeTruthy();
    const res = await fetch(`http://127.0.0.1:${port}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, username: 'canary.admin', ...CITIZEN, password: GOOD_PASSWORD }),
    });
    const body = await res.text();
    expect(res.status, body).toBe(500);
    expectNoCanary(body);
    await new Promise((r) => setTimeout(r, 500));
    server.kill('SIGTERM');
    await stopped(server);

    const lines = output.split('\n').filter(Boolean);
    const failure = lines.find((l) => l.includes('"request failed"'));
    expect(failure, output).toBeDefined();
    expect(JSON.parse(failure!).err).toMatchObject({ type: 'DrizzleQueryError', cause: { code: '23514' } });
    for (const line of lines) expectNoCanary(line);
  }, 180_000);
});

/** The real server process, as `npm start` runs it (as test/server-process.test.ts does), logging at debug level. */
async function start(port: number, dataDir: string, onOutput: (text: string) => void): Promise<ChildProcess> {
  const child = await startServerProcess(embeddedServerEnv(port, dataDir, { LOG_LEVEL: 'debug' }), onOutput);
  children.push(child);
  return child;
}
