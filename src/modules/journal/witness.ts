import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { addSignatures, cosign, cosigner, NoteError, openNote, parseCheckpoint, type Cosigner, type NoteVerifier } from './checkpoint.ts';
import { verifyConsistency } from './merkle.ts';

/**
 * A witness, for the provincial police or inspectorate: it keeps only the latest checkpoint it accepted and refuses
 * one that does not extend it, so the journal's history cannot be rewritten or truncated without the witness seeing.
 * It speaks C2SP tlog-witness `add-checkpoint`:
 *
 *   old <size>\n<consistency proof hash, base64>\n…\n\n<signed checkpoint note>
 *
 * 200 answers the witness's C2SP cosignature/v1 line on the checkpoint; 409 answers the size the witness holds.
 */

export interface WitnessState {
  size: number;
  root: string;
  /** The checkpoint as the witness cosigned it: the log's note with the cosignature line appended. */
  note: string;
}

export type WitnessAnswer = { status: 200; body: string; state: WitnessState } | { status: 400 | 403 | 404 | 409 | 422; body: string };

/** The checks of tlog-witness, in its order; `now` is the time the cosignature states. */
export function addCheckpoint(state: WitnessState | null, request: string, log: NoteVerifier, witness: Cosigner, now: Date): WitnessAnswer {
  const split = request.indexOf('\n\n');
  if (split < 0) return { status: 400, body: 'malformed request\n' };
  const [oldLine, ...proofLines] = request.slice(0, split).split('\n');
  const oldSize = /^old (0|[1-9]\d*)$/.exec(oldLine ?? '')?.[1];
  if (oldSize === undefined) return { status: 400, body: 'malformed old size\n' };
  if (proofLines.length > 63) return { status: 400, body: 'too many consistency proof lines\n' };
  const note = request.slice(split + 2);
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(note);
  } catch {
    return { status: 400, body: 'malformed checkpoint\n' };
  }
  if (checkpoint.origin !== log.name) return { status: 404, body: 'unknown log\n' };
  let text;
  try {
    text = openNote(note, [log]).text;
  } catch (err) {
    return { status: 403, body: `${err instanceof NoteError ? err.message : 'unreadable checkpoint'}\n` };
  }
  if (Number(oldSize) > checkpoint.size) return { status: 400, body: 'old size beyond the checkpoint size\n' };
  const held = state?.size ?? 0;
  if (Number(oldSize) !== held) return { status: 409, body: `${held}\n` };
  const heldRoot = state ? Buffer.from(state.root, 'hex') : Buffer.alloc(32);
  if (held > 0 && held === checkpoint.size && !heldRoot.equals(checkpoint.root)) return { status: 409, body: `${held}\n` };
  const proof = proofLines.map((l) => Buffer.from(l, 'base64'));
  if (!verifyConsistency(held, checkpoint.size, heldRoot, checkpoint.root, proof)) {
    return { status: 422, body: 'the checkpoint does not extend the one this witness holds\n' };
  }
  const cosignature = cosign(text, witness, now);
  return { status: 200, body: cosignature, state: { size: checkpoint.size, root: checkpoint.root.toString('hex'), note: addSignatures(note, cosignature) } };
}

export function witnessRequest(oldSize: number, proof: readonly Buffer[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${note}`;
}

/** The witness's Ed25519 key, in `witness.key` of its state directory (mode 0600), created on first start. */
export function loadWitnessKey(stateDir: string, name: string): Cosigner {
  const file = path.join(stateDir, 'witness.key');
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return cosigner(name, crypto.createPrivateKey(fs.readFileSync(file)));
}

/**
 * The witness as a small HTTP server. Its state directory holds its key and the latest checkpoint it cosigned, one
 * file written atomically. Resolves with the server and the witness's verifier key, for the logs that check it.
 */
export async function startWitnessServer(options: {
  port: number;
  host: string;
  stateDir: string;
  name: string;
  log: NoteVerifier;
  clock?: Clock;
}): Promise<{ server: http.Server; vkey: string }> {
  const witness = loadWitnessKey(options.stateDir, options.name);
  const clock = options.clock ?? systemClock;
  const stateFile = path.join(options.stateDir, 'latest.json');
  const read = (): WitnessState | null => (fs.existsSync(stateFile) ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as WitnessState) : null);
  const write = (state: WitnessState) => {
    const tmp = `${stateFile}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, stateFile);
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/add-checkpoint') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      // Requests are handled one at a time by the event loop, so read-check-write cannot interleave; the state is
      // persisted before the cosignature is answered.
      const answer = addCheckpoint(read(), Buffer.concat(chunks).toString('utf8'), options.log, witness, clock.now());
      if (answer.status === 200) write(answer.state);
      res.writeHead(answer.status, { 'content-type': answer.status === 409 ? 'text/x.tlog.size' : 'text/plain; charset=utf-8' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  return { server, vkey: witness.vkey };
}
