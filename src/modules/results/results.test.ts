import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerBirthRegistration, personalId1990, receive } from '../../../test/dossier-fixtures.ts';
import { startTestSystem, type Client, type TestSystem } from '../../../test/harness.ts';
import { sha256 } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db.ts';
import { signNote, verifierKey } from '../journal/checkpoint.ts';
import { insertKey } from './signing.ts';
import { resultKeyName, verifyResult } from './statement.ts';
import { unitSigningKeys } from './results.tables.ts';

let sys: TestSystem;
let procedureId: string;
let desk: Client;
let processor: Client;
let leader: Client;
let otherDesk: Client;
let otherLeader: Client;
let anonymous: Client;

const commune = () => sys.communes[0]!;
const otherCommune = () => sys.communes[1]!;

beforeAll(async () => {
  sys = await startTestSystem();
  procedureId = await offerBirthRegistration(sys);
  const [a, b] = [commune(), otherCommune()];
  desk = await sys.signedIn(await sys.officer({ username: 'r.desk', unit: a, roles: ['reception_officer'], fullName: 'Nguyễn Thị Lụa' }), '10.12.0.1');
  processor = await sys.signedIn(await sys.officer({ username: 'r.processor', unit: a, roles: ['processing_officer'] }), '10.12.0.2');
  leader = await sys.signedIn(await sys.officer({ username: 'r.leader', unit: a, roles: ['leader'] }), '10.12.0.3');
  otherDesk = await sys.signedIn(await sys.officer({ username: 'r.otherdesk', unit: b, roles: ['reception_officer'] }), '10.12.0.4');
  otherLeader = await sys.signedIn(await sys.officer({ username: 'r.otherleader', unit: b, roles: ['leader'] }), '10.12.0.5');
  anonymous = sys.client('10.12.0.9');
});
afterAll(() => sys.close());

// ——— Fixtures ———

async function pdf(marker: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(`GIAY KHAI SINH ${marker}`, { x: 50, y: 780, size: 12, font });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) pages.push((await (await doc.getPage(n)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' '));
  await doc.destroy();
  return pages.join('\n');
}

const applicant = (personalId: string) => ({ personalId, fullName: 'Trần Thị Mai', birthDate: '1990-04-12', phone: '0912345678', email: '', address: 'Thái Nguyên' });

/** A dossier received at the first commune's desk, processed and approved there: settled. */
async function settled(over: Record<string, unknown> = {}, unitId = commune().id, by = { desk, leader }) {
  const d = await receive(by.desk, procedureId, unitId, over);
  for (const [c, action, body] of [
    [by.desk, 'assign', { unitId }],
    [by.leader, 'approve', {}],
  ] as const) {
    const res = await c.post(`/api/dossiers/${d.id}/${action}`, body);
    if (res.statusCode !== 200) throw new Error(res.body);
  }
  return d;
}

const issue = (c: Client, dossierId: string, bytes: Buffer, name = 'Giấy khai sinh.pdf', type = 'application/pdf') =>
  c.post(`/api/dossiers/${dossierId}/results?${new URLSearchParams({ name })}`, bytes, { 'content-type': type });

async function issued(c: Client, dossierId: string, bytes: Buffer) {
  const res = await issue(c, dossierId, bytes);
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { id: string; code: string; statement: string; verifierKey: string; sha256: string; unit: { id: string } };
}

async function count(table: 'results' | 'result_contents' | 'documents' | 'document_contents'): Promise<number> {
  const res = (await sys.database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${table}`))) as unknown as { rows: { n: number }[] };
  return res.rows[0]!.n;
}

async function asOwner(fn: (tx: Executor) => Promise<unknown>) {
  await sys.database.db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL ROLE NONE`);
    await fn(tx);
  });
}

const reason = 'Trả kết quả cho công dân';

// ——— Issuing ———

describe('electronic results (Decree 45/2020): coded, signed, stored encrypted', () => {
  it('codes results <dossier code>-KQ1, -KQ2… in sequence per dossier, even when issued at once', async () => {
    const d = await settled();
    const first = await issued(leader, d.id, await pdf('KQ-1'));
    expect(first.code).toBe(`${d.code}-KQ1`);
    const [a, b] = await Promise.all([issue(processor, d.id, await pdf('KQ-2')), issue(leader, d.id, await pdf('KQ-3'))]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect([a.json().code, b.json().code].sort()).toEqual([`${d.code}-KQ2`, `${d.code}-KQ3`]);
    const other = await settled();
    expect((await issued(leader, other.id, await pdf('other'))).code).toBe(`${other.code}-KQ1`);
    const list = (await desk.get(`/api/dossiers/${d.id}/results`)).json();
    expect(list.items.map((r: { code: string }) => r.code)).toEqual([1, 2, 3].map((n) => `${d.code}-KQ${n}`));
    expect(list.abilities).toEqual({ issue: false, original: true });
  });

  it('signs a statement of the code, dossier, procedure, file hash, holder, time and unit that verifies offline with the unit’s published key', async () => {
    const pid = personalId1990();
    const d = await settled({ applicant: applicant(pid) });
    const file = await pdf('verify-me');
    const result = await issued(leader, d.id, file);

    // the key, published without a session
    const key = await anonymous.get(`/api/units/${commune().id}/result-key`);
    expect(key.statusCode).toBe(200);
    expect(key.json()).toMatchObject({ unit: { id: commune().id }, algorithm: 'ed25519', verifierKey: result.verifierKey, name: resultKeyName('19', commune().id) });

    const check = verifyResult(result.statement, key.json().verifierKey, file);
    expect(check).toMatchObject({ signatureValid: true, fileMatches: true, problem: null });
    expect(check.statement).toEqual({
      province: '19',
      code: result.code,
      dossier: d.code,
      procedure: '1.001193',
      sha256: sha256(file).toString('hex'),
      holder: sys.keys.citizenDigest(`result:${result.code}:${pid}`),
      issued: sys.clock.now().toISOString(),
      unit: commune().id,
    });
    // the holder names nobody and links nothing: not the journal's hash of the person
    expect(check.statement!.holder).not.toBe(sys.keys.citizenDigest(pid));
    expect(result.statement).not.toContain(pid);

    // the same check online, by anyone holding the file
    const online = await anonymous.get(`/api/results/${result.code}/verify?sha256=${sha256(file).toString('hex')}`);
    expect(online.json()).toMatchObject({ code: result.code, signatureValid: true, fileMatches: true, statement: result.statement, unit: { id: commune().id } });

    const [entry] = (await sys.journalOf('result.issue')).filter((e) => e.targetId === result.id);
    expect(entry).toMatchObject({ outcome: 'success', unitId: commune().id, details: { code: result.code, dossierCode: d.code, sha256: sha256(file).toString('hex') } });
    expect(entry!.citizens).toEqual([sys.keys.citizenDigest(pid)]);
  });

  it('should not disclose the statement to someone who has only the code (result codes can be guessed)', async () => {
    const d = await settled();
    const result = await issued(leader, d.id, await pdf('guessed'));
    const bare = (await anonymous.get(`/api/results/${result.code}/verify`)).json();
    expect(bare).toMatchObject({ signatureValid: true, fileMatches: null, statement: null });
    const wrong = (await anonymous.get(`/api/results/${result.code}/verify?sha256=${'ab'.repeat(32)}`)).json();
    expect(wrong).toMatchObject({ signatureValid: true, fileMatches: false, statement: null });
    expect((await anonymous.get(`/api/results/${d.code}-KQ9/verify`)).statusCode).toBe(404);
  });

  it('should not verify an altered statement, signature or file, nor with another unit’s key', async () => {
    const d = await settled();
    const file = await pdf('tamper');
    const result = await issued(leader, d.id, file);
    const ok = (note: string, vkey = result.verifierKey, f: Buffer = file) => verifyResult(note, vkey, f);
    expect(ok(result.statement).signatureValid).toBe(true);

    // the statement says another procedure, or another unit
    expect(ok(result.statement.replace('procedure 1.001193', 'procedure 1.000000')).signatureValid).toBe(false);
    expect(ok(result.statement.replace(`unit ${commune().id}`, `unit ${otherCommune().id}`)).signatureValid).toBe(false);
    // a flipped bit in the signature
    const lines = result.statement.split('\n');
    const sig = lines.at(-2)!;
    const bytes = Buffer.from(sig.split(' ').at(-1)!, 'base64');
    bytes[bytes.length - 1]! ^= 1;
    lines[lines.length - 2] = `${sig.slice(0, sig.lastIndexOf(' '))} ${bytes.toString('base64')}`;
    expect(ok(lines.join('\n')).signatureValid).toBe(false);
    // another file
    expect(ok(result.statement, result.verifierKey, await pdf('forged'))).toMatchObject({ signatureValid: true, fileMatches: false });

    // a key made up under the unit's name, and the real key of another unit
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const name = resultKeyName('19', commune().id);
    expect(ok(result.statement, verifierKey(name, publicKey)).signatureValid).toBe(false);
    const forged = signNote(result.statement.slice(0, result.statement.indexOf('\n\n') + 1), { name, privateKey });
    expect(ok(forged).signatureValid).toBe(false);
    const elsewhere = await issued(otherLeader, (await settled({}, otherCommune().id, { desk: otherDesk, leader: otherLeader })).id, file);
    expect(ok(result.statement, elsewhere.verifierKey).signatureValid).toBe(false);
    // another unit's key over a statement claiming this unit
    const text = result.statement.slice(0, result.statement.indexOf('\n\n') + 1);
    const [row] = await sys.database.db.select().from(unitSigningKeys).where(eq(unitSigningKeys.unitId, otherCommune().id));
    const otherPrivate = crypto.createPrivateKey(sys.keys.open(row!.sealedPrivateKey, `motcua unit signing key v1:${otherCommune().id}:${row!.id}`));
    expect(ok(signNote(text, { name: row!.name, privateKey: otherPrivate }), elsewhere.verifierKey)).toMatchObject({ signatureValid: false, problem: expect.stringMatching(/issuing unit/) });

    // a row changed in the database (by its owner) no longer verifies online
    await asOwner((tx) => tx.execute(sql`UPDATE results SET sha256 = sha256('forged'::bytea) WHERE id = ${result.id}`));
    expect((await anonymous.get(`/api/results/${result.code}/verify?sha256=${sha256(file).toString('hex')}`)).json()).toMatchObject({ signatureValid: false, fileMatches: null, statement: null });
  });

  it('`motcua result verify` checks a result offline, without a database', async () => {
    const d = await settled();
    const file = await pdf('cli');
    const result = await issued(leader, d.id, file);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-result-'));
    try {
      fs.writeFileSync(path.join(dir, 'kq.pdf'), file);
      fs.writeFileSync(path.join(dir, 'other.pdf'), await pdf('not it'));
      fs.writeFileSync(path.join(dir, 'statement.txt'), result.statement);
      const run = (f: string) => {
        try {
          return { code: 0, out: execFileSync(process.execPath, ['bin/motcua.mjs', 'result', 'verify', path.join(dir, f), '--statement', path.join(dir, 'statement.txt'), '--key', result.verifierKey], { encoding: 'utf8' }) };
        } catch (err) {
          const e = err as { status: number; stdout: string };
          return { code: e.status, out: e.stdout };
        }
      };
      expect(run('kq.pdf')).toMatchObject({ code: 0, out: expect.stringContaining(`OK: `) });
      expect(run('other.pdf')).toMatchObject({ code: 2, out: expect.stringContaining('MISMATCH') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps each unit’s private key sealed in the database, bound to its unit; the creation is journaled once', async () => {
    const rows = await sys.database.db.select().from(unitSigningKeys);
    expect(rows.map((r) => r.unitId).sort()).toEqual([commune().id, otherCommune().id].sort());
    for (const r of rows) {
      expect(r.sealedPrivateKey).not.toMatch(/PRIVATE KEY/);
      expect(sys.keys.open(r.sealedPrivateKey, `motcua unit signing key v1:${r.unitId}:${r.id}`)).toMatch(/BEGIN PRIVATE KEY/);
      const other = rows.find((x) => x.unitId !== r.unitId)!;
      expect(() => sys.keys.open(r.sealedPrivateKey, `motcua unit signing key v1:${other.unitId}:${r.id}`)).toThrow();
    }
    expect((await sys.journalOf('unit.signing_key.create')).map((e) => e.unitId).sort()).toEqual(rows.map((r) => r.unitId).sort());
    expect((await anonymous.get(`/api/units/${sys.communes[2]!.id}/result-key`)).statusCode).toBe(404);
  });

  it('stores the bytes encrypted; the original is the exact signed file, view and download are stamped', async () => {
    const d = await settled();
    const file = await pdf('ORIGINAL-MARKER');
    const result = await issued(leader, d.id, file);
    const [content] = ((await sys.database.db.execute(sql`SELECT ciphertext FROM result_contents WHERE result_id = ${result.id}`)) as unknown as { rows: { ciphertext: Uint8Array }[] }).rows;
    expect(Buffer.from(content!.ciphertext).includes(Buffer.from('ORIGINAL-MARKER'))).toBe(false);

    const original = await desk.post(`/api/results/${result.code}/original`, { reason });
    expect(original.statusCode).toBe(200);
    expect(sha256(original.rawPayload).toString('hex')).toBe(result.sha256);
    expect(original.headers['cache-control']).toBe('no-store');
    const download = await desk.post(`/api/results/${result.code}/download`, { reason });
    expect(download.statusCode).toBe(200);
    expect(await pdfText(download.rawPayload)).toMatch(/ORIGINAL-MARKER[\s\S]*Nguyễn Thị Lụa \(r\.desk\)/);
    expect((await sys.journalOf('result.original')).at(-1)).toMatchObject({ targetId: result.id, reason: 'Trả kết quả cho công dân' });
    expect((await sys.journalOf('result.download')).at(-1)).toMatchObject({ targetId: result.id });
  });
});

describe('who may issue and reach results', () => {
  it('should not let anyone but an officer of the processing unit issue (403), nor issue before settlement or after the return (409)', async () => {
    const d = await settled();
    const before = await count('results');
    expect((await issue(desk, d.id, await pdf('desk'))).statusCode).toBe(403);
    const open = await receive(desk, procedureId, commune().id);
    await desk.post(`/api/dossiers/${open.id}/assign`, { unitId: commune().id });
    expect((await issue(leader, open.id, await pdf('early'))).statusCode).toBe(409);
    expect((await issue(processor, d.id, await pdf('processor'))).statusCode).toBe(200);
    expect((await desk.post(`/api/dossiers/${d.id}/return_result`, {})).statusCode).toBe(200);
    const late = await issue(leader, d.id, await pdf('late'));
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('dossier_not_settled');
    expect(await count('results')).toBe(before + 1);
  });

  it('should refuse a result that is not a PDF, storing nothing and journaling the refusal', async () => {
    const d = await settled();
    const before = [await count('results'), await count('result_contents')];
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    expect((await issue(leader, d.id, png, 'kết quả.png', 'image/png')).statusCode).toBe(415);
    expect((await issue(leader, d.id, Buffer.from('%PDF-1.7 not really'), 'kết quả.pdf')).statusCode).toBe(400);
    expect([await count('results'), await count('result_contents')]).toEqual(before);
    expect((await sys.journalOf('result.issue')).filter((e) => e.outcome === 'refused' && e.targetId === d.id).map((e) => e.details.refusal)).toHaveLength(2);
  });

  it('R18: should answer another unit’s officer 404 for the results, an issue, a view, the original and the reuse routes', async () => {
    const d = await settled();
    const result = await issued(leader, d.id, await pdf('private'));
    const open = await receive(desk, procedureId, commune().id);
    expect((await otherLeader.get(`/api/dossiers/${d.id}/results`)).statusCode).toBe(404);
    expect((await issue(otherLeader, d.id, await pdf('intruder'))).statusCode).toBe(404);
    for (const mode of ['view', 'download', 'original']) expect((await otherDesk.post(`/api/results/${result.code}/${mode}`, { reason })).statusCode).toBe(404);
    expect((await otherDesk.get(`/api/dossiers/${open.id}/reusable-results`)).statusCode).toBe(404);
    expect((await otherDesk.post(`/api/dossiers/${open.id}/reused-results`, { resultId: result.id })).statusCode).toBe(404);
    // and nobody without a session
    expect((await anonymous.get(`/api/dossiers/${d.id}/results`)).statusCode).toBe(401);
    expect((await anonymous.post(`/api/results/${result.code}/original`, { reason })).statusCode).toBe(401);
  });
});

// ——— Reuse ———

describe('reuse (Circular 01/2023): the citizen is not asked for the paper again', () => {
  it('lists the applicant’s earlier results (also where they were a person concerned), journaled with the citizen', async () => {
    const mother = personalId1990();
    const stranger = personalId1990();
    const asApplicant = await settled({ applicant: applicant(mother) });
    const own = await issued(leader, asApplicant.id, await pdf('own'));
    const asPerson = await settled({ persons: [{ personalId: mother, fullName: 'Trần Thị Mai', birthDate: '1990-04-12', relation: 'mẹ' }] });
    const concerned = await issued(leader, asPerson.id, await pdf('concerned'));
    const notHers = await issued(leader, (await settled({ applicant: applicant(stranger) })).id, await pdf('stranger'));

    const later = await receive(desk, procedureId, commune().id, { applicant: applicant(mother) });
    const res = await desk.get(`/api/dossiers/${later.id}/reusable-results`);
    expect(res.statusCode).toBe(200);
    const codes = res.json().items.map((r: { code: string }) => r.code);
    expect(codes.sort()).toEqual([own.code, concerned.code].sort());
    expect(codes).not.toContain(notHers.code);
    expect(res.json().items[0]).toMatchObject({ procedure: { code: '1.001193' }, unit: { id: commune().id }, attached: false });
    const entry = (await sys.journalOf('result.reuse_search')).at(-1)!;
    expect(entry).toMatchObject({ targetId: later.id, details: { dossierCode: later.code, found: 2 } });
    expect(entry.citizens).toEqual([sys.keys.citizenDigest(mother)]);
  });

  it('attaches an earlier result as a reused component without copying it; its download serves the result’s bytes, stamped', async () => {
    const pid = personalId1990();
    const earlier = await settled({ applicant: applicant(pid) });
    const file = await pdf('REUSED-MARKER');
    const result = await issued(leader, earlier.id, file);
    const later = await receive(desk, procedureId, commune().id, { applicant: applicant(pid) });

    const [documentsBefore, contentsBefore] = [await count('documents'), await count('document_contents')];
    const res = await desk.post(`/api/dossiers/${later.id}/reused-results`, { resultId: result.id, component: 'Giấy khai sinh' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc).toMatchObject({ dossierId: later.id, kind: 'reused', component: 'Giấy khai sinh', reusedResultId: result.id, sha256: result.sha256, name: `${result.code}.pdf` });
    expect([await count('documents'), await count('document_contents')]).toEqual([documentsBefore + 1, contentsBefore]);
    expect((await sys.journalOf('document.reuse')).at(-1)).toMatchObject({ targetId: doc.id, outcome: 'success', details: { resultCode: result.code } });

    // the processing unit downloads it as any paper of the dossier: the result's bytes, stamped with the officer
    await desk.post(`/api/dossiers/${later.id}/assign`, { unitId: commune().id });
    const download = await processor.post(`/api/documents/${doc.id}/download`, { reason: 'Thẩm định hồ sơ' });
    expect(download.statusCode).toBe(200);
    expect(await pdfText(download.rawPayload)).toMatch(/REUSED-MARKER[\s\S]*r\.processor/);
    expect((await processor.get(`/api/dossiers/${later.id}/documents`)).json().items).toEqual([expect.objectContaining({ id: doc.id, kind: 'reused', reusedResultId: result.id })]);

    // listed as attached, and not attached twice
    expect((await desk.get(`/api/dossiers/${later.id}/reusable-results`)).json().items).toEqual([expect.objectContaining({ id: result.id, attached: true })]);
    expect((await desk.post(`/api/dossiers/${later.id}/reused-results`, { resultId: result.id })).statusCode).toBe(409);
  });

  it('should refuse to attach another citizen’s result (404, like a missing one) and journal the attempt', async () => {
    const result = await issued(leader, (await settled()).id, await pdf('someone else'));
    const later = await receive(desk, procedureId, commune().id);
    const before = await count('documents');
    const res = await desk.post(`/api/dossiers/${later.id}/reused-results`, { resultId: result.id });
    expect(res.statusCode).toBe(404);
    expect(await count('documents')).toBe(before);
    expect((await sys.journalOf('document.reuse')).at(-1)).toMatchObject({ outcome: 'refused', targetId: later.id, details: { refusal: 'other_citizen', resultId: result.id } });
    expect((await desk.post(`/api/dossiers/${later.id}/reused-results`, { resultId: crypto.randomUUID() })).statusCode).toBe(404);
  });

  it('should not let an officer who only sees the dossier look up or attach (403), nor anyone once it is closed (409)', async () => {
    const pid = personalId1990();
    const result = await issued(leader, (await settled({ applicant: applicant(pid) })).id, await pdf('closed'));
    const closed = await settled({ applicant: applicant(pid) });
    expect((await desk.get(`/api/dossiers/${closed.id}/reusable-results`)).statusCode).toBe(409);
    expect((await desk.post(`/api/dossiers/${closed.id}/reused-results`, { resultId: result.id })).statusCode).toBe(409);
    // handed to the other commune: the first commune's processing officer still sees it, but is not seated on it
    const open = await receive(desk, procedureId, commune().id, { applicant: applicant(pid) });
    expect((await desk.post(`/api/dossiers/${open.id}/assign`, { unitId: otherCommune().id })).statusCode).toBe(200);
    expect((await processor.get(`/api/dossiers/${open.id}`)).statusCode).toBe(200);
    expect((await processor.get(`/api/dossiers/${open.id}/reusable-results`)).statusCode).toBe(403);
    expect((await processor.post(`/api/dossiers/${open.id}/reused-results`, { resultId: result.id })).statusCode).toBe(403);
    expect((await otherLeader.get(`/api/dossiers/${open.id}/reusable-results`)).statusCode).toBe(200);
    expect((await desk.get(`/api/dossiers/${open.id}/reusable-results`)).statusCode).toBe(200);
  });
});

// ——— Signing keys: rotation and revocation (issue 13 item 12) ———

describe('result signing keys are rotated and revoked by the unit’s administrators', () => {
  let admin: Client;
  let systemAdmin: Client;
  let otherAdmin: Client;
  beforeAll(async () => {
    admin = await sys.signedIn(await sys.officer({ username: 'r.admin', unit: commune(), roles: ['unit_admin'] }), '10.12.0.6');
    systemAdmin = await sys.signedIn(await sys.officer({ username: 'r.system', unit: sys.province, roles: ['system_admin'] }), '10.12.0.7');
    otherAdmin = await sys.signedIn(await sys.officer({ username: 'r.otheradmin', unit: otherCommune(), roles: ['unit_admin'] }), '10.12.0.8');
  });

  const keyIdOf = (vkey: string) => vkey.split('+')[1]!;
  const verify = async (r: { code: string; sha256: string }) => (await anonymous.get(`/api/results/${r.code}/verify?sha256=${r.sha256}`)).json();
  const keyRows = (unitId: string) => sys.database.db.select().from(unitSigningKeys).where(eq(unitSigningKeys.unitId, unitId));
  const rotate = (c: Client, unitId = commune().id) => c.post(`/api/units/${unitId}/result-keys/rotate`);
  const revoke = (c: Client, keyId: string, body: Record<string, unknown> = { reason: 'Máy tính của văn thư bị mất trộm' }, unitId = commune().id) =>
    c.post(`/api/units/${unitId}/result-keys/${keyId}/revoke`, body);
  const currentKeyId = async () => (await anonymous.get(`/api/units/${commune().id}/result-key`)).json().keyId as string;

  it('old results still verify after a rotation (by the key that signed them); new ones sign with the new key', async () => {
    const file = await pdf('before-rotation');
    const oldDossier = await settled();
    const old = await issued(leader, oldDossier.id, file);
    const oldKeyId = keyIdOf(old.verifierKey);

    const res = await rotate(admin);
    expect(res.statusCode).toBe(200);
    const [fresh, previous] = res.json().keys;
    expect(previous).toMatchObject({ id: oldKeyId, status: 'retired', revokedAt: null });
    expect(fresh).toMatchObject({ generation: previous.generation + 1, status: 'current' });
    expect((await sys.journalOf('unit.signing_key.rotate')).at(-1)).toMatchObject({
      outcome: 'success',
      unitId: commune().id,
      details: { keyId: fresh.id, previousKeyId: oldKeyId, generation: fresh.generation },
    });

    const next = await issued(leader, (await settled()).id, await pdf('after-rotation'));
    expect(keyIdOf(next.verifierKey)).toBe(fresh.id);
    expect(await verify(next)).toMatchObject({ signatureValid: true, trusted: true, key: { id: fresh.id, status: 'current' } });
    // the old one, online and offline with its own key from the published list (not with the new one)
    expect(await verify(old)).toMatchObject({ signatureValid: true, fileMatches: true, trusted: true, verifierKey: old.verifierKey, key: { id: oldKeyId, status: 'retired', revokedAt: null } });
    const published = (await anonymous.get(`/api/units/${commune().id}/result-key`)).json();
    expect(published).toMatchObject({ keyId: fresh.id, verifierKey: fresh.verifierKey, status: 'current' });
    const oldKey = published.keys.find((k: { id: string }) => k.id === oldKeyId);
    expect(oldKey).toMatchObject({ status: 'retired' });
    expect(verifyResult(old.statement, oldKey.verifierKey, file)).toMatchObject({ signatureValid: true, fileMatches: true });
    expect(verifyResult(old.statement, published.verifierKey, file).signatureValid).toBe(false);
    // and its dossier still shows it with the key that signed it
    expect((await desk.get(`/api/dossiers/${oldDossier.id}/results`)).json().items[0]).toMatchObject({ code: old.code, verifierKey: old.verifierKey });
  });

  it('should not trust a result signed with a revoked key at or after it was compromised; results signed before stay trusted', async () => {
    const stolen = await currentKeyId();
    const before = await issued(leader, (await settled()).id, await pdf('before-theft'));
    sys.clock.advance(60_000);
    const compromisedSince = sys.clock.now();
    const after = await issued(leader, (await settled()).id, await pdf('after-theft'));
    sys.clock.advance(60_000);

    const res = await revoke(admin, stolen, { reason: 'Máy tính của văn thư bị mất trộm', compromisedSince: compromisedSince.toISOString() });
    expect(res.statusCode).toBe(200);
    const revokedAt = sys.clock.now().toISOString();
    expect(res.json().keys[0]).toMatchObject({
      id: stolen,
      status: 'revoked',
      revokedAt,
      compromisedSince: compromisedSince.toISOString(),
      revocations: [{ revokedAt, revokedBy: { username: 'r.admin' }, reason: 'Máy tính của văn thư bị mất trộm', compromisedSince: compromisedSince.toISOString() }],
    });
    expect((await sys.journalOf('unit.signing_key.revoke')).at(-1)).toMatchObject({
      outcome: 'success',
      unitId: commune().id,
      reason: 'Máy tính của văn thư bị mất trộm',
      details: { keyId: stolen, wasStatus: 'current', compromisedSince: compromisedSince.toISOString(), resultsAffected: 1 },
    });

    const key = { id: stolen, status: 'revoked', revokedAt, compromisedSince: compromisedSince.toISOString() };
    expect(await verify(after)).toMatchObject({ signatureValid: true, fileMatches: true, trusted: false, key });
    expect(await verify(before)).toMatchObject({ signatureValid: true, fileMatches: true, trusted: true, key });
    // the public list says so too, for offline verifiers
    expect((await anonymous.get(`/api/units/${commune().id}/result-key`)).json()).toMatchObject({ keyId: stolen, status: 'revoked', keys: [key, expect.anything()] });

    // the next result is signed with a new key, journaled as replacing the revoked one
    const next = await issued(leader, (await settled()).id, await pdf('after-revocation'));
    const replacement = keyIdOf(next.verifierKey);
    expect(replacement).not.toBe(stolen);
    expect(await verify(next)).toMatchObject({ trusted: true, key: { id: replacement, status: 'current', revokedAt: null } });
    expect((await sys.journalOf('unit.signing_key.create')).at(-1)).toMatchObject({ unitId: commune().id, details: { keyId: replacement, replacesRevoked: stolen } });
  });

  it('a revocation defaults to now, may only be moved earlier (409 otherwise), and refuses a future compromise or a short reason (400)', async () => {
    const keyId = await currentKeyId();
    const signed = await issued(leader, (await settled()).id, await pdf('default-now'));
    sys.clock.advance(60_000);
    const first = await revoke(admin, keyId);
    expect(first.statusCode, first.body).toBe(200);
    const revokedAt = sys.clock.now().toISOString();
    expect(first.json().keys[0]).toMatchObject({ id: keyId, revokedAt, compromisedSince: revokedAt });
    expect(await verify(signed)).toMatchObject({ trusted: true });

    // found out later that it leaked before that result: move the compromise earlier; the first revocation stands
    sys.clock.advance(60_000);
    const earlier = new Date(Date.parse(revokedAt) - 120_000).toISOString();
    const moved = await revoke(admin, keyId, { reason: 'Điều tra cho thấy khóa bị lộ sớm hơn', compromisedSince: earlier });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().keys.find((k: { id: string }) => k.id === keyId)).toMatchObject({ revokedAt, compromisedSince: earlier, revocations: [expect.anything(), expect.anything()] });
    expect(await verify(signed)).toMatchObject({ signatureValid: true, trusted: false });

    // never narrowed, never in the future, always with a real reason
    const later = await revoke(admin, keyId, { reason: 'Thu hồi lại cho chắc chắn', compromisedSince: revokedAt });
    expect([later.statusCode, later.json().error.code]).toEqual([409, 'signing_key_already_revoked']);
    const future = await revoke(admin, keyId, { reason: 'Khóa sẽ bị lộ ngày mai', compromisedSince: new Date(sys.clock.now().getTime() + 86_400_000).toISOString() });
    expect([future.statusCode, future.json().error.code]).toEqual([400, 'compromised_in_future']);
    expect((await revoke(admin, keyId, { reason: 'ngắn' })).statusCode).toBe(400);
    expect((await revoke(admin, keyId, { reason: 'Máy tính bị mất trộm', compromisedSince: 'hôm qua' })).statusCode).toBe(400);
    expect((await revoke(admin, 'not-a-key')).statusCode).toBe(400);
    const refusals = (await sys.journalOf('unit.signing_key.revoke')).filter((e) => e.outcome === 'refused').map((e) => e.details.refusal);
    expect(refusals).toEqual(expect.arrayContaining(['already_revoked', 'compromised_in_future']));
  });

  it('should not let an officer of another unit rotate or revoke a unit’s key (404) nor a reception officer or leader of the unit (403)', async () => {
    const keyId = (await issued(leader, (await settled()).id, await pdf('guarded'))).verifierKey.split('+')[1]!;
    const otherKeyId = keyIdOf((await anonymous.get(`/api/units/${otherCommune().id}/result-key`)).json().verifierKey);
    const keysBefore = (await keyRows(commune().id)).length;
    const refusedBefore = (await sys.journalOf('unit.signing_key.rotate')).filter((e) => e.outcome === 'refused').length;

    for (const outsider of [otherAdmin, otherLeader, otherDesk]) {
      expect((await outsider.get(`/api/units/${commune().id}/result-keys`)).statusCode).toBe(404);
      expect((await rotate(outsider)).statusCode).toBe(404);
      expect((await revoke(outsider, keyId)).statusCode).toBe(404);
    }
    for (const insider of [desk, leader, processor]) {
      expect((await insider.get(`/api/units/${commune().id}/result-keys`)).statusCode).toBe(403);
      expect((await rotate(insider)).statusCode).toBe(403);
      expect((await revoke(insider, keyId)).statusCode).toBe(403);
    }
    expect((await rotate(anonymous)).statusCode).toBe(401);
    // a unit's admin cannot reach another unit's key through their own unit
    expect((await revoke(admin, otherKeyId)).statusCode).toBe(404);

    expect(await keyRows(commune().id)).toHaveLength(keysBefore);
    expect(await verify(await issued(leader, (await settled()).id, await pdf('still-trusted')))).toMatchObject({ trusted: true, key: { id: keyId, status: 'current' } });
    const refused = (await sys.journalOf('unit.signing_key.rotate')).filter((e) => e.outcome === 'refused').slice(refusedBefore);
    expect(refused.map((e) => e.details.refusal).sort()).toEqual(['forbidden', 'forbidden', 'forbidden', 'not_found', 'not_found', 'not_found']);

    // the system administrator may, anywhere
    expect((await rotate(systemAdmin, otherCommune().id)).statusCode).toBe(200);
    expect((await systemAdmin.get(`/api/units/${commune().id}/result-keys`)).statusCode).toBe(200);
  });

  it('two results issued at once by a unit without a key make one key', async () => {
    const unit = sys.communes[3]!;
    const byUnit = {
      desk: await sys.signedIn(await sys.officer({ username: 'r.desk3', unit, roles: ['reception_officer'] }), '10.12.0.10'),
      leader: await sys.signedIn(await sys.officer({ username: 'r.leader3', unit, roles: ['leader'] }), '10.12.0.11'),
    };
    const [a, b] = [await settled({}, unit.id, byUnit), await settled({}, unit.id, byUnit)];
    expect(await keyRows(unit.id)).toEqual([]);
    const [ra, rb] = await Promise.all([issue(byUnit.leader, a.id, await pdf('at-once-a')), issue(byUnit.leader, b.id, await pdf('at-once-b'))]);
    expect([ra.statusCode, rb.statusCode]).toEqual([200, 200]);
    expect(ra.json().verifierKey).toBe(rb.json().verifierKey);
    expect(await keyRows(unit.id)).toHaveLength(1);
    expect((await sys.journalOf('unit.signing_key.create')).filter((e) => e.unitId === unit.id)).toHaveLength(1);

    // what settles a race on PostgreSQL: a second creation of the same generation does nothing
    await sys
      .inTx(async (ctx) => {
        expect(await insertKey(ctx, unit.id, 2)).toBeDefined();
        expect(await insertKey(ctx, unit.id, 2)).toBeUndefined();
        throw new Error('roll back');
      })
      .catch((err: Error) => expect(err.message).toBe('roll back'));
    expect(await keyRows(unit.id)).toHaveLength(1);
  });

  it('should not let the application rewrite or delete a key or a revocation (append-only)', async () => {
    for (const statement of [
      sql`UPDATE unit_signing_keys SET created_at = now()`,
      sql`DELETE FROM unit_signing_keys`,
      sql`UPDATE unit_signing_key_revocations SET compromised_since = now()`,
      sql`DELETE FROM unit_signing_key_revocations`,
    ]) {
      // drizzle wraps the database's error; the database's message is its cause
      const err = await sys.database.db.execute(statement).then(
        () => null,
        (e: Error & { cause?: Error }) => e.cause ?? e,
      );
      expect(String(err)).toMatch(/permission denied/);
    }
  });
});
