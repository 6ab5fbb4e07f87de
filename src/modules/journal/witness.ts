import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { cosignNote, NoteError, openNote, parseCheckpoint, type NoteSigner, type NoteVerifier } from './checkpoint.ts';
import { verifyConsistency } from './merkle.ts';

/**
 * A witness, for the provincial police or inspectorate: it keeps only the latest checkpoint it accepted and refuses
 * one that does not extend it, so the journal's history cannot be rewritten or truncated without the witness seeing.
 * Requests follow the shape of C2SP tlog-witness `add-checkpoint`:
 *
 *   old <size>\n<consistency proof hash, base64>\n…\n\n<signed checkpoint note>
 *
 * 200 answers the checkpoint with the witness's signature added; 409 answers the size the witness holds.
 * (The added signature is a plain Ed25519 signed-note signature, not yet the C2SP cosignature/v1 format.)
 */

export interface WitnessState {
  size: number;
  root: string;
  note: string;
}

export type WitnessAnswer = { status: 200; body: string; state: WitnessState } | { status: 400 | 403 | 409 | 422; body: string };

export function addCheckpoint(state: WitnessState | null, request: string, log: NoteVerifier, witness: NoteSigner): WitnessAnswer {
  const split = request.indexOf('\n\n');
  if (split < 0) return { status: 400, body: 'malformed request\n' };
  const [oldLine, ...proofLines] = request.slice(0, split).split('\n');
  const oldSize = /^old (0|[1-9]\d*)$/.exec(oldLine ?? '')?.[1];
  if (oldSize === undefined) return { status: 400, body: 'malformed old size\n' };
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(request.slice(split + 2), [log]).text);
  } catch (err) {
    return { status: 403, body: `${err instanceof NoteError ? err.message : 'unreadable checkpoint'}\n` };
  }
  if (checkpoint.origin !== log.name) return { status: 403, body: 'unknown log\n' };
  const held = state?.size ?? 0;
  if (Number(oldSize) !== held) return { status: 409, body: `${held}\n` };
  if (checkpoint.size < held) return { status: 409, body: `${held}\n` };
  const proof = proofLines.map((l) => Buffer.from(l, 'base64'));
  const heldRoot = state ? Buffer.from(state.root, 'hex') : Buffer.alloc(32);
  if (held > 0 && !verifyConsistency(held, checkpoint.size, heldRoot, checkpoint.root, proof)) {
    return { status: 422, body: 'the checkpoint does not extend the one this witness holds\n' };
  }
  const cosigned = cosignNote(request.slice(split + 2), witness);
  return { status: 200, body: cosigned, state: { size: checkpoint.size, root: checkpoint.root.toString('hex'), note: cosigned } };
}


export function witnessRequest(oldSize: number, proof: readonly Buffer[], note: string): string {
  return `old ${oldSize}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${note}`;
}

/** The witness as a small HTTP server whose state is one file, written atomically. */
export function startWitnessServer(options: { port: number; host: string; stateFile: string; log: NoteVerifier; witness: NoteSigner }): Promise<http.Server> {
  const read = (): WitnessState | null => (fs.existsSync(options.stateFile) ? (JSON.parse(fs.readFileSync(options.stateFile, 'utf8')) as WitnessState) : null);
  const write = (state: WitnessState) => {
    const tmp = `${options.stateFile}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, options.stateFile);
  };
  fs.mkdirSync(path.dirname(path.resolve(options.stateFile)), { recursive: true });
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
      // Requests are handled one at a time by the event loop, so read-check-write cannot interleave.
      const answer = addCheckpoint(read(), Buffer.concat(chunks).toString('utf8'), options.log, options.witness);
      if (answer.status === 200) write(answer.state);
      res.writeHead(answer.status, { 'content-type': answer.status === 409 ? 'text/x.tlog.size' : 'text/plain; charset=utf-8' }).end(answer.body);
    });
  });
  return new Promise((resolve) => server.listen(options.port, options.host, () => resolve(server)));
}
