import { loadConfig } from './platform/config.ts';
import { startSystem } from './system.ts';

/** The process: configuration, listen, graceful shutdown. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  const system = await startSystem(config);
  for (const line of system.notices) console.log(line);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    system.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await system.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await system.app.listen({ port: config.port, host: config.host });
  console.log(`motcua: ${config.publicUrl} (${system.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL'})`);
}
