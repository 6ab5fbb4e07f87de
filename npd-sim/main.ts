import fs from 'node:fs';
import path from 'node:path';
import { MAX_POPULATION } from './population.ts';
import { DEFAULTS, startNpdSim } from './sim.ts';

/** `npm run npd-sim`: the simulator as its own process, configured by NPD_SIM_* variables. */

function integerEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`npd-sim: ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const port = integerEnv('NPD_SIM_PORT', DEFAULTS.port, 0, 65_535);
const controlPort = integerEnv('NPD_SIM_CONTROL_PORT', port === 0 ? 0 : port + 1, 0, 65_535);
const population = integerEnv('NPD_SIM_POPULATION', DEFAULTS.population, 1, MAX_POPULATION);
const host = process.env.NPD_SIM_HOST || DEFAULTS.host;
const seed = process.env.NPD_SIM_SEED || DEFAULTS.seed;
const dir = path.resolve(process.env.NPD_SIM_DIR || './data/npd-sim');
const readyFile = process.env.NPD_SIM_READY_FILE ? path.resolve(process.env.NPD_SIM_READY_FILE) : null;

// A ready file left by an earlier run would send whoever waits for this one to the old ports.
if (readyFile) fs.rmSync(readyFile, { force: true });

const sim = await startNpdSim({ dir, port, controlPort, host, seed, population }).catch((error: Error) => {
  console.error(`npd-sim: could not start: ${error.message}`);
  process.exit(1);
});
// The log line first, the ready file after: whoever waits for the file may read the log at once. The callback waits
// until the line has left this process (stdout to a pipe need not be synchronous).
await new Promise<void>((resolve) =>
  process.stdout.write(
    `npd-sim (synthetic data) on https://${host}:${sim.port}, control http://${host}:${sim.controlPort}, client bundle ${path.join(dir, 'client')}, ${population} people (seed "${seed}")\n`,
    () => resolve(),
  ),
);
if (readyFile) {
  // Written whole then renamed, so that a reader polling for the file never sees half of it.
  fs.writeFileSync(`${readyFile}.tmp`, JSON.stringify({ port: sim.port, controlPort: sim.controlPort }));
  fs.renameSync(`${readyFile}.tmp`, readyFile);
}

const stop = async () => {
  await sim.close();
  if (readyFile) fs.rmSync(readyFile, { force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Started by another process with an IPC channel (motcua in development, the tests): leave with it, even if it was
// killed with SIGKILL and never sent SIGTERM.
if (process.send) process.once('disconnect', () => void stop());
