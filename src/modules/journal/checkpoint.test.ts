import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosign, cosigner, formatCheckpoint, NoteError, openNote, parseCheckpoint, parseVerifierKey, signNote, verifierKey, verifyCosignature } from './checkpoint.ts';
import { leafHash, rootOf } from './merkle.ts';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
const signer = { name: 'motcua.thainguyen.gov.vn/journal', privateKey };
const verifier = parseVerifierKey(verifierKey(signer.name, publicKey));
const cp = { origin: 'motcua.thainguyen.gov.vn/journal', size: 3, root: rootOf([1, 2, 3].map((i) => leafHash(Buffer.from([i])))) };

describe('R25: signed checkpoints (C2SP tlog-checkpoint, signed-note, Ed25519)', () => {
  it('writes the checkpoint body and one signature line in the signed-note layout', () => {
    const note = signNote(formatCheckpoint(cp), signer);
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual([cp.origin, '3', cp.root.toString('base64'), '']);
    expect(lines[4]).toMatch(/^— motcua\.thainguyen\.gov\.vn\/journal [A-Za-z0-9+/]{91}=$/);
    expect(note.endsWith('\n')).toBe(true);
  });

  it('verifies offline with the verifier key alone and reads back the same checkpoint', () => {
    const opened = openNote(signNote(formatCheckpoint(cp), signer), [verifier]);
    expect(opened.signedBy).toEqual([signer.name]);
    expect(parseCheckpoint(opened.text)).toEqual(cp);
  });

  it('should not accept a checkpoint whose size or root was changed after signing', () => {
    const note = signNote(formatCheckpoint(cp), signer);
    expect(() => openNote(note.replace('\n3\n', '\n2\n'), [verifier])).toThrow(NoteError);
    const otherRoot = rootOf([leafHash(Buffer.from('x'))]).toString('base64');
    expect(() => openNote(note.replace(cp.root.toString('base64'), otherRoot), [verifier])).toThrow(NoteError);
  });

  it('should not accept a checkpoint re-signed with another key under the same name', () => {
    const forger = { name: signer.name, privateKey: crypto.generateKeyPairSync('ed25519').privateKey };
    expect(() => openNote(signNote(formatCheckpoint({ ...cp, size: 2 }), forger), [verifier])).toThrow(/no signature by a known key/);
  });

  it('rejects a verifier key whose id does not match its key', () => {
    const vkey = verifierKey(signer.name, publicKey);
    expect(() => parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(NoteError);
  });
});

describe('R25: witness cosignatures (C2SP tlog-cosignature, cosignature/v1, Ed25519)', () => {
  const witness = cosigner('witness/pc06', crypto.generateKeyPairSync('ed25519').privateKey);
  const at = new Date('2026-01-05T02:00:00.750Z');
  const seconds = 1767578400;
  const logNote = signNote(formatCheckpoint(cp), signer);
  const text = formatCheckpoint(cp);
  const payloadOf = (line: string) => Buffer.from(line.trimEnd().split(' ').at(-1)!, 'base64');
  const withPayload = (line: string, payload: Buffer) => `${line.slice(0, line.lastIndexOf(' '))} ${payload.toString('base64')}\n`;

  it('verifies with the witness verifier key alone and states the time it was made, in whole seconds', () => {
    const line = cosign(text, witness, at);
    expect(line).toMatch(/^— witness\/pc06 [A-Za-z0-9+/]{102}==\n$/);
    expect(verifyCosignature(logNote + line, witness.vkey)).toEqual(new Date(seconds * 1000));
    expect(openNote(logNote + line, [verifier]).signedBy).toEqual([signer.name]);
  });

  it('signs "cosignature/v1\\ntime <t>\\n" and the note text, as key id (type 0x04) ‖ u64 big-endian time ‖ Ed25519 signature', () => {
    const payload = payloadOf(cosign(text, witness, at));
    const publicKey = crypto.createPublicKey(witness.privateKey);
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    expect(payload).toHaveLength(4 + 8 + 64);
    expect(payload.subarray(0, 4)).toEqual(crypto.createHash('sha256').update(Buffer.concat([Buffer.from('witness/pc06\n'), Buffer.from([0x04]), raw])).digest().subarray(0, 4));
    expect(payload.readBigUInt64BE(4)).toBe(BigInt(seconds));
    expect(crypto.verify(null, Buffer.from(`cosignature/v1\ntime ${seconds}\n${text}`), publicKey, payload.subarray(12))).toBe(true);
  });

  it('writes the witness verifier key as name+<key id>+base64(0x04 ‖ public key)', () => {
    const [, name, id, data] = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]{44})$/.exec(witness.vkey) ?? [];
    expect(name).toBe('witness/pc06');
    expect(id).toBe(payloadOf(cosign(text, witness, at)).subarray(0, 4).toString('hex'));
    const bytes = Buffer.from(data!, 'base64');
    expect(bytes).toHaveLength(33);
    expect(bytes[0]).toBe(0x04);
  });

  it('should not accept a cosignature on a checkpoint whose size or root was changed', () => {
    const note = logNote + cosign(text, witness, at);
    const changedSize = note.replace('\n3\n', '\n2\n');
    expect(() => verifyCosignature(changedSize, witness.vkey)).toThrow(/invalid cosignature/);
    const otherRoot = rootOf([leafHash(Buffer.from('x'))]).toString('base64');
    expect(() => verifyCosignature(note.replace(cp.root.toString('base64'), otherRoot), witness.vkey)).toThrow(/invalid cosignature/);
  });

  it('should not accept a cosignature whose time was changed', () => {
    const line = cosign(text, witness, at);
    const payload = payloadOf(line);
    payload.writeBigUInt64BE(BigInt(seconds + 3600), 4);
    expect(() => verifyCosignature(logNote + withPayload(line, payload), witness.vkey)).toThrow(/invalid cosignature/);
  });

  it('should not accept a cosignature whose signature bytes were changed', () => {
    const line = cosign(text, witness, at);
    const payload = payloadOf(line);
    payload[40]! ^= 0x01;
    expect(() => verifyCosignature(logNote + withPayload(line, payload), witness.vkey)).toThrow(/invalid cosignature/);
  });

  it('should not accept a cosignature by another key under the witness name', () => {
    const forger = cosigner(witness.name, crypto.generateKeyPairSync('ed25519').privateKey);
    expect(() => verifyCosignature(logNote + cosign(text, forger, at), witness.vkey)).toThrow(/no cosignature by witness\/pc06/);
  });

  it('should not take a plain Ed25519 note signature for a cosignature, nor one kind of verifier key for the other', () => {
    const plain = signNote(text, { name: witness.name, privateKey: witness.privateKey });
    expect(() => verifyCosignature(plain, witness.vkey)).toThrow(/no cosignature/);
    const plainKey = verifierKey(witness.name, crypto.createPublicKey(witness.privateKey));
    expect(() => verifyCosignature(logNote + cosign(text, witness, at), plainKey)).toThrow(/not an Ed25519 cosignature\/v1 verifier key/);
    expect(() => parseVerifierKey(witness.vkey)).toThrow(/not an Ed25519 verifier key/);
  });

  // A real checkpoint of the CT log arche2025h1.staging.ct.transparency.dev, cosigned by the public witness
  // remora.n621.de; both from the tests of florolf/tlog-scales (tests/test_signing.py). The witness's verifier key is
  // also in transparency-dev/formats (note/note_cosigv1_test.go).
  const realNote = `arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
`;
  const remora = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';

  it('verifies a cosignature made by another implementation (published vector: remora.n621.de on a real CT checkpoint)', () => {
    expect(verifyCosignature(realNote, remora)).toEqual(new Date(1779573024 * 1000));
    expect(() => verifyCosignature(realNote.replace('\n1432088532\n', '\n1432088533\n'), remora)).toThrow(/invalid cosignature/);
    expect(() => verifyCosignature(realNote, remora.replace('+da77ade7+', '+da77ade8+'))).toThrow(/key id does not match/);
  });
});
