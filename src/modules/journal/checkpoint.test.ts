import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, NoteError, openNote, parseCheckpoint, parseVerifierKey, signNote, verifierKey } from './checkpoint.ts';
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
