import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { desc } from 'drizzle-orm';
import { cosigner, formatCheckpoint, openNote, parseVerifierKey, signNote, verifyCosignature } from './checkpoint.ts';
import { record } from './record.ts';
import { journalWitnessed } from './journal.tables.ts';
import { leafHash, rootOf } from './merkle.ts';
import { integrate, journalPublication, journalSigner, publishToWitness } from './sequencer.ts';
import { addCheckpoint, loadWitnessKey, startWitnessServer, witnessRequest } from './witness.ts';

const log = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
const logKey = parseVerifierKey(log.vkey);
const witnessKey = cosigner('witness/pc06', crypto.generateKeyPairSync('ed25519').privateKey);
const HOUR = 3_600_000;
const inWholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

let sys: TestSystem;
let server: http.Server;
let url: string;
let witnessVkey: string;
const stateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-witness-')), 'state');

async function addEntries(n: number) {
  for (let i = 0; i < n; i++) await sys.inTx((ctx) => record(ctx, { type: 'test.entry', details: { i } }));
  await integrate(sys.database, log, sys.clock);
}

beforeAll(async () => {
  sys = await startTestSystem();
  ({ server, vkey: witnessVkey } = await startWitnessServer({ port: 0, host: '127.0.0.1', stateDir, name: 'witness/pc06', log: logKey, clock: sys.clock }));
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.close();
  await sys.close();
});

describe('R25: witnessing the journal', () => {
  it('the witness accepts each new checkpoint that extends the last, and cosigns it (cosignature/v1) at its clock time', async () => {
    await addEntries(5);
    expect(await publishToWitness(sys.database, url, sys.clock)).toBe(5);
    sys.clock.advance(90_000);
    await addEntries(8);
    expect(await publishToWitness(sys.database, url, sys.clock)).toBe(8);
    expect(await publishToWitness(sys.database, url, sys.clock)).toBe(0);
    const held = JSON.parse(fs.readFileSync(path.join(stateDir, 'latest.json'), 'utf8'));
    expect(held.size).toBe(13);
    expect(verifyCosignature(held.note, witnessVkey)).toEqual(inWholeSeconds(sys.clock.now()));
    expect(openNote(held.note, [logKey]).signedBy).toEqual(['motcua/19/journal']);
    const [stored] = await sys.database.db.select().from(journalWitnessed).orderBy(desc(journalWitnessed.size)).limit(1);
    expect(stored!.size).toBe(13);
    expect(verifyCosignature(stored!.note, witnessVkey)).toEqual(inWholeSeconds(sys.clock.now()));
    expect(openNote(stored!.note, [logKey]).signedBy).toEqual(['motcua/19/journal']);
  });

  it('keeps its key in its state directory (mode 0600), created on first start and the same afterwards', () => {
    expect(fs.statSync(path.join(stateDir, 'witness.key')).mode & 0o777).toBe(0o600);
    expect(loadWitnessKey(stateDir, 'witness/pc06').vkey).toBe(witnessVkey);
  });

  const leaves = (n: number, tag = 'x') => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`${tag}${i}`)));
  const note = (ls: Buffer[], signer = log) => signNote(formatCheckpoint({ origin: 'motcua/19/journal', size: ls.length, root: rootOf(ls) }), signer);
  const held = { size: 4, root: rootOf(leaves(4)).toString('hex'), note: '' };

  const at = new Date('2026-03-02T02:00:00Z');
  const add = (state: typeof held | null, request: string) => addCheckpoint(state, request, logKey, witnessKey, at);

  it('answers only its cosignature line, which verifies appended to the submitted checkpoint (C2SP tlog-witness)', () => {
    const submitted = note(leaves(3));
    const answer = add(null, witnessRequest(0, [], submitted));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^— witness\/pc06 [A-Za-z0-9+/]+=*\n$/);
    expect(verifyCosignature(submitted + answer.body, witnessKey.vkey)).toEqual(at);
  });

  it('should not accept a checkpoint that rewrites the history the witness holds (422)', () => {
    const rewritten = [...leaves(2), ...leaves(4, 'y')];
    expect(add(held, witnessRequest(4, [], note(rewritten))).status).toBe(422);
  });

  it('answers the size it holds when the sender assumes another one (409)', () => {
    expect(add(held, witnessRequest(2, [], note(leaves(6))))).toEqual({ status: 409, body: '4\n' });
  });

  it('should not accept a shorter tree (400: old size beyond the checkpoint) nor another root at the size it holds (409)', () => {
    expect(add(held, witnessRequest(4, [], note(leaves(3)))).status).toBe(400);
    expect(add(held, witnessRequest(4, [], note(leaves(4, 'y'))))).toEqual({ status: 409, body: '4\n' });
    expect(add(held, witnessRequest(4, [], note(leaves(4)))).status).toBe(200);
  });

  it('should not accept a checkpoint signed by another key (403) nor one of another log (404)', () => {
    const forger = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
    expect(add(null, witnessRequest(0, [], note(leaves(3), forger))).status).toBe(403);
    const otherLog = journalSigner('motcua/20/journal', crypto.generateKeyPairSync('ed25519').privateKey);
    const otherNote = signNote(formatCheckpoint({ origin: otherLog.name, size: 3, root: rootOf(leaves(3)) }), otherLog);
    expect(add(null, witnessRequest(0, [], otherNote)).status).toBe(404);
  });

  it('fails closed when entries older than 4 hours are in no witnessed checkpoint, and recovers once witnessed', async () => {
    const limit = 4 * HOUR;
    await addEntries(2);
    expect((await journalPublication(sys.database.db, sys.clock.now(), limit, url)).failClosed).toBe(false);
    sys.clock.advance(4 * HOUR + 1000);
    expect((await journalPublication(sys.database.db, sys.clock.now(), limit, url)).failClosed).toBe(true);
    await publishToWitness(sys.database, url, sys.clock);
    expect(await journalPublication(sys.database.db, sys.clock.now(), limit, url)).toMatchObject({ failClosed: false, witness: { size: 15 } });
  });
});
