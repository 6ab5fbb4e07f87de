import crypto from 'node:crypto';
import { NoteError, openNote, parseVerifierKey } from '../journal/index.ts';

/**
 * What a unit vouches for when it issues an electronic result (Decree 45/2020): the result's code, the dossier and
 * procedure it settles, the SHA-256 of the exact file, whom it concerns (a keyed hash, see `holder`), when and by
 * which unit. Written as the text of a C2SP signed note, one `key value` line each, and signed with the unit's
 * Ed25519 key (the journal's checkpoints use the same format, so one verifier checks both):
 *
 *   motcua/19/result/v1
 *   code 00001-260302-0001-KQ1
 *   dossier 00001-260302-0001
 *   procedure 1.001193
 *   sha256 <64 hex>
 *   holder <64 hex>
 *   issued 2026-03-06T02:00:00.000Z
 *   unit <unit id>
 *
 *   — motcua/19/result/<unit id> <base64(key id ‖ Ed25519 signature)>
 *
 * Anyone holding the statement, the file and the verifier key of the unit's key that signed it (its id is in the
 * signature line; GET /api/units/{id}/result-key lists every generation, revoked ones marked) checks it offline, e.g.
 * with `motcua result verify`: the signature, that the key is the issuing unit's, and the file's hash.
 */
export interface ResultStatement {
  province: string;
  code: string;
  dossier: string;
  procedure: string;
  /** hex SHA-256 of the file */
  sha256: string;
  /**
   * hex HMAC of the applicant's personal ID bound to this result's code (Keys.citizenDigest of `result:<code>:<id>`):
   * the server can tell whether a result is a given person's; nobody else learns or links anything (two results of
   * the same person carry unrelated values, and none equals the person's hash in the journal).
   */
  holder: string;
  /** ISO 8601, UTC */
  issued: string;
  unit: string;
}

const FIELDS = ['code', 'dossier', 'procedure', 'sha256', 'holder', 'issued', 'unit'] as const;
const HEADER = /^motcua\/([0-9]{2})\/result\/v1$/;
const VALUE = /^[A-Za-z0-9.:\-]+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The signer's name in the note: one per unit, in the province's namespace. */
export function resultKeyName(provinceCode: string, unitId: string): string {
  return `motcua/${provinceCode}/result/${unitId}`;
}

/** The subject of the holder hash (see ResultStatement.holder). */
export const holderSubject = (resultCode: string, personalId: string) => `result:${resultCode}:${personalId}`;

export function formatStatement(s: ResultStatement): string {
  const lines = [`motcua/${s.province}/result/v1`, ...FIELDS.map((f) => `${f} ${s[f]}`)];
  const text = `${lines.join('\n')}\n`;
  // a malformed value would make a statement that does not read back as what was signed
  const back = parseStatement(text);
  if (FIELDS.some((f) => back[f] !== s[f]) || back.province !== s.province) throw new NoteError('invalid result statement');
  return text;
}

export function parseStatement(text: string): ResultStatement {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new NoteError('a statement ends with a newline');
  const header = HEADER.exec(lines[0] ?? '');
  if (!header || lines.length !== FIELDS.length + 1) throw new NoteError('not a motcua result statement');
  const out: Record<string, string> = { province: header[1]! };
  FIELDS.forEach((field, i) => {
    const line = lines[i + 1]!;
    const prefix = `${field} `;
    const value = line.slice(prefix.length);
    if (!line.startsWith(prefix) || !VALUE.test(value)) throw new NoteError(`malformed statement line ${i + 2}`);
    out[field] = value;
  });
  const s = out as unknown as ResultStatement;
  if (!HEX64.test(s.sha256) || !HEX64.test(s.holder) || !UUID.test(s.unit) || !/-KQ[1-9][0-9]*$/.test(s.code) || s.code !== `${s.dossier}-KQ${s.code.split('-KQ').pop()}`) {
    throw new NoteError('malformed statement values');
  }
  if (Number.isNaN(Date.parse(s.issued)) || new Date(s.issued).toISOString() !== s.issued) throw new NoteError('malformed issue time');
  return s;
}

export interface Verification {
  /** the signature is the unit's, over a well-formed statement naming that same unit */
  signatureValid: boolean;
  statement: ResultStatement | null;
  /** the given file's SHA-256 is the one signed (null when no file or hash was given) */
  fileMatches: boolean | null;
  /** why the signature does not verify */
  problem: string | null;
}

/**
 * Offline verification: needs only the signed statement, the unit's verifier key (`name+id+key`, obtained
 * independently of the statement) and, optionally, the file or its hex SHA-256.
 */
export function verifyResult(note: string, vkey: string, file?: Buffer | { sha256: string }): Verification {
  let statement: ResultStatement;
  try {
    const verifier = parseVerifierKey(vkey);
    const { text } = openNote(note, [verifier]);
    statement = parseStatement(text);
    if (verifier.name !== resultKeyName(statement.province, statement.unit)) throw new NoteError('the key is not the issuing unit’s');
  } catch (err) {
    return { signatureValid: false, statement: null, fileMatches: null, problem: err instanceof Error ? err.message : String(err) };
  }
  const given = file === undefined ? null : Buffer.isBuffer(file) ? crypto.createHash('sha256').update(file).digest('hex') : file.sha256.toLowerCase();
  return { signatureValid: true, statement, fileMatches: given === null ? null : given === statement.sha256, problem: null };
}
