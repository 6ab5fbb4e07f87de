/**
 * Throughput of the lookup path: the simulator in this process, driven over mutual TLS with keep-alive by 32
 * concurrent callers for DURATION_MS, 80% KHOP, 10% KHONG_KHOP, 10% KHONG_TIM_THAY. Prints requests/s, p50, p99.
 * Run: npx tsx npd-sim/bench.ts   (POPULATION, DURATION_MS, CONCURRENCY to change the defaults)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { startNpdSim } from './sim.ts';

const POPULATION = Number(process.env.POPULATION ?? 20_000);
const DURATION_MS = Number(process.env.DURATION_MS ?? 5_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npd-sim-bench-'));
const sim = await startNpdSim({ dir, port: 0, controlPort: 0, population: POPULATION });
const read = (file: string) => fs.readFileSync(path.join(dir, 'client', file), 'utf8');
const credential = JSON.parse(read('credential.json')) as { account: string; password: string };
const token = fs.readFileSync(path.join(dir, 'control-token'), 'utf8');

const sample = (await (
  await fetch(`http://127.0.0.1:${sim.controlPort}/sample?count=1000`, { headers: { authorization: `Bearer ${token}` } })
).json()) as { Items: { SoDinhDanh: string; HoVaTen: string; NgayThangNamSinh: string }[] };
const bodies = sample.Items.map((p, i) => {
  const kind = i % 10;
  const personalId = kind === 9 ? '099999999999' : p.SoDinhDanh;
  const name = kind === 8 ? `${p.HoVaTen} Khác` : p.HoVaTen;
  return JSON.stringify({ MaYeuCau: `bench-${i}`, MaDVC: '1.001193', MaTichHop: 'bench', MaDonVi: 'bench', MaCanBo: 'bench', SoDinhDanh: personalId, HoVaTen: name, NgayThangNamSinh: p.NgayThangNamSinh });
});

const pool = new Pool(`https://localhost:${sim.port}`, { connections: CONCURRENCY, connect: { cert: read('client.pem'), key: read('client-key.pem'), ca: read('ca.pem') } });
const headers = { authorization: `Basic ${Buffer.from(`${credential.account}:${credential.password}`).toString('base64')}`, 'content-type': 'application/json' };
const latencies: number[] = [];
let failures = 0;
const until = performance.now() + DURATION_MS;
const started = performance.now();

async function caller(offset: number): Promise<void> {
  for (let i = offset; performance.now() < until; i += CONCURRENCY) {
    const begin = performance.now();
    const response = await pool.request({ path: '/api/v1/cong-dan/tra-cuu', method: 'POST', headers, body: bodies[i % bodies.length]! });
    await response.body.text();
    if (response.statusCode !== 200) failures += 1;
    latencies.push(performance.now() - begin);
  }
}

await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => caller(i)));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2);
console.log(
  `tra-cuu over mTLS, ${CONCURRENCY} concurrent, ${POPULATION} people: ${Math.round(latencies.length / elapsed)} requests/s, p50 ${percentile(0.5)} ms, p99 ${percentile(0.99)} ms (${latencies.length} requests, ${failures} not 200)`,
);
await pool.close();
await sim.close();
fs.rmSync(dir, { recursive: true, force: true });
