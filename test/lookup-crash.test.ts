import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/platform/db.ts';
import { isoBirthDate, startNpdSim, type NpdSimProcess } from './npd-sim.ts';

let sim: NpdSimProcess;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-lookup-crash-'));
beforeAll(async () => {
  sim = await startNpdSim({ population: 1000 });
});
afterAll(async () => {
  await sim.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The NPD's own log of the requests it received (what reconciliation reads). */
async function npdLog(): Promise<{ MaYeuCau: string }[]> {
  const agent = new Agent({ connect: { cert: sim.connection.certificate, key: sim.connection.privateKey, ca: sim.connection.caCertificate } });
  try {
    const res = await request(`${sim.connection.endpoint}/api/v1/nhat-ky?tu=2000-01-01T00:00:00Z&den=2100-01-01T00:00:00Z`, {
      dispatcher: agent,
      headers: { authorization: `Basic ${Buffer.from(`${sim.connection.account}:${sim.connection.password}`).toString('base64')}` },
    });
    return ((await res.body.json()) as { Items: { MaYeuCau: string }[] }).Items;
  } finally {
    await agent.close();
  }
}

describe('Invariant 3 / R36: write-ahead lookup record', () => {
  it('kill -9 between the record and the NPD answer leaves an unfinished record, never a lookup without one', async () => {
    const [c] = await sim.sample(1, '&minAge=20');
    await sim.setMode({ mode: 'slow', delayMs: 4000 });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/lookup-in-flight.ts', dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(JSON.stringify({ connection: sim.connection, citizen: { personalId: c!.SoDinhDanh, fullName: c!.HoVaTen, birthDate: isoBirthDate(c!.NgayThangNamSinh) } }));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 600 && !output.includes('IN_FLIGHT'); i++) {
      if (child.exitCode !== null) throw new Error(output);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('IN_FLIGHT');
    // the NPD holds the request for 4 s: the gateway's process dies while it waits
    await new Promise((r) => setTimeout(r, 1000));
    child.kill('SIGKILL');
    await exited;
    await sim.setMode({ mode: 'normal' });
    expect(output).not.toContain('ANSWERED');

    const database = await openPglite({ dataDir: path.join(dataDir, 'pgdata') });
    try {
      const lookups = ((await database.db.execute(sql`SELECT id, completed_at, outcome FROM npd_lookups`)) as unknown as { rows: { id: string; completed_at: Date | null; outcome: string | null }[] }).rows;
      const started = ((await database.db.execute(sql`SELECT details->>'lookup' AS id FROM journal WHERE type = 'npd.lookup.start'`)) as unknown as { rows: { id: string }[] }).rows;
      expect(lookups).toEqual([{ id: expect.any(String), completed_at: null, outcome: null }]);
      expect(started.map((s) => s.id)).toEqual([lookups[0]!.id]);
      // every request the NPD received (it logs them once it has answered) names a record the gateway committed first
      let received = await npdLog();
      for (let i = 0; i < 100 && received.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        received = await npdLog();
      }
      expect(received.length).toBeGreaterThan(0);
      for (const r of received) expect(lookups.map((l) => l.id)).toContain(r.MaYeuCau);
    } finally {
      await database.close();
    }
    // and the reconciliation command, on the same data, finds the NPD's request recorded
    const { DATABASE_URL: _ignored, ...env } = process.env;
    const cli = spawnSync(process.execPath, ['bin/motcua.mjs', 'npd', 'reconcile'], { env: { ...env, NODE_ENV: 'test', MOTCUA_DATA_DIR: dataDir }, encoding: 'utf8' });
    expect(cli.stdout).toMatch(/the NPD received 1 request\(s\); the gateway recorded 1 lookup\(s\); 1 matched/);
    expect(cli.stdout).toContain('OK: every request the NPD received was recorded by the gateway');
    expect(cli.status).toBe(0);
  }, 120_000);
});
