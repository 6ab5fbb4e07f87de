import crypto from 'node:crypto';
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Actor } from '../../authz/actor.ts';
import type { Ctx, InTx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { officersView } from '../accounts/index.ts';
import { dossierForLookup, dossiersView, subjectsOf, type DossierSubject, type LookupDossier } from '../dossiers/index.ts';
import { lookupRefusal, lookupStageOf, type LookupRefusal, type LookupScope } from './registry.policy.ts';
import { record } from '../journal/index.ts';
import { keepDeclared, type CitizenFields } from './fields.ts';
import type { NpdGateway } from './gateway.ts';
import { NpdError, type NpdAdapter, type NpdCaller, type NpdFailure } from './npd-client.ts';
import type { LookupOutcome, LookupService } from './registry.schemas.ts';
import { npdLookupCounts, npdLookups } from './registry.tables.ts';
import { activeSuspension, DISCONNECTED_PROBE_MS, markUpstream } from './suspensions.service.ts';
import { versionsView } from '../procedures/index.ts';
import { startOfVietnamDay, vietnamDate } from '../../../common/vietnam-time.ts';
import { isValidPersonalId } from '../../../common/personal-id.ts';
import { foldVietnamese } from '../../../common/text.ts';

const accounts = officersView('accounts');
const dossiers = dossiersView('dossiers');
const procedureVersions = versionsView('procedure_versions');

/** Who asks: a signed-in officer, or another provincial system with its own key (R35). */
export type LookupCaller =
  | { kind: 'officer'; actor: Actor }
  | { kind: 'client'; client: { id: string; name: string; unitId: string; unitPath: string; unitCode: string; procedures: string[]; fields: string[] } };

export interface LookupRequest {
  dossier: { id: string } | { code: string };
  personalId: string;
  service: LookupService;
}

const refusal = (status: number, code: string, vi: string, en: string, details?: unknown) => new AppError(status, code, vi, en, details);

/**
 * A dossier as the gateway needs it, with what the lookup rule (lookupRefusal in dossiers.policy.ts) asks of it: whom it is
 * assigned to and who its procedure version lets look up at which stage.
 */
export async function lookupDossier(ctx: Ctx, where: { id: string } | { code: string }) {
  const d = await dossierForLookup(ctx, where);
  if (!d) return null;
  const [seat] = await ctx.tx
    .select({ assigneeId: dossiers.assigneeId, lookupStages: procedureVersions.lookupStages })
    .from(dossiers)
    .innerJoin(procedureVersions, eq(procedureVersions.id, dossiers.procedureVersionId))
    .where(eq(dossiers.id, d.id));
  const lookupScope: LookupScope = { ...d.scope, open: d.open, procedureCode: d.procedureCode, assigneeId: seat!.assigneeId, lookupStages: seat!.lookupStages };
  return { ...d, lookupScope };
}

const REFUSALS: Record<LookupRefusal, (d: LookupScope) => AppError> = {
  not_found: notFound,
  procedure_not_allowed: () => refusal(403, 'procedure_not_allowed', 'Hệ thống kết nối không được phép tra cứu cho thủ tục này.', 'This integration may not look up for this procedure.'),
  dossier_not_open: () => conflict('dossier_not_open', 'Hồ sơ đã kết thúc: chỉ tra cứu cho hồ sơ đang giải quyết.', 'The dossier is closed: lookups are for open dossiers only.'),
  lookup_not_permitted: (d) => {
    // an open dossier always has a stage: a closed one is refused as not open first
    const stage = lookupStageOf(d.status)!;
    return refusal(
      403,
      'lookup_not_permitted',
      stage === 'receiving'
        ? 'Hồ sơ đang ở bước tiếp nhận: chỉ người mà thủ tục cho phép ở bước này (mặc định: cán bộ Một cửa của bộ phận đã tiếp nhận hồ sơ) được tra cứu CSDLQG về dân cư.'
        : 'Hồ sơ đang ở bước xử lý: chỉ người mà thủ tục cho phép ở bước này (mặc định: cán bộ được giao xử lý hồ sơ) được tra cứu CSDLQG về dân cư.',
      stage === 'receiving'
        ? 'The dossier is being received: only those its procedure names for this stage (by default, the reception officers of its desk) may look up.'
        : 'The dossier is being processed: only those its procedure names for this stage (by default, the officer it is assigned to) may look up.',
      { stage, seats: d.lookupStages[stage] },
    );
  },
};

const FAILURES: Record<NpdFailure, () => AppError> = {
  timeout: () => refusal(504, 'npd_timeout', 'CSDLQG về dân cư không trả lời trong thời hạn. Tra cứu chưa thực hiện được, hãy thử lại sau ít phút.', 'The population database did not answer in time. Try again in a few minutes.'),
  unavailable: () => refusal(503, 'npd_unavailable', 'Không kết nối được CSDLQG về dân cư. Tra cứu chưa thực hiện được, hãy thử lại sau; các nghiệp vụ khác vẫn làm bình thường.', 'The population database cannot be reached. Try again later; everything else keeps working.'),
  busy: () => refusal(503, 'npd_busy', 'CSDLQG về dân cư đang quá tải hoặc hệ thống đã dùng hết hạn mức. Hãy thử lại sau ít phút.', 'The population database is busy or our quota there is used up. Try again in a few minutes.'),
  disconnected: () => disconnectedError(),
  refused: () => refusal(502, 'npd_credential_refused', 'CSDLQG về dân cư từ chối thông tin xác thực của hệ thống. Báo quản trị hệ thống kiểm tra kết nối.', 'The population database refused our credentials. Tell the system administrator to check the connection.'),
  bad_answer: () => refusal(502, 'npd_bad_answer', 'CSDLQG về dân cư trả lời không đúng định dạng. Báo quản trị hệ thống.', 'The population database gave an answer we cannot read. Tell the system administrator.'),
};

const disconnectedError = () =>
  refusal(
    503,
    'npd_disconnected',
    'Hệ thống đang bị Bộ Công an ngắt kết nối với CSDLQG về dân cư, nên chưa tra cứu được. Các nghiệp vụ khác vẫn hoạt động bình thường; hồ sơ và dữ liệu không bị mất.',
    'The ministry has disconnected this system from the population database. Lookups are refused; everything else keeps working and nothing is lost.',
  );

interface Prepared {
  lookupId: string;
  service: LookupService;
  startedAt: Date;
  dossier: LookupDossier;
  subject: DossierSubject;
  fields: string[];
  adapter: NpdAdapter;
  caller: NpdCaller;
  parents: { fatherName?: string; motherName?: string };
  upstreamWasDisconnected: boolean;
}

/**
 * R01, R13, R24, R36, R43: one lookup of a citizen named in an open dossier. Every refusal is journaled; an allowed
 * lookup is recorded and committed before the NPD is called (write-ahead), and completed after with the outcome and
 * the names of the fields returned. Only the fields the procedure declares leave; no value is stored.
 */
export async function lookUp(inTx: InTx, gateway: NpdGateway, caller: LookupCaller, request: LookupRequest) {
  const prepared = await inTx((ctx) => begin(ctx, gateway, caller, request));
  let answer: { outcome: LookupOutcome; fields: CitizenFields } | NpdFailure;
  try {
    answer = await ask(prepared);
  } catch (err) {
    if (!(err instanceof NpdError)) throw err;
    answer = err.kind;
  }
  const completed = await inTx((ctx) => complete(ctx, prepared, answer));
  // this process changed the NPD's recorded state itself: the next lookup reads it afresh
  if (answer === 'disconnected' || (prepared.upstreamWasDisconnected && typeof answer !== 'string')) gateway.forget();
  if (typeof answer === 'string' || !completed) throw FAILURES[typeof answer === 'string' ? answer : 'bad_answer']();
  return completed;
}

async function ask(p: Prepared): Promise<{ outcome: LookupOutcome; fields: CitizenFields }> {
  const { subject } = p;
  const birthDate = subject.birthDate!;
  if (p.service === 'verify') {
    const answer = await p.adapter.verify(p.caller, { personalId: subject.personalId, fullName: subject.fullName, birthDate });
    return { outcome: answer.outcome, fields: answer.outcome === 'matched' ? keepDeclared(answer.record, p.fields) : {} };
  }
  const answer = await p.adapter.find(p.caller, { fullName: subject.fullName, birthDate, ...p.parents });
  return { outcome: answer.outcome, fields: answer.outcome === 'found' ? keepDeclared({ SoDinhDanh: answer.personalId }, p.fields) : {} };
}

/** The parents named in the same dossier narrow a search by name and date of birth (the applicant's only). */
function parentsOf(d: LookupDossier, subject: DossierSubject) {
  if (subject.subject !== 'applicant') return {};
  const named = (words: string[]) => d.subjects.find((s) => words.includes(foldVietnamese(s.subject)))?.fullName;
  const fatherName = named(['cha', 'father', 'bo']);
  const motherName = named(['me', 'mother']);
  return { ...(fatherName ? { fatherName } : {}), ...(motherName ? { motherName } : {}) };
}

async function begin(ctx: Ctx, gateway: NpdGateway, caller: LookupCaller, request: LookupRequest): Promise<Prepared> {
  const d = await lookupDossier(ctx, request.dossier);
  const refuse = (err: AppError) =>
    err.recording({
      type: 'npd.lookup.refused',
      outcome: 'refused',
      target: d ? { type: 'dossier', id: d.id } : 'id' in request.dossier ? { type: 'dossier', id: request.dossier.id } : undefined,
      unitId: d?.deskUnitId ?? null,
      reason: err.code,
      details: { service: request.service, ...(caller.kind === 'client' ? { client: caller.client.id } : {}) },
      citizens: isValidPersonalId(request.personalId, ctx.clock.now()) ? [request.personalId] : [],
    });

  // R01, R13, R35: an open dossier the caller may see, held by the caller at its stage (dossiers.policy.ts decides)
  if (!d) throw refuse(notFound());
  const refused = lookupRefusal(caller.kind === 'officer' ? caller : { kind: 'client', unitPath: caller.client.unitPath, procedures: caller.client.procedures }, d.lookupScope);
  if (refused) throw refuse(REFUSALS[refused](d.lookupScope));
  const subject = d.subjects.find((s) => s.personalId === request.personalId);
  if (!subject || !subject.birthDate) {
    throw refuse(refusal(403, 'citizen_not_in_dossier', 'Chỉ được tra cứu người nộp hồ sơ hoặc người liên quan có tên trong hồ sơ này.', 'Only the applicant or a person named in this dossier may be looked up.'));
  }
  // R24: only what the procedure version declares (and, for another system, what its key allows)
  const fields = caller.kind === 'client' ? d.npdFields.filter((f) => caller.client.fields.includes(f)) : [...d.npdFields];
  if (fields.length === 0 || (request.service === 'find' && !fields.includes('so_dinh_danh'))) {
    throw refuse(refusal(403, 'service_not_declared', 'Thủ tục của hồ sơ này không đăng ký khai thác dịch vụ/trường dữ liệu này của CSDLQG về dân cư.', 'The procedure of this dossier does not declare this service or these fields.'));
  }
  // R43: the kill switch, for the caller's account and unit and for the units holding the dossier, and the ministry's cut
  const unitPath = caller.kind === 'officer' ? caller.actor.unitPath : caller.client.unitPath;
  const suspension = await activeSuspension(ctx, {
    accountId: caller.kind === 'officer' ? caller.actor.accountId : null,
    unitPaths: [unitPath, d.scope.deskPath, ...(d.scope.processingPath ? [d.scope.processingPath] : [])],
  });
  if (suspension) {
    const scope = { system: 'toàn hệ thống', unit: 'đơn vị', account: 'tài khoản' }[suspension.scope];
    throw refuse(
      refusal(403, 'npd_suspended', `Tra cứu CSDLQG về dân cư đang bị tạm dừng (phạm vi: ${scope}). Lý do: ${suspension.reason}`, `Lookups are suspended (${suspension.scope}). Reason: ${suspension.reason}`, { scope: suspension.scope }),
    );
  }
  const upstream = await gateway.upstream(ctx);
  const now = ctx.clock.now();
  if (upstream.disconnectedAt && now.getTime() - upstream.changedAt!.getTime() < DISCONNECTED_PROBE_MS) throw refuse(disconnectedError());
  if (await gateway.journalFailClosed(ctx)) {
    throw refuse(refusal(503, 'journal_fail_closed', 'Nhật ký hệ thống chưa được công bố đúng hạn nên tạm dừng tra cứu CSDLQG về dân cư. Báo quản trị hệ thống.', 'The journal is not published in time, so lookups are stopped. Tell the system administrator.'));
  }
  const adapter = await gateway.adapter(ctx);
  if (!adapter) throw refuse(refusal(503, 'npd_not_configured', 'Chưa thiết lập kết nối CSDLQG về dân cư.', 'The population-database connection is not set up.'));

  const lookupId = crypto.randomUUID();
  const unitCode = caller.kind === 'officer' ? await gateway.unitCode(ctx, caller.actor.unitId) : caller.client.unitCode;
  await ctx.tx.insert(npdLookups).values({
    id: lookupId,
    startedAt: now,
    accountId: caller.kind === 'officer' ? caller.actor.accountId : null,
    clientId: caller.kind === 'client' ? caller.client.id : null,
    unitId: caller.kind === 'officer' ? caller.actor.unitId : caller.client.unitId,
    dossierId: d.id,
    procedureVersionId: d.versionId,
    procedureCode: d.procedureCode,
    service: request.service,
    subject: subject.subject,
    citizen: ctx.keys.citizenDigest(subject.personalId),
    purpose: d.purpose,
  });
  await record(ctx, {
    type: 'npd.lookup.start',
    target: { type: 'dossier', id: d.id },
    unitId: d.deskUnitId,
    details: { lookup: lookupId, service: request.service, subject: subject.subject, procedure: d.procedureCode, fields, ...(caller.kind === 'client' ? { client: caller.client.id } : {}) },
    citizens: [subject.personalId],
  });
  await countAndCheck(ctx, caller, refuse);
  return {
    lookupId,
    service: request.service,
    startedAt: now,
    dossier: d,
    subject,
    fields,
    adapter,
    caller: {
      MaYeuCau: lookupId,
      MaDVC: d.procedureCode,
      MaTichHop: caller.kind === 'client' ? `motcua-client-${caller.client.id}` : 'motcua',
      MaDonVi: unitCode,
      MaCanBo: caller.kind === 'officer' ? caller.actor.username : `client:${caller.client.id}`,
    },
    parents: parentsOf(d, subject),
    upstreamWasDisconnected: upstream.disconnectedAt !== null,
  };
}

/**
 * Issue 5 item 5: per caller (account or integration) and per unit, per minute and per Vietnam day. One statement
 * counts this lookup in all four windows and returns the counts; a refusal rolls the counting back with the rest.
 * Run last before the commit: the unit's counters are locked until then, and concurrent lookups queue on them.
 */
async function countAndCheck(ctx: Ctx, caller: LookupCaller, refuse: (err: AppError) => AppError) {
  const limits = ctx.config.npd.limits;
  const now = ctx.clock.now();
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const day = startOfVietnamDay(vietnamDate(now));
  const own = caller.kind === 'officer' ? `account:${caller.actor.accountId}` : `client:${caller.client.id}`;
  const unit = `unit:${caller.kind === 'officer' ? caller.actor.unitId : caller.client.unitId}`;
  const counted = await ctx.tx
    .insert(npdLookupCounts)
    .values([
      { key: own, span: 'minute', windowStart: minute, count: 1 },
      { key: own, span: 'day', windowStart: day, count: 1 },
      { key: unit, span: 'minute', windowStart: minute, count: 1 },
      { key: unit, span: 'day', windowStart: day, count: 1 },
    ])
    .onConflictDoUpdate({ target: [npdLookupCounts.key, npdLookupCounts.span, npdLookupCounts.windowStart], set: { count: sql`${npdLookupCounts.count} + 1` } })
    .returning();
  const count = (key: string, span: 'minute' | 'day') => counted.find((c) => c.key === key && c.span === span)!.count;
  if (count(own, 'minute') > limits.accountPerMinute || count(unit, 'minute') > limits.unitPerMinute) {
    throw refuse(
      refusal(429, 'lookup_rate_limited', 'Tra cứu quá nhanh: đã đạt giới hạn số lần tra cứu trong một phút. Hãy chờ một phút rồi thử lại.', 'Too many lookups in one minute. Wait a minute and try again.', { retryAfterSeconds: 60 }),
    );
  }
  if (count(own, 'day') > limits.accountPerDay || count(unit, 'day') > limits.unitPerDay) {
    const who = count(own, 'day') > limits.accountPerDay ? 'tài khoản' : 'đơn vị';
    throw refuse(refusal(429, 'lookup_quota_exceeded', `Đã dùng hết hạn mức tra cứu trong ngày của ${who}. Hạn mức được tính lại từ 0 giờ ngày mai.`, 'The daily lookup quota is used up; it resets at midnight.'));
  }
}

/** Counters of finished windows are of no more use (daily job). */
export async function forgetOldCounts(ctx: Ctx): Promise<void> {
  await ctx.tx.delete(npdLookupCounts).where(lt(npdLookupCounts.windowStart, new Date(ctx.clock.now().getTime() - 2 * 86_400_000)));
}

async function complete(ctx: Ctx, p: Prepared, answer: { outcome: LookupOutcome; fields: CitizenFields } | NpdFailure) {
  const failed = typeof answer === 'string';
  const outcome = failed ? `error:${answer}` : answer.outcome;
  const fieldsReturned = failed ? [] : Object.keys(answer.fields);
  await ctx.tx
    .update(npdLookups)
    .set({ completedAt: ctx.clock.now(), outcome, fieldsReturned })
    .where(and(eq(npdLookups.id, p.lookupId), eq(npdLookups.startedAt, p.startedAt)));
  await record(ctx, {
    type: 'npd.lookup.complete',
    outcome: failed ? 'failure' : 'success',
    target: { type: 'dossier', id: p.dossier.id },
    unitId: p.dossier.deskUnitId,
    details: { lookup: p.lookupId, outcome, fieldsReturned },
    citizens: [p.subject.personalId],
  });
  if (answer === 'disconnected') await markUpstream(ctx, true);
  else if (p.upstreamWasDisconnected && !failed) await markUpstream(ctx, false);
  if (failed) return null;
  return {
    lookupId: p.lookupId,
    service: p.service,
    subject: p.subject.subject,
    outcome: answer.outcome,
    purpose: p.dossier.purpose,
    fields: answer.fields,
    /** for a search by name and date of birth: whether the NPD's personal ID is the one written in the dossier */
    matchesDossier: answer.outcome === 'found' ? answer.fields.so_dinh_danh === p.subject.personalId : null,
  };
}

/** The lookups made for one dossier (who, when, what for, outcome, which fields: never the values). */
export async function dossierLookups(ctx: Ctx, dossierId: string) {
  const rows = await ctx.tx
    .select({ l: npdLookups, fullName: accounts.fullName, username: accounts.username })
    .from(npdLookups)
    .leftJoin(accounts, eq(accounts.id, npdLookups.accountId))
    .where(eq(npdLookups.dossierId, dossierId))
    .orderBy(desc(npdLookups.startedAt))
    .limit(200);
  return rows.map(({ l, fullName, username }) => ({
    id: l.id,
    service: l.service,
    subject: l.subject,
    startedAt: l.startedAt.toISOString(),
    completedAt: l.completedAt?.toISOString() ?? null,
    outcome: l.outcome,
    fieldsReturned: l.fieldsReturned ?? [],
    by: l.accountId ? { fullName: fullName ?? '', username: username ?? '' } : null,
    clientId: l.clientId,
  }));
}

/** The lookup records' partitions for this month and the next exist before their first row (daily job and start-up). */
export async function ensureLookupPartitions(tx: Executor, now: Date): Promise<void> {
  const [year, month] = vietnamDate(now).split('-').map(Number) as [number, number];
  for (const ahead of [0, 1]) {
    const first = new Date(Date.UTC(year, month - 1 + ahead, 1)).toISOString().slice(0, 10);
    await tx.execute(sql`SELECT npd_lookups_month_partition(${first}::date)`);
  }
}

/**
 * Who the keyed hashes of looked-up citizens stand for (an incident's affected list, R19): the journal and the lookup
 * records hold only hashes, so the names and IDs come back from the dossiers they were looked up for, while those
 * dossiers still hold them (a purged dossier has given them up). For those who may read the incident.
 */
export async function identifyLookedUp(ctx: Ctx, digests: string[]): Promise<{ fullName: string; personalId: string }[]> {
  if (digests.length === 0) return [];
  const wanted = new Set(digests);
  const rows = await ctx.tx.selectDistinct({ dossierId: npdLookups.dossierId }).from(npdLookups).where(inArray(npdLookups.citizen, digests)).limit(5000);
  const found = new Map<string, { fullName: string; personalId: string }>();
  for (const s of await subjectsOf(ctx.tx, rows.map((r) => r.dossierId))) {
    const digest = ctx.keys.citizenDigest(s.personalId);
    if (wanted.has(digest) && !found.has(digest)) found.set(digest, s);
  }
  return [...found.values()].sort((a, b) => a.fullName.localeCompare(b.fullName, 'vi'));
}
