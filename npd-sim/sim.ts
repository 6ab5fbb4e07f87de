import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { controlApiHandler } from './control-api.ts';
import { parseFaultMode, type FaultMode } from './faults.ts';
import { npdApiHandler } from './npd-api.ts';
import { ensureMaterials } from './pki.ts';
import { buildPopulation } from './population.ts';
import { defaultSharedDir, loadReferenceData } from './reference-data.ts';
import { RequestLog } from './request-log.ts';

export type { FaultMode } from './faults.ts';

export interface NpdSimOptions {
  dir: string;
  port?: number;
  controlPort?: number;
  host?: string;
  seed?: string;
  population?: number;
  sharedDir?: string;
}

export interface NpdSim {
  port: number;
  controlPort: number;
  dir: string;
  setMode(mode: FaultMode): void;
  close(): Promise<void>;
}

export const DEFAULTS = { port: 8443, host: '127.0.0.1', seed: 'motcua', population: 20_000 } as const;
// Longer than a client's idle timeout (undici: 4 s), so that the client, not the server, closes idle connections.
const KEEP_ALIVE_MS = 30_000;

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Starts the simulator: key material and population first, then the NPD API (mTLS) and the control API. */
export async function startNpdSim(options: NpdSimOptions): Promise<NpdSim> {
  const dir = path.resolve(options.dir);
  const host = options.host ?? DEFAULTS.host;
  const port = options.port ?? DEFAULTS.port;
  const controlPort = options.controlPort ?? (port === 0 ? 0 : port + 1);
  const materials = await ensureMaterials(dir);
  const population = buildPopulation(loadReferenceData(options.sharedDir ?? defaultSharedDir()), options.seed ?? DEFAULTS.seed, options.population ?? DEFAULTS.population);
  const log = new RequestLog(path.join(dir, 'requests.jsonl'));

  let mode: FaultMode = { mode: 'normal' };
  const setMode = (next: FaultMode) => {
    const checked = parseFaultMode(next);
    if (typeof checked === 'string') throw new Error(checked);
    mode = checked;
  };

  const api = https.createServer(
    {
      key: materials.serverKeyPem,
      cert: materials.serverCertPem,
      ca: materials.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      keepAlive: true,
    },
    npdApiHandler({ population, log, credential: materials.credential, mode: () => mode }),
  );
  api.keepAliveTimeout = KEEP_ALIVE_MS;
  const control = http.createServer(controlApiHandler({ token: materials.controlToken, population, mode: () => mode, setMode }));
  let closing: Promise<void> | null = null;
  const shutdown = () => {
    closing ??= Promise.all([close(api), close(control)]).then(() => log.close());
    return closing;
  };
  try {
    const apiPort = await listen(api, port, host);
    const boundControlPort = await listen(control, controlPort, host);
    return { port: apiPort, controlPort: boundControlPort, dir, setMode, close: shutdown };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
