import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NpdConnectionSettings } from './npd-client.ts';

const ENTRY = fileURLToPath(new URL('../../../npd-sim/main.ts', import.meta.url));

export interface SimulatorProcess {
  port: number;
  controlPort: number;
  /** the client bundle npd-sim issued, as the system owner would enter it */
  connection: NpdConnectionSettings;
  controlToken: string;
  stop(): Promise<void>;
}

/**
 * Runs npd-sim as its own process (as the real NPD is another system), waits until it listens and reads the client
 * bundle it issued. Used by `npm start` in development and by the tests; the system never imports its code.
 */
export async function spawnSimulator(options: { dir: string; port?: number; population?: number; quiet?: boolean }): Promise<SimulatorProcess> {
  const readyFile = path.join(options.dir, 'ready.json');
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  fs.rmSync(readyFile, { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      NPD_SIM_DIR: options.dir,
      NPD_SIM_PORT: String(options.port ?? 0),
      NPD_SIM_CONTROL_PORT: options.port ? String(options.port + 1) : '0',
      ...(options.population ? { NPD_SIM_POPULATION: String(options.population) } : {}),
      NPD_SIM_READY_FILE: readyFile,
    },
    // the IPC channel ties the simulator's life to this process: it leaves when this one dies, however it dies
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'pipe', 'ipc'],
  });
  child.unref();
  child.channel?.unref();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!options.quiet) process.stderr.write(chunk);
  });
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(readyFile) || fs.readFileSync(readyFile, 'utf8').trim() === '') {
    if (child.exitCode !== null) throw new Error(`npd-sim exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npd-sim did not start within 60 s: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const { port, controlPort } = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as { port: number; controlPort: number };
  const read = (f: string) => fs.readFileSync(path.join(options.dir, f), 'utf8');
  const credential = JSON.parse(read('client/credential.json')) as { account: string; password: string };
  return {
    port,
    controlPort,
    controlToken: read('control-token').trim(),
    connection: {
      endpoint: `https://127.0.0.1:${port}`,
      certificate: read('client/client.pem'),
      privateKey: read('client/client-key.pem'),
      caCertificate: read('client/ca.pem'),
      account: credential.account,
      password: credential.password,
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
