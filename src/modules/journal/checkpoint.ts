import crypto, { type KeyObject } from 'node:crypto';

/**
 * Checkpoints in the C2SP `tlog-checkpoint` format, signed as C2SP `signed-note`s with Ed25519:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n
 *   \n
 *   — <key name> <base64(key id ‖ signature)>\n
 *
 * Anyone holding the verifier key (`<name>+<key id hex>+<base64(0x01 ‖ public key)>`) can check it offline.
 *
 * A witness adds a C2SP `tlog-cosignature` (cosignature/v1, Ed25519): a signature line whose payload is
 * key id ‖ u64 big-endian timestamp ‖ Ed25519 signature over "cosignature/v1\ntime <timestamp>\n" ‖ note body, with
 * key type 0x04 in its key id and verifier key.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

const ED25519 = 0x01;
const COSIGNATURE_V1 = 0x04;
const SIGNATURE_PREFIX = '— ';
/** Date's range in seconds: cosignature timestamps beyond it (the format allows up to 2^63 - 1) are refused. */
const MAX_TIMESTAMP = 8_640_000_000_000n;

export class NoteError extends Error {}

function rawPublicKey(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
}

/** The 4-byte key id: SHA-256(name ‖ "\n" ‖ key type ‖ public key)[:4]. */
function keyId(name: string, type: number, rawKey: Buffer): Buffer {
  return crypto.createHash('sha256').update(`${name}\n`).update(Buffer.from([type])).update(rawKey).digest().subarray(0, 4);
}

function validName(name: string): boolean {
  return name.length > 0 && !/[\s+]/.test(name);
}

export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
}

export interface NoteVerifier {
  name: string;
  id: Buffer;
  publicKey: KeyObject;
}

function encodeVerifierKey(name: string, type: number, publicKey: KeyObject): string {
  if (!validName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyId(name, type, raw).toString('hex')}+${Buffer.concat([Buffer.from([type]), raw]).toString('base64')}`;
}

function decodeVerifierKey(vkey: string, type: number): NoteVerifier {
  // The key data is base64 and may itself contain '+': only the first two separate fields.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey.trim());
  if (!match) throw new NoteError('malformed verifier key');
  const [, name, idHex, data] = match as unknown as [string, string, string, string];
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length !== 33 || bytes[0] !== type) {
    throw new NoteError(type === ED25519 ? 'not an Ed25519 verifier key' : 'not an Ed25519 cosignature/v1 verifier key');
  }
  const raw = bytes.subarray(1);
  const id = keyId(name, type, raw);
  if (id.toString('hex') !== idHex) throw new NoteError('verifier key id does not match its key');
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return { name, id, publicKey };
}

export function verifierKey(name: string, publicKey: KeyObject): string {
  return encodeVerifierKey(name, ED25519, publicKey);
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  return decodeVerifierKey(vkey, ED25519);
}

/** A witness's key: cosignatures are checked with `vkey`, `name+<key id hex>+base64(0x04 ‖ public key)`. */
export interface Cosigner {
  name: string;
  privateKey: KeyObject;
  vkey: string;
}

export function cosigner(name: string, privateKey: KeyObject): Cosigner {
  return { name, privateKey, vkey: encodeVerifierKey(name, COSIGNATURE_V1, crypto.createPublicKey(privateKey)) };
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (!cp.origin || cp.origin.includes('\n')) throw new NoteError('invalid origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new NoteError('invalid tree size');
  return `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  const [origin, size, root] = lines;
  if (!origin || !size || !root || !/^(0|[1-9]\d*)$/.test(size)) throw new NoteError('malformed checkpoint');
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== root) throw new NoteError('malformed checkpoint root');
  return { origin, size: Number(size), root: hash };
}

function signatureLine(name: string, payload: Buffer): string {
  return `${SIGNATURE_PREFIX}${name} ${payload.toString('base64')}\n`;
}

interface NoteSignature {
  name: string;
  bytes: Buffer;
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed signature line');
  const [name, b64, ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
  const bytes = Buffer.from(b64 ?? '', 'base64');
  if (!name || rest.length > 0 || bytes.length < 5 || bytes.toString('base64') !== b64) throw new NoteError('malformed signature line');
  return { name, bytes };
}

/** Splits a signed note into its text (ending in a newline) and its signatures. */
function splitNote(note: string): { text: string; signatures: NoteSignature[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note');
  return { text: note.slice(0, split + 1), signatures: note.slice(split + 2, -1).split('\n').map(parseSignatureLine) };
}

export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n')) throw new NoteError('a note text ends with a newline');
  const raw = rawPublicKey(crypto.createPublicKey(signer.privateKey));
  const signature = crypto.sign(null, Buffer.from(text), signer.privateKey);
  return `${text}\n${signatureLine(signer.name, Buffer.concat([keyId(signer.name, ED25519, raw), signature]))}`;
}

/**
 * Adds signature lines (a witness's answer, C2SP tlog-witness) to a signed note. Only their form is checked here:
 * who signed is for `openNote` and `verifyCosignature`.
 */
export function addSignatures(note: string, lines: string): string {
  splitNote(note);
  if (!lines.endsWith('\n')) throw new NoteError('malformed signature lines');
  lines.slice(0, -1).split('\n').forEach(parseSignatureLine);
  return note + lines;
}

/** Returns the note's text if a known verifier signed it; unknown signatures are ignored, a bad known one is an error. */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; signedBy: string[] } {
  const { text, signatures } = splitNote(note);
  const signedBy: string[] = [];
  for (const { name, bytes } of signatures) {
    const verifier = verifiers.find((v) => v.name === name && v.id.equals(bytes.subarray(0, 4)));
    if (!verifier) continue;
    if (!crypto.verify(null, Buffer.from(text), verifier.publicKey, bytes.subarray(4))) throw new NoteError(`invalid signature by ${name}`);
    signedBy.push(name);
  }
  if (signedBy.length === 0) throw new NoteError('no signature by a known key');
  return { text, signedBy };
}

/** The message a cosignature/v1 signs: a header line, a time line, then the whole note text (extension lines too). */
function cosignedMessage(text: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** The witness's cosignature/v1 line on a checkpoint's note text, made at `time` (whole seconds). */
export function cosign(text: string, witness: Cosigner, time: Date): string {
  if (!text.endsWith('\n') || text.includes('\n\n')) throw new NoteError('a note text ends with a newline and has no blank line');
  const seconds = Math.floor(time.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new NoteError('invalid cosignature time');
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(seconds));
  const signature = crypto.sign(null, cosignedMessage(text, BigInt(seconds)), witness.privateKey);
  const id = keyId(witness.name, COSIGNATURE_V1, rawPublicKey(crypto.createPublicKey(witness.privateKey)));
  return signatureLine(witness.name, Buffer.concat([id, timestamp, signature]));
}

/**
 * Checks the cosignature/v1 of the witness `vkey` on a signed note (a checkpoint with the witness's answer appended)
 * and returns its time. Other signatures are ignored; no cosignature by the key, or a bad one, is an error.
 */
export function verifyCosignature(note: string, vkey: string): Date {
  const witness = decodeVerifierKey(vkey, COSIGNATURE_V1);
  const { text, signatures } = splitNote(note);
  let latest: Date | undefined;
  for (const { name, bytes } of signatures) {
    if (name !== witness.name || !witness.id.equals(bytes.subarray(0, 4))) continue;
    if (bytes.length !== 4 + 8 + 64) throw new NoteError(`malformed cosignature by ${name}`);
    const timestamp = bytes.readBigUInt64BE(4);
    if (timestamp > MAX_TIMESTAMP) throw new NoteError(`cosignature by ${name} has a time out of range`);
    if (!crypto.verify(null, cosignedMessage(text, timestamp), witness.publicKey, bytes.subarray(12))) throw new NoteError(`invalid cosignature by ${name}`);
    const at = new Date(Number(timestamp) * 1000);
    if (!latest || at > latest) latest = at;
  }
  if (!latest) throw new NoteError(`no cosignature by ${witness.name}`);
  return latest;
}
