import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = (probe.address() as net.AddressInfo);
      probe.close(() => resolve(port));
    });
  });
}

/** The embedded-database development server as `npm start` runs it, without demo data (and without DATABASE_URL). */
export function embeddedServerEnv(port: number, dataDir: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  // npd-sim runs beside the server in development: on a free port, so parallel runs do not collide
  return { ...rest, NODE_ENV: 'development', MOTCUA_DEMO: 'false', MOTCUA_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', NPD_SIM_PORT: '0', ...extra };
}

/**
 * Starts `motcua serve` with this environment and resolves once it answers /api/health on its PORT (within 90 s, as the
 * e2e harness: a loaded 2-core machine starts it slowly). The caller kills it.
 */
export async function startServerProcess(env: Record<string, string | undefined>, onOutput?: (text: string) => void): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/motcua.mjs', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => onOutput?.(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => onOutput?.(chunk.toString()));
  for (let i = 0; i < 900; i++) {
    if (await fetch(`http://127.0.0.1:${env.PORT}/api/health`).then((r) => r.ok, () => false)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not start');
}

/** Resolves when the process has exited. */
export const stopped = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
