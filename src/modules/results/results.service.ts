import crypto from 'node:crypto';
import { and, arrayContains, asc, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { requireActor, type Ctx, type InTx } from '../../platform/context.ts';
import { sha256 } from '../../platform/crypto.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { contentDisposition, documentsView, heldResultsView, sealedResult, storeResultContent, downloadName, insertReusedDocument, openVerified, purged, receiveFile, stampedCopy, uploadTarget, visibleOwner, type Stamp, type UploadInput } from '../documents/index.ts';
import { record, signNote, type JournalEvent } from '../journal/index.ts';
import { issuerSeat, resultPolicy } from './results.policy.ts';
import { results, unitSigningKeys, type ResultRow } from './results.tables.ts';
import { trustedAt, unitKeys, unitSigner, unitVerifierKey } from './signing.ts';
import { formatStatement, holderSubject, verifyResult } from './statement.ts';
import { officersView } from '../accounts/index.ts';
import { citizensOf, dossierRef, dossiersView, type DossierRef } from '../dossiers/index.ts';
import { catalogueView } from '../procedures/index.ts';
import { unitsView } from '../units/index.ts';

const accounts = officersView('accounts');
const documents = documentsView('documents');
const held = heldResultsView('held');
const dossiers = dossiersView('dossiers');
const procedureCatalogue = catalogueView('procedure_catalogue');
const units = unitsView('units');

const PDF = 'application/pdf' as const;

// ——— Issuing ———

/**
 * Who may issue a result of this dossier now: 404 if the dossier is not visible, 409 unless it is settled, 403 for
 * an officer not seated at its processing unit (dossiers.process or dossiers.approve there).
 */
async function issueTarget(ctx: Ctx, dossierId: string): Promise<DossierRef> {
  const owner = await visibleOwner(ctx, dossierId);
  if (owner.scope.status !== 'settled' || !owner.processingUnitId) {
    throw conflict('dossier_not_settled', 'Chỉ phát hành kết quả điện tử khi hồ sơ đã được phê duyệt (đã giải quyết) và chưa trả kết quả.', 'An electronic result is issued once the dossier is settled, before the result is returned.');
  }
  if (!issuerSeat(requireActor(ctx), owner.scope)) throw forbidden();
  return owner;
}

const notPdf = () => new AppError(415, 'result_not_pdf', 'Kết quả điện tử phải là tệp PDF.', 'An electronic result is a PDF file.');

/**
 * Decree 45/2020: the processing unit stores the result of a settled dossier as an electronic result. As for a
 * document (documents.service uploadDocument): who may (before a byte is read), what it is (a PDF that really opens,
 * under the size limit, a clean name), then in one transaction the next code `<dossier code>-KQ<n>` (the dossier's
 * row locked, so two issues at once get 1 and 2), the statement signed with the unit's key, the encrypted bytes and
 * the journal entry. A refusal leaves nothing stored, and is journaled.
 */
export async function issueResult(inTx: InTx, dossierId: string, input: Omit<UploadInput, 'kind' | 'component'>) {
  const { owner, max } = await inTx(async (ctx) => ({ owner: await issueTarget(ctx, dossierId), max: ctx.config.documents.maxBytes }));
  const { bytes: content, name } = await receiveFile(inTx, owner, input, max, {
    type: 'result.issue',
    unitId: owner.processingUnitId,
    accept: (type) => {
      if (type !== PDF) throw notPdf();
    },
  });
  return inTx(async (ctx) => {
    const actor = requireActor(ctx);
    await ctx.tx.select({ id: dossiers.id }).from(dossiers).where(eq(dossiers.id, dossierId)).for('update');
    // the dossier may have moved on while the bytes came in
    const target = await issueTarget(ctx, dossierId);
    const unitId = target.processingUnitId!;
    const [last] = await ctx.tx.select({ seq: sql<number>`coalesce(max(${results.seq}), 0)::int` }).from(results).where(eq(results.dossierId, dossierId));
    const seq = Number(last?.seq ?? 0) + 1;
    const code = `${target.code}-KQ${seq}`;
    const now = ctx.clock.now();
    const digest = sha256(content);
    const signer = await unitSigner(ctx, unitId);
    const statement = signNote(
      formatStatement({
        province: ctx.config.provinceCode,
        code,
        dossier: target.code,
        procedure: target.procedureCode,
        sha256: digest.toString('hex'),
        holder: ctx.keys.citizenDigest(holderSubject(code, target.applicantPersonalId)),
        issued: now.toISOString(),
        unit: unitId,
      }),
      signer,
    );
    const citizens = await citizensOf(ctx.tx, target);
    const id = crypto.randomUUID();
    const sealed = ctx.keys.sealDocument(id, content);
    const [row] = await ctx.tx
      .insert(results)
      .values({
        id,
        code,
        dossierId,
        seq,
        unitId,
        keyId: signer.keyId,
        procedureCode: target.procedureCode,
        fileName: name,
        mediaType: PDF,
        size: content.length,
        sha256: digest,
        citizens: [...new Set(citizens)].map((c) => ctx.keys.citizenDigest(c)),
        statement,
        issuedBy: actor.accountId,
        issuedAt: now,
      })
      .returning();
    await storeResultContent(ctx.tx, id, sealed);
    await record(ctx, {
      type: 'result.issue',
      target: { type: 'result', id },
      unitId,
      details: { code, dossierId, dossierCode: target.code, procedure: target.procedureCode, size: content.length, sha256: digest.toString('hex'), keyId: signer.keyId },
      citizens,
    });
    return presentResult(row!, await namesOf(ctx, [row!]));
  });
}

// ——— Listing and presenting ———

async function namesOf(ctx: Ctx, rows: ResultRow[]) {
  const unitIds = [...new Set(rows.map((r) => r.unitId))];
  const accountIds = [...new Set(rows.map((r) => r.issuedBy))];
  const keyIds = [...new Set(rows.map((r) => r.keyId))];
  if (rows.length === 0) return { units: new Map(), accounts: new Map(), keys: new Map() };
  // one after the other: a transaction is one connection
  const unitRows = await ctx.tx.select({ id: units.id, name: units.name }).from(units).where(inArray(units.id, unitIds));
  const accountRows = await ctx.tx.select({ id: accounts.id, fullName: accounts.fullName, username: accounts.username }).from(accounts).where(inArray(accounts.id, accountIds));
  const keyRows = await ctx.tx.select().from(unitSigningKeys).where(inArray(unitSigningKeys.id, keyIds));
  return {
    units: new Map(unitRows.map((u) => [u.id, u])),
    accounts: new Map(accountRows.map((a) => [a.id, { fullName: a.fullName, username: a.username }])),
    keys: new Map(keyRows.map((k) => [k.id, unitVerifierKey(k)])),
  };
}

function presentResult(r: ResultRow, names: Awaited<ReturnType<typeof namesOf>>) {
  return {
    id: r.id,
    code: r.code,
    dossierId: r.dossierId,
    seq: r.seq,
    unit: names.units.get(r.unitId) ?? { id: r.unitId, name: '' },
    procedureCode: r.procedureCode,
    name: r.fileName,
    mediaType: r.mediaType,
    size: r.size,
    sha256: r.sha256.toString('hex'),
    issuedAt: r.issuedAt.toISOString(),
    issuedBy: names.accounts.get(r.issuedBy) ?? null,
    /** the signed statement (C2SP signed note): give it with the file to whoever must verify it */
    statement: r.statement,
    /** the verifier key of the unit's key that signed it (also in GET /api/units/{id}/result-key, by its id) */
    verifierKey: names.keys.get(r.keyId) ?? '',
  };
}

/** The electronic results of a dossier, and what the viewer may do with them. */
export async function listResults(ctx: Ctx, dossierId: string) {
  const owner = await visibleOwner(ctx, dossierId);
  const rows = await ctx.tx.select().from(results).where(eq(results.dossierId, dossierId)).orderBy(asc(results.seq));
  const names = await namesOf(ctx, rows);
  const actor = requireActor(ctx);
  return {
    items: rows.map((r) => presentResult(r, names)),
    abilities: { issue: resultPolicy.can(actor, 'issue', owner.scope), original: resultPolicy.can(actor, 'original', owner.scope) },
  };
}

// ——— Opening ———

export type ResultMode = 'view' | 'download' | 'original';

/**
 * Like a document (R05/R25): only for an officer who may see the dossier, with a reason, journaled before a byte is
 * sent, decrypted and checked against its SHA-256. `view` and `download` are stamped with the officer and time;
 * `original` is the exact signed file, for the citizen, and only for an officer seated on the dossier.
 */
export async function openResult(inTx: InTx, code: string, mode: ResultMode, reason: string) {
  const opened = await inTx(async (ctx) => {
    const actor = requireActor(ctx);
    const [row] = await ctx.tx.select().from(results).where(eq(results.code, code));
    const owner = row ? await dossierRef(ctx.tx, row.dossierId) : undefined;
    resultPolicy.authorize(actor, mode === 'original' ? 'original' : 'open', owner?.scope);
    const result = row!;
    const dossier = owner!;
    const about: Pick<JournalEvent, 'target' | 'unitId' | 'citizens'> = { target: { type: 'result', id: result.id }, unitId: result.unitId, citizens: await citizensOf(ctx.tx, dossier) };
    const content = await sealedResult(ctx.tx, result.id);
    if (!content) throw purged();
    const checked = openVerified(ctx.keys, result.id, content, result.sha256);
    if ('failed' in checked) {
      throw new AppError(
        500,
        'result_integrity',
        'Kết quả điện tử không vượt qua kiểm tra toàn vẹn nên không được trả về. Sự việc đã được ghi nhật ký; vui lòng báo quản trị hệ thống.',
        'The electronic result failed its integrity check and was not returned. This was journaled; please tell the system administrator.',
      ).recording({ type: 'result.integrity_failure', outcome: 'failure', ...about, reason, details: { mode, code: result.code, check: checked.failed } });
    }
    const [officer] = await ctx.tx.select({ fullName: accounts.fullName, username: accounts.username }).from(accounts).where(eq(accounts.id, actor.accountId));
    const stamp: Stamp = { fullName: officer?.fullName ?? actor.username, username: actor.username, at: ctx.clock.now(), dossierCode: dossier.code };
    await record(ctx, { type: `result.${mode}`, ...about, reason, details: { code: result.code, dossierId: dossier.id, dossierCode: dossier.code, size: result.size, sha256: result.sha256.toString('hex') } });
    return { result, plain: checked.plain, stamp };
  });
  const { result, plain, stamp } = opened;
  if (mode === 'original') {
    const name = `${result.code}.pdf`;
    return { bytes: plain, mediaType: PDF, fileName: name, contentDisposition: contentDisposition('attachment', name) };
  }
  const name = downloadName(result.fileName, PDF, stamp);
  return { bytes: await stampedCopy(plain, PDF, stamp), mediaType: PDF, fileName: name, contentDisposition: contentDisposition(mode === 'view' ? 'inline' : 'attachment', name) };
}

// ——— Verifying (public) ———

/**
 * Anyone (a citizen, a bank, another agency) checks a result by its code: whether the stored statement is signed by
 * the issuing unit's key and names this result, whether that key was revoked as stolen by the time the result was
 * issued (then it is not `trusted`), and, given the file's SHA-256, whether that is the file signed. The
 * statement itself (procedure, dossier, hash) is disclosed only to whoever shows the right hash, i.e. holds the file:
 * result codes follow dossier codes and can be guessed. Nothing here names the citizen.
 */
export async function verifyResultCode(ctx: Ctx, code: string, fileSha256?: string) {
  const [row] = await ctx.tx
    .select({ result: results, unitName: units.name })
    .from(results)
    .innerJoin(units, eq(units.id, results.unitId))
    .where(eq(results.code, code));
  if (!row) throw notFound();
  const { result } = row;
  // by the key that signed it, which a rotation since does not change
  const key = (await unitKeys(ctx.tx, result.unitId)).find((k) => k.row.id === result.keyId);
  const vkey = key ? unitVerifierKey(key.row) : null;
  const check = vkey ? verifyResult(result.statement, vkey, fileSha256 ? { sha256: fileSha256 } : undefined) : null;
  const s = check?.statement;
  // the stored row must say what was signed: a row changed in the database does not verify
  const signatureValid = !!s && s.code === result.code && s.unit === result.unitId && s.sha256 === result.sha256.toString('hex') && s.issued === result.issuedAt.toISOString();
  const fileMatches = signatureValid && check ? check.fileMatches : null;
  return {
    code: result.code,
    signatureValid,
    fileMatches,
    issuedAt: result.issuedAt.toISOString(),
    unit: { id: result.unitId, name: row.unitName },
    verifierKey: vkey,
    statement: fileMatches ? result.statement : null,
    key: key ? { id: key.row.id, generation: key.row.generation, status: key.status, revokedAt: key.revokedAt?.toISOString() ?? null, compromisedSince: key.compromisedSince?.toISOString() ?? null } : null,
    trusted: signatureValid && !!key && trustedAt(key, result.issuedAt),
  };
}

// ——— Reuse (Circular 01/2023, Decree 45/2020: the citizen is not asked for the paper again) ———

/**
 * The applicant's earlier results anywhere in the province (results of other dossiers that named the same personal
 * ID, as applicant or as a person concerned), for the desk or the processing unit to attach to this open dossier.
 * Looking up a person's records is journaled with the citizen.
 */
export async function reusableResults(ctx: Ctx, dossierId: string) {
  const target = await uploadTarget(ctx, dossierId);
  const rows = await ctx.tx
    .select({
      result: results,
      unitName: units.name,
      procedureName: procedureCatalogue.name,
    })
    .from(results)
    // only results whose bytes are still held
    .innerJoin(held, eq(held.resultId, results.id))
    .innerJoin(units, eq(units.id, results.unitId))
    .leftJoin(procedureCatalogue, eq(procedureCatalogue.code, results.procedureCode))
    .where(and(arrayContains(results.citizens, [ctx.keys.citizenDigest(target.applicantPersonalId)]), ne(results.dossierId, dossierId)))
    .orderBy(desc(results.issuedAt))
    .limit(100);
  const attached = await ctx.tx
    .select({ resultId: documents.reusedResultId })
    .from(documents)
    .where(and(eq(documents.dossierId, dossierId), isNotNull(documents.reusedResultId)));
  await record(ctx, {
    type: 'result.reuse_search',
    target: { type: 'dossier', id: dossierId },
    unitId: target.receivedUnitId,
    details: { dossierCode: target.code, found: rows.length },
    citizens: [target.applicantPersonalId],
  });
  return {
    items: rows.map(({ result: r, unitName, procedureName }) => ({
      id: r.id,
      code: r.code,
      procedure: { code: r.procedureCode, name: procedureName ?? '' },
      unit: { id: r.unitId, name: unitName },
      issuedAt: r.issuedAt.toISOString(),
      name: r.fileName,
      size: r.size,
      sha256: r.sha256.toString('hex'),
      attached: attached.some((a) => a.resultId === r.id),
    })),
  };
}

/**
 * Attaches an earlier result of the same applicant as a component of this open dossier: a documents row of kind
 * 'reused' pointing at the result, no copy of its bytes (a download serves the result's, stamped). A result that is
 * not the applicant's answers 404 like a missing one, and the attempt is journaled.
 */
export async function reuseResult(ctx: Ctx, dossierId: string, input: { resultId: string; component?: string }) {
  const target = await uploadTarget(ctx, dossierId);
  const citizens = await citizensOf(ctx.tx, target);
  const refused = (refusal: string) =>
    notFound().recording({
      type: 'document.reuse',
      outcome: 'refused',
      target: { type: 'dossier', id: dossierId },
      unitId: target.receivedUnitId,
      details: { dossierCode: target.code, resultId: input.resultId, refusal },
      citizens,
    });
  const [result] = await ctx.tx.select().from(results).where(eq(results.id, input.resultId));
  if (!result) throw refused('unknown_result');
  if (!result.citizens.includes(ctx.keys.citizenDigest(target.applicantPersonalId))) throw refused('other_citizen');
  if (result.dossierId === dossierId) throw invalid('own_result', 'Đây là kết quả của chính hồ sơ này.', 'This is the result of this very dossier.');
  const [kept] = await ctx.tx.select().from(held).where(eq(held.resultId, result.id));
  if (!kept) throw purged();
  const [already] = await ctx.tx
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.dossierId, dossierId), eq(documents.reusedResultId, result.id)));
  if (already) throw conflict('already_reused', 'Kết quả này đã được đính kèm vào hồ sơ.', 'This result is already attached to the dossier.');
  const doc = await insertReusedDocument(ctx, dossierId, { id: result.id, fileName: `${result.code}.pdf`, mediaType: result.mediaType, size: result.size, sha256: result.sha256 }, input.component?.trim() || null);
  await record(ctx, {
    type: 'document.reuse',
    target: { type: 'document', id: doc.id },
    unitId: target.receivedUnitId,
    details: { dossierId, dossierCode: target.code, resultId: result.id, resultCode: result.code, sha256: result.sha256.toString('hex') },
    citizens,
  });
  return doc;
}
