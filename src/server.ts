import path from 'node:path';
import { spawnSimulator, type SimulatorProcess } from './modules/registry/index.ts';
import { loadConfig } from './platform/config.ts';
import { operatorMessage } from './platform/log.ts';
import { startSystem } from './system.ts';

/** The process: configuration, listen, graceful shutdown. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const system = await startSystem(config);
  for (const line of system.notices) console.log(line);
  // development: the NPD simulator runs beside the server, as its own process (MOTCUA_NPD_SIM=false to skip)
  let simulator: SimulatorProcess | null = null;
  if (config.npd.simulator) {
    try {
      simulator = await spawnSimulator({ dir: path.join(config.dataDir, 'npd-sim'), port: Number(process.env.NPD_SIM_PORT ?? 8443) });
      for (const line of await system.useSimulator(simulator.connection)) console.log(line);
    } catch (err) {
      // the system works without it; only lookups wait for a connection (e.g. the port is taken: set NPD_SIM_PORT)
      console.warn(`CẢNH BÁO / WARNING: npd-sim did not start, lookups are unavailable: ${operatorMessage(err).split('\n')[0]}`);
    }
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    system.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await system.close();
    await simulator?.stop();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Under `npm start` the server is npm's child: npm stopped without passing the signal on (killed, its terminal
  // closed) must not leave the server and npd-sim running with nobody to stop them. A server started on its own
  // (systemd, a container, nohup) keeps running when its parent leaves.
  if (process.env.npm_lifecycle_event === 'start') {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && void shutdown('parent gone'), 1000).unref();
  }
  await system.app.listen({ port: config.port, host: config.host });
  console.log(`motcua: ${config.publicUrl} (${system.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
}
