import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSimulator } from '../src/modules/registry/simulator.ts';

export type FaultMode = { mode: 'normal' } | { mode: 'slow'; delayMs: number } | { mode: 'failing' } | { mode: 'rate_limited' } | { mode: 'down' } | { mode: 'disconnected' };

export interface SampleCitizen {
  SoDinhDanh: string;
  HoVaTen: string;
  NgayThangNamSinh: string;
  GioiTinh: string;
  HoVaTenCha: string | null;
  HoVaTenMe: string | null;
  SoDinhDanhCha: string | null;
  SoDinhDanhMe: string | null;
}

/** dd/mm/yyyy → yyyy-mm-dd */
export const isoBirthDate = (vn: string) => `${vn.slice(6, 10)}-${vn.slice(3, 5)}-${vn.slice(0, 2)}`;

/**
 * npd-sim as the system meets it in production: a separate process on its own port, spoken to over mutual TLS.
 * Gives what the system owner would be handed (the client bundle) and the control API the fault tests use.
 */
export async function startNpdSim(options: { population?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npd-sim-'));
  const sim = await spawnSimulator({ dir, population: options.population ?? 5000, quiet: true });
  const control = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${sim.controlPort}${route}`, {
      method,
      headers: { authorization: `Bearer ${sim.controlToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`npd-sim control ${route}: ${res.status}`);
    return res.status === 204 ? null : res.json();
  };
  return {
    port: sim.port,
    connection: sim.connection,
    setMode: (mode: FaultMode) => control('PUT', '/mode', mode),
    async sample(count: number, query = ''): Promise<SampleCitizen[]> {
      return ((await control('GET', `/sample?count=${count}${query}`)) as { Items: SampleCitizen[] }).Items;
    },
    async stop() {
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type NpdSimProcess = Awaited<ReturnType<typeof startNpdSim>>;
