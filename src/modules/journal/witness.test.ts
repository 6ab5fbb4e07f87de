import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { formatCheckpoint, openNote, parseVerifierKey, signNote } from './checkpoint.ts';
import { record } from './journal.service.ts';
import { leafHash, rootOf } from './merkle.ts';
import { integrate, journalPublication, journalSigner, publishToWitness } from './sequencer.ts';
import { addCheckpoint, startWitnessServer, witnessRequest } from './witness.ts';

const log = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
const witnessKey = journalSigner('witness/pc06', crypto.generateKeyPairSync('ed25519').privateKey);
const HOUR = 3_600_000;

let sys: TestSystem;
let server: http.Server;
let url: string;
const stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-witness-')), 'latest.json');

async function addEntries(n: number) {
  for (let i = 0; i < n; i++) await sys.inTx((ctx) => record(ctx, { type: 'test.entry', details: { i } }));
  await integrate(sys.database, log, sys.clock);
}

beforeAll(async () => {
  sys = await startTestSystem();
  server = await startWitnessServer({ port: 0, host: '127.0.0.1', stateFile, log: parseVerifierKey(log.vkey), witness: witnessKey });
  const address = server.address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.close();
  await sys.close();
});

describe('R25: witnessing the journal', () => {
  it('the witness accepts each new checkpoint that extends the last, and countersigns it', async () => {
    await addEntries(5);
    expect(await publishToWitness(sys.database, url, sys.clock)).toBe(5);
    await addEntries(8);
    expect(await publishToWitness(sys.database, url, sys.clock)).toBe(8);
    expect(await publishToWitness(sys.database, url, sys.clock)).toBe(0);
    const held = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    expect(held.size).toBe(13);
    expect(openNote(held.note, [parseVerifierKey(witnessKey.vkey)]).signedBy).toEqual(['witness/pc06']);
    expect(openNote(held.note, [parseVerifierKey(log.vkey)]).signedBy).toEqual(['motcua/19/journal']);
  });

  const leaves = (n: number, tag = 'x') => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`${tag}${i}`)));
  const note = (ls: Buffer[], signer = log) => signNote(formatCheckpoint({ origin: 'motcua/19/journal', size: ls.length, root: rootOf(ls) }), signer);
  const held = { size: 4, root: rootOf(leaves(4)).toString('hex'), note: '' };

  it('should not accept a checkpoint that rewrites the history the witness holds (422)', () => {
    const rewritten = [...leaves(2), ...leaves(4, 'y')];
    expect(addCheckpoint(held, witnessRequest(4, [], note(rewritten)), parseVerifierKey(log.vkey), witnessKey).status).toBe(422);
  });

  it('answers the size it holds when the sender assumes another one (409), and refuses a shorter tree', () => {
    expect(addCheckpoint(held, witnessRequest(2, [], note(leaves(6))), parseVerifierKey(log.vkey), witnessKey)).toEqual({ status: 409, body: '4\n' });
    expect(addCheckpoint(held, witnessRequest(4, [], note(leaves(3))), parseVerifierKey(log.vkey), witnessKey).status).toBe(409);
  });

  it('should not accept a checkpoint signed by another key (403)', () => {
    const forger = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
    expect(addCheckpoint(null, witnessRequest(0, [], note(leaves(3), forger)), parseVerifierKey(log.vkey), witnessKey).status).toBe(403);
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
