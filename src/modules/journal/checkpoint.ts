import crypto, { type KeyObject } from 'node:crypto';

/**
 * Checkpoints in the C2SP `tlog-checkpoint` format, signed as C2SP `signed-note`s with Ed25519:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n
 *   \n
 *   — <key name> <base64(key id ‖ signature)>\n
 *
 * Anyone holding the verifier key (`<name>+<key id hex>+<base64(0x01 ‖ public key)>`) can check it offline.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '— ';

export class NoteError extends Error {}

function rawPublicKey(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
}

/** The 4-byte key id: SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[:4]. */
function keyId(name: string, rawKey: Buffer): Buffer {
  return crypto.createHash('sha256').update(`${name}\n`).update(Buffer.from([ED25519])).update(rawKey).digest().subarray(0, 4);
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

export function verifierKey(name: string, publicKey: KeyObject): string {
  if (!validName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyId(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  // The key data is base64 and may itself contain '+': only the first two separate fields.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey.trim());
  if (!match) throw new NoteError('malformed verifier key');
  const [, name, idHex, data] = match as unknown as [string, string, string, string];
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519) throw new NoteError('not an Ed25519 verifier key');
  const raw = bytes.subarray(1);
  const id = keyId(name, raw);
  if (id.toString('hex') !== idHex) throw new NoteError('verifier key id does not match its key');
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return { name, id, publicKey };
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

function signatureLine(text: string, signer: NoteSigner): string {
  const raw = rawPublicKey(crypto.createPublicKey(signer.privateKey));
  const signature = crypto.sign(null, Buffer.from(text), signer.privateKey);
  return `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([keyId(signer.name, raw), signature]).toString('base64')}\n`;
}

export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n')) throw new NoteError('a note text ends with a newline');
  return `${text}\n${signatureLine(text, signer)}`;
}

/** Adds a signature (a witness's) to a signed note, keeping the signatures it has. */
export function cosignNote(note: string, signer: NoteSigner): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note');
  return note + signatureLine(note.slice(0, split + 1), signer);
}

/** Returns the note's text if a known verifier signed it; unknown signatures are ignored, a bad known one is an error. */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): { text: string; signedBy: string[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note');
  const text = note.slice(0, split + 1);
  const signedBy: string[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed signature line');
    const [name, b64] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const bytes = Buffer.from(b64 ?? '', 'base64');
    if (!name || bytes.length < 5) throw new NoteError('malformed signature line');
    const verifier = verifiers.find((v) => v.name === name && v.id.equals(bytes.subarray(0, 4)));
    if (!verifier) continue;
    if (!crypto.verify(null, Buffer.from(text), verifier.publicKey, bytes.subarray(4))) throw new NoteError(`invalid signature by ${name}`);
    signedBy.push(name);
  }
  if (signedBy.length === 0) throw new NoteError('no signature by a known key');
  return { text, signedBy };
}
