import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedServerEnv, freePort } from './processes.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-npm-start-'));
let serverPid = 0;
afterAll(() => {
  try {
    if (serverPid) process.kill(serverPid, 'SIGKILL');
  } catch {
    // already gone, as it should be
  }
  fs.rmSync(root, { recursive: true, force: true });
});

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(() => resolve(true)));
    socket.on('error', () => resolve(false));
  });

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start', () => {
  it('should not leave the server and npd-sim running when npm is killed without passing the signal on', async () => {
    const port = await freePort();
    const dataDir = path.join(root, 'data');
    // the shell stands in for npm: the server is its child, and it dies with SIGKILL (nothing is forwarded)
    const npm = spawn('sh', ['-c', 'node bin/motcua.mjs serve & echo $!; wait'], {
      env: embeddedServerEnv(port, dataDir, { npm_lifecycle_event: 'start' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    serverPid = await new Promise<number>((resolve) => npm.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    await until('the server answering', () => fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false), 90_000);
    const readyFile = path.join(dataDir, 'npd-sim', 'ready.json');
    await until('npd-sim ready', async () => fs.existsSync(readyFile) && fs.readFileSync(readyFile, 'utf8').trim() !== '', 60_000);
    const simPort = (JSON.parse(fs.readFileSync(readyFile, 'utf8')) as { port: number }).port;
    expect(await answers(simPort)).toBe(true);

    npm.kill('SIGKILL');
    await until('the server gone', async () => !(await answers(port)), 20_000);
    await until('npd-sim gone', async () => !(await answers(simPort)), 20_000);
    const alive = () => {
      try {
        return process.kill(serverPid, 0);
      } catch {
        return false;
      }
    };
    await until('the server process gone', async () => !alive(), 10_000);
    serverPid = 0;
  }, 180_000);
});
