/**
 * Journal figures: appends from concurrent requests, the sequencer's integration rate, `verify` rate (median of 5) and
 * an inclusion proof, each beside the machine's raw SHA-256 rate on entry-sized inputs.
 * Run: npx tsx bench/journal.ts   (PGlite; set DATABASE_URL for PostgreSQL)
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { parseVerifierKey } from '../src/modules/journal/checkpoint.ts';
import { record } from '../src/modules/journal/record.ts';
import { rangeRoots } from '../src/modules/journal/nodes.ts';
import { inclusionRanges } from '../src/modules/journal/merkle.ts';
import { integrate, journalSigner } from '../src/modules/journal/sequencer.ts';
import { verifyJournal } from '../src/modules/journal/verify-stream.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { Keys } from '../src/platform/crypto.ts';
import { migrate, openPglite, openPostgres } from '../src/platform/db.ts';
import { systemInTx } from '../src/system.ts';

const ENTRIES = Number(process.env.ENTRIES ?? 20_000);
const CONCURRENCY = 8;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const database = process.env.DATABASE_URL ? await openPostgres(process.env.DATABASE_URL) : await openPglite();
await migrate(database);
const clock = new ManualClock();
const config = loadConfig({ NODE_ENV: 'test' });
const inTx = systemInTx(database, config, Keys.random(), clock);
const signer = journalSigner('motcua/bench/journal', crypto.generateKeyPairSync('ed25519').privateKey);

// Ceiling: SHA-256 of an entry-sized input (one leaf hash; the tree adds about one node hash per leaf).
const sample = Buffer.alloc(400, 7);
let t = performance.now();
for (let i = 0; i < 200_000; i++) crypto.createHash('sha256').update(sample).digest();
const shaPerSecond = 200_000 / ((performance.now() - t) / 1000);
// The one-shot form verify uses (no Hash object per input): what one core can hash at most, before any reading.
t = performance.now();
for (let i = 0; i < 200_000; i++) crypto.hash('sha256', sample, 'hex');
const oneShotPerSecond = 200_000 / ((performance.now() - t) / 1000);

let next = 0;
t = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < ENTRIES) {
      const i = next++;
      await inTx((ctx) => record(ctx, { type: 'bench.entry', target: { type: 'account', id: String(i) }, details: { i, purpose: 'benchmark' } }));
    }
  }),
);
const appendRate = ENTRIES / ((performance.now() - t) / 1000);

const batches: number[] = [];
for (;;) {
  t = performance.now();
  const n = await integrate(database, signer, clock);
  if (n === 0) break;
  batches.push(n / ((performance.now() - t) / 1000));
}
const integrateRate = median(batches);

const verifyRates: number[] = [];
const verifyCpu: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  const cpu = process.cpuUsage();
  const report = await verifyJournal(database.db, parseVerifierKey(signer.vkey));
  if (report.problems.length) throw new Error(report.problems.join('\n'));
  verifyRates.push(report.size / ((performance.now() - t) / 1000));
  const used = process.cpuUsage(cpu);
  verifyCpu.push((used.user + used.system) / report.size);
}
const verifyRate = median(verifyRates);

const proofTimes: number[] = [];
for (let i = 0; i < 50; i++) {
  t = performance.now();
  await rangeRoots(database.db, inclusionRanges((i * 7919) % ENTRIES, ENTRIES));
  proofTimes.push(performance.now() - t);
}

console.log(`machine: ${os.cpus().length} cores, ${database.kind}, ${ENTRIES} entries`);
console.log(`SHA-256 of a 400-byte entry (ceiling): ${Math.round(shaPerSecond).toLocaleString('en')}/s (one-shot crypto.hash: ${Math.round(oneShotPerSecond).toLocaleString('en')}/s)`);
console.log(`appends, ${CONCURRENCY} concurrent one-entry transactions: ${Math.round(appendRate).toLocaleString('en')}/s`);
console.log(`sequencer integration (batches of up to 4096, signed checkpoint each): median ${Math.round(integrateRate).toLocaleString('en')} entries/s`);
console.log(
  `verify (all rows from the database, every leaf and checkpoint): median ${Math.round(verifyRate).toLocaleString('en')} entries/s = ${(verifyRate / shaPerSecond).toFixed(2)} × SHA-256 ceiling (${median(verifyCpu).toFixed(1)} µs of this process's CPU per entry)`,
);
console.log(`inclusion proof from the stored subtrees (tree of ${ENTRIES}): median ${median(proofTimes).toFixed(2)} ms`);
await database.close();
