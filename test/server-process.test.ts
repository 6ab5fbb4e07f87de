import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/platform/db.ts';
import { embeddedServerEnv, freePort, startServerProcess, stopped } from './processes.ts';

/**
 * The real server process, as `npm start` runs it (always on PGlite here: the embedded engine is what these prove).
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-process-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

const env = (port: number, dataDir: string, logLevel = 'warn') => embeddedServerEnv(port, dataDir, { LOG_LEVEL: logLevel });

async function start(port: number, dataDir: string, onOutput?: (text: string) => void, logLevel?: string): Promise<ChildProcess> {
  const child = await startServerProcess(env(port, dataDir, logLevel), onOutput);
  children.push(child);
  return child;
}

describe('R25/R36 crash: kill -9 during a burst of writes', () => {
  it('restarts, verifies, and keeps an entry for every answered change', async () => {
    const port = await freePort();
    const dataDir = path.join(root, 'crash');
    const first = await start(port, dataDir);
    let answered = 0;
    const burst = Array.from({ length: 300 }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `crash.${i}`, password: 'Wrong-password-1' }),
      }).then((r) => {
        if (r.status === 401) answered += 1;
      }, () => undefined),
    );
    // Kill once some writes were answered and others are still in flight, however loaded the machine is.
    for (let i = 0; i < 600 && answered < 10; i++) await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBeGreaterThanOrEqual(10);
    first.kill('SIGKILL');
    await Promise.all([stopped(first), ...burst]);

    const second = await start(port, dataDir);
    await new Promise((r) => setTimeout(r, 2500)); // the sequencer integrates what survived
    second.kill('SIGTERM');
    await stopped(second);

    const verify = spawnSync(process.execPath, ['bin/motcua.mjs', 'journal', 'verify'], { env: env(port, dataDir), encoding: 'utf8' });
    expect(verify.stdout).toContain('OK: every entry and every checkpoint verifies');
    expect(verify.status).toBe(0);

    const database = await openPglite({ dataDir: path.join(dataDir, 'pgdata') });
    const result = (await database.db.execute(sql`SELECT count(*)::int AS n FROM journal WHERE type = 'auth.sign_in' AND outcome = 'failure'`)) as unknown as { rows: { n: number }[] };
    // the real server's sequencer ran as the application role on its own data directory: everything is in the tree
    const waiting = (await database.db.execute(sql`SELECT count(*)::int AS n FROM journal j WHERE NOT EXISTS (SELECT FROM journal_index i WHERE i.seq = j.seq)`)) as unknown as { rows: { n: number }[] };
    await database.close();
    expect(result.rows[0]!.n).toBeGreaterThanOrEqual(answered);
    expect(waiting.rows[0]!.n).toBe(0);
  }, 180_000); // two cold starts of the real server and a journal verify: over 90 s on a loaded 2-core machine
});

describe('R15: logs', () => {
  it('should not log passwords, session tokens, CSRF tokens or a searched personal ID', async () => {
    const port = await freePort();
    let output = '';
    const server = await start(port, path.join(root, 'logs'), (text) => (output += text), 'debug');
    const password = 'Mật-khẩu-bí-mật-2026';
    const personalId = '019185246813';
    const signIn = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'no.such.officer', password }),
    });
    expect(signIn.status).toBe(401);
    const token = 'AbCdEf0123456789.SecretPartOfTheToken0123456789';
    await fetch(`http://127.0.0.1:${port}/api/accounts?q=${personalId}`, { headers: { cookie: `motcua_session=${token}`, 'x-csrf-token': 'csrf-secret-value' } });
    await new Promise((r) => setTimeout(r, 500));
    server.kill('SIGTERM');
    await stopped(server);
    expect(output).toContain('/api/accounts');
    for (const secret of [password, 'SecretPartOfTheToken', 'csrf-secret-value', personalId]) expect(output).not.toContain(secret);
  }, 60_000);
});

