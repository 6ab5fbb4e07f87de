import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Envelope of every secret kept at rest (TOTP seeds now, NPD credentials and documents later):
 * AES-256-GCM under a key derived from the master key, bound to what the secret belongs to (AAD),
 * so a ciphertext copied onto another row does not decrypt.
 */
export class Keys {
  readonly #secretsKey: Buffer;
  readonly #csrfKey: Buffer;
  readonly #citizenKey: Buffer;
  readonly #documentsKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
    this.#secretsKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'motcua secrets v1', 32));
    this.#csrfKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'motcua csrf v1', 32));
    this.#citizenKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'motcua citizen digest v1', 32));
    this.#documentsKey = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), 'motcua document keys v1', 32));
  }

  static random(): Keys {
    return new Keys(crypto.randomBytes(32));
  }

  seal(plaintext: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#secretsKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), body.toString('base64'), cipher.getAuthTag().toString('base64')].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== 'v1' || !iv || !body || !tag) throw new Error('unknown secret envelope');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#secretsKey, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  /**
   * R15/R40: a document at rest. A fresh random data key encrypts the bytes (AES-256-GCM); the data key is itself
   * encrypted ("wrapped") under the documents key, derived from the master key with HKDF. Both are bound to the
   * document's id (AAD), so a ciphertext or a wrapped key copied onto another row does not open. Rotating the master
   * key re-wraps the small keys, not the documents.
   */
  sealDocument(documentId: string, plaintext: Buffer): SealedDocument {
    const dataKey = crypto.randomBytes(32);
    try {
      return {
        wrappedKey: gcmSeal(this.#documentsKey, dataKey, `motcua document key v1:${documentId}`),
        ciphertext: gcmSeal(dataKey, plaintext, `motcua document v1:${documentId}`),
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Throws if either part was changed or belongs to another document (GCM authentication). */
  openDocument(documentId: string, sealed: SealedDocument): Buffer {
    const dataKey = gcmOpen(this.#documentsKey, sealed.wrappedKey, `motcua document key v1:${documentId}`);
    try {
      if (dataKey.length !== 32) throw new Error('bad document key');
      return gcmOpen(dataKey, sealed.ciphertext, `motcua document v1:${documentId}`);
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * How the journal names a citizen (R25): a keyed hash of the personal ID, so an inspector can find every entry
   * about a person by entering the ID, while the journal, its exports and a stolen database reveal no ID (a plain
   * hash of 12 digits would be reversed by trying them all). Tied to the master key: rotating it needs a re-index.
   */
  citizenDigest(personalId: string): string {
    return crypto.createHmac('sha256', this.#citizenKey).update(personalId).digest('hex');
  }

  /** The CSRF token of a session: derived, so nothing more is stored. */
  csrfToken(sessionId: string): string {
    return crypto.createHmac('sha256', this.#csrfKey).update(sessionId).digest('base64url');
  }
}

export interface SealedDocument {
  /** version byte 1, IV (12), the encrypted 32-byte data key, tag (16) */
  wrappedKey: Buffer;
  /** version byte 1, IV (12), the encrypted bytes, tag (16) */
  ciphertext: Buffer;
}

const ENVELOPE_V1 = 1;

function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  return Buffer.concat([Buffer.of(ENVELOPE_V1), iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + 12 + 16 || sealed[0] !== ENVELOPE_V1) throw new Error('unknown envelope');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
}

export interface MasterKeySource {
  key: Buffer;
  createdFile?: string;
}

/** The master key comes from the environment, or in development from a key file created on first start. */
export function loadMasterKey(fromEnv: string | undefined, dataDir: string): MasterKeySource {
  if (fromEnv) return { key: Buffer.from(fromEnv, 'base64') };
  const file = path.join(dataDir, 'master.key');
  if (fs.existsSync(file)) return { key: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64') };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, createdFile: file };
}

export function sha256(data: string | Buffer): Buffer {
  return crypto.createHash('sha256').update(data).digest();
}

export function randomToken(bytes = 20): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
