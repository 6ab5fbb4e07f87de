import crypto from 'node:crypto';
import { and, arrayContains, asc, desc, eq, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { scopeOf, type Actor } from '../../authz/actor.ts';
import { rowOf } from '../../platform/views.ts';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { conflict, forbidden, invalid, notFound } from '../../platform/errors.ts';
import { likeContains } from '../../platform/text.ts';
import { loadActor, officersView } from '../accounts/index.ts';
import { classifyDeadline, loadWorkCalendar, provinceDeadline, type DeadlineStatus } from '../calendar/index.ts';
import { record } from '../journal/index.ts';
import { findUnit, getProvince, unitsView, type UnitRow } from '../units/index.ts';
import { nextDossierCode } from './dossier-code.ts';
import { citizensOf, deskView, dossierScopeOf, processingUnitView } from './dossiers.repo.ts';
import { DOSSIER_PERMISSIONS, dossierPolicy, mayBeAssigned, mayReceiveAt, seated, statusAllows } from './dossiers.policy.ts';
import { dossierEvents, dossierPauses, dossierPersons, dossiers, type DossierRow } from './dossiers.tables.ts';
import { catalogueView, offersView, versionsView } from '../procedures/index.ts';
import { endOfVietnamDay, vietnamDate, type IsoDate } from '../../../common/vietnam-time.ts';
import { birthYearOf, isValidPersonalId } from '../../../common/personal-id.ts';
import { foldVietnamese } from '../../../common/text.ts';
import { CLOSED_STATUSES, OPEN_STATUSES, TRANSITIONS, type Channel, type DossierAction, type DossierStatus } from '../../../common/dossier-workflow.ts';

const accounts = officersView('accounts');
const units = unitsView('units');
const offeredProcedures = offersView('offered_procedures');
const procedureCatalogue = catalogueView('procedure_catalogue');
const procedureVersions = versionsView('procedure_versions');

export interface PersonInput {
  personalId: string;
  fullName: string;
  birthDate: IsoDate;
}

export interface IntakeInput {
  offeredProcedureId: string;
  /** the desk (unit) receiving it */
  unitId: string;
  channel: Channel;
  applicant: PersonInput & { phone: string; email: string; address: string };
  /** the other people the procedure concerns, with their relation to it (father, mother, spouse…) */
  persons: (PersonInput & { relation: string })[];
  /** the papers of the procedure version the citizen handed in */
  receivedPapers: string[];
}

/** R01: a citizen named in a dossier has a valid personal ID that agrees with the date of birth given. */
function checkPerson(ctx: Ctx, p: PersonInput, label: string) {
  const today = ctx.clock.now();
  if (!isValidPersonalId(p.personalId, today)) {
    throw invalid('invalid_personal_id', `${label}: số định danh cá nhân không hợp lệ (12 chữ số, mã tỉnh, thế kỷ và năm sinh).`, `${label}: invalid personal ID.`);
  }
  if (p.birthDate > vietnamDate(today)) throw invalid('birth_date_in_future', `${label}: ngày sinh ở tương lai.`, `${label}: the date of birth is in the future.`);
  if (Number(p.birthDate.slice(0, 4)) !== birthYearOf(p.personalId)) {
    throw invalid('birth_year_mismatch', `${label}: năm sinh không khớp với số định danh cá nhân.`, `${label}: the year of birth does not match the personal ID.`);
  }
}

const searchWords = (text: string) => [...new Set(foldVietnamese(text).split(' ').filter(Boolean))];

/** The desk receives a citizen's application for an offered procedure: a code, a deadline and a journal entry. */
export async function receiveDossier(ctx: Ctx, input: IntakeInput) {
  const actor = requireActor(ctx);
  const desk = await findUnit(ctx.tx, input.unitId);
  if (!desk || !mayReceiveAt(actor, desk.path)) throw notFound();
  checkPerson(ctx, input.applicant, 'Người nộp');
  input.persons.forEach((p, i) => checkPerson(ctx, p, `Người liên quan ${i + 1}`));
  const ids = [input.applicant.personalId, ...input.persons.map((p) => p.personalId)];
  if (new Set(ids).size !== ids.length) throw invalid('duplicate_person', 'Một người được khai hai lần trong hồ sơ.', 'The same person is listed twice.');

  // Decree 118/2025: any desk in the province receives any procedure the province offers.
  const [procedure] = await ctx.tx
    .select({ offered: rowOf(offeredProcedures), version: rowOf(procedureVersions) })
    .from(offeredProcedures)
    .innerJoin(procedureVersions, and(eq(procedureVersions.offeredProcedureId, offeredProcedures.id), eq(procedureVersions.version, offeredProcedures.currentVersion)))
    .where(eq(offeredProcedures.id, input.offeredProcedureId));
  if (!procedure) throw notFound();
  if (procedure.offered.status !== 'offered') throw conflict('procedure_withdrawn', 'Thủ tục này đã ngừng tiếp nhận.', 'This procedure is no longer offered.');
  const listed = new Set(procedure.version.documents.map((p) => p.name));
  const unknown = input.receivedPapers.filter((p) => !listed.has(p));
  if (unknown.length > 0) throw invalid('unknown_paper', `Giấy tờ không có trong thành phần hồ sơ của thủ tục: ${unknown.join(', ')}.`, 'A paper is not in the procedure’s list.');

  const now = ctx.clock.now();
  const { deadline } = await provinceDeadline(ctx.tx, { receivedAt: now, workingDays: procedure.version.processingDays });
  const id = crypto.randomUUID();
  const code = await nextDossierCode(ctx.tx, desk, now);
  const { applicant } = input;
  await ctx.tx.insert(dossiers).values({
    id,
    code,
    procedureVersionId: procedure.version.id,
    procedureCode: procedure.offered.procedureCode,
    receivedUnitId: desk.id,
    status: 'received',
    channel: input.channel,
    receivedAt: now,
    receivedBy: actor.accountId,
    workingDays: procedure.version.processingDays,
    dueAt: deadline.state === 'running' ? deadline.dueAt : null,
    applicantPersonalId: applicant.personalId,
    applicantName: applicant.fullName,
    applicantBirthDate: applicant.birthDate,
    applicantPhone: applicant.phone,
    applicantEmail: applicant.email,
    applicantAddress: applicant.address,
    searchText: foldVietnamese(`${code} ${applicant.fullName}`),
    searchWords: searchWords(`${code} ${applicant.fullName}`),
    receivedPapers: [...new Set(input.receivedPapers)],
    updatedAt: now,
  });
  if (input.persons.length > 0) await ctx.tx.insert(dossierPersons).values(input.persons.map((p) => ({ ...p, dossierId: id })));
  await ctx.tx.insert(dossierEvents).values({ dossierId: id, at: now, actorId: actor.accountId, action: 'receive', toStatus: 'received', unitId: desk.id, details: { channel: input.channel } });
  await record(ctx, {
    type: 'dossier.receive',
    target: { type: 'dossier', id },
    unitId: desk.id,
    details: { code, procedure: procedure.offered.procedureCode, version: procedure.version.version, channel: input.channel, persons: input.persons.length },
    citizens: ids,
  });
  // an officer who handed the dossier to a unit outside their own still sees what they handed over, this once
  return getDossier(ctx, id, { journal: false, handedOver: true });
}

// ——— Reading ———

const desk = deskView;
const processingUnit = processingUnitView;
const assignee = officersView('assignee');

function dossierRows(ctx: Ctx) {
  return ctx.tx
    .select({
      dossier: dossiers,
      desk: { id: desk.id, name: desk.name, path: desk.path },
      processingUnit: { id: processingUnit.id, name: processingUnit.name, path: processingUnit.path },
      assignee: { id: assignee.id, fullName: assignee.fullName, username: assignee.username },
      procedureName: procedureCatalogue.name,
      version: rowOf(procedureVersions),
    })
    .from(dossiers)
    .innerJoin(desk, eq(desk.id, dossiers.receivedUnitId))
    .leftJoin(processingUnit, eq(processingUnit.id, dossiers.processingUnitId))
    .leftJoin(assignee, eq(assignee.id, dossiers.assigneeId))
    .innerJoin(procedureVersions, eq(procedureVersions.id, dossiers.procedureVersionId))
    .innerJoin(procedureCatalogue, eq(procedureCatalogue.code, dossiers.procedureCode));
}
type LoadedRow = Awaited<ReturnType<typeof dossierRows>>[number];

const scopeOfRow = (row: LoadedRow) => dossierScopeOf(row.dossier, row.desk.path, row.processingUnit?.path ?? null);

/** A citizen a dossier names, as the NPD gateway may ask about them: the applicant or a related person. */
export interface DossierSubject {
  /** `applicant`, or the related person's relation to the dossier (father, mother…) */
  subject: string;
  personalId: string;
  fullName: string;
  birthDate: string | null;
}

/**
 * What the NPD gateway needs of a dossier (issue 5, R01/R24): where it sits (for the policy), whether it is open,
 * the citizens it names and what its procedure version declares. Not a read of the dossier: nothing is journaled.
 */
export async function dossierForLookup(ctx: Ctx, where: { id: string } | { code: string }) {
  const [row] = await dossierRows(ctx).where('id' in where ? eq(dossiers.id, where.id) : eq(dossiers.code, where.code));
  if (!row) return null;
  const d = row.dossier;
  const persons = await ctx.tx.select().from(dossierPersons).where(eq(dossierPersons.dossierId, d.id)).orderBy(asc(dossierPersons.relation));
  const subjects: DossierSubject[] = [
    { subject: 'applicant', personalId: d.applicantPersonalId, fullName: d.applicantName, birthDate: d.applicantBirthDate },
    ...persons.map((p) => ({ subject: p.relation, personalId: p.personalId, fullName: p.fullName, birthDate: p.birthDate })),
  ];
  return {
    id: d.id,
    code: d.code,
    scope: scopeOfRow(row),
    open: OPEN_STATUSES.includes(d.status) && d.purgedAt === null,
    deskUnitId: row.desk.id,
    procedureCode: d.procedureCode,
    versionId: row.version.id,
    purpose: row.version.purpose,
    npdFields: row.version.npdFields,
    subjects,
  };
}
export type LookupDossier = NonNullable<Awaited<ReturnType<typeof dossierForLookup>>>;

/** The dossier if the actor may read it (R18: 404 otherwise, as if it did not exist). */
export async function loadVisible(ctx: Ctx, id: string, options: { handedOver?: boolean } = {}) {
  const actor = requireActor(ctx);
  const [row] = await dossierRows(ctx).where(eq(dossiers.id, id));
  if (!options.handedOver) dossierPolicy.authorize(actor, 'read', row ? scopeOfRow(row) : undefined);
  return { actor, row: row! };
}

function summary(row: LoadedRow, deadlineStatus: DeadlineStatus | null) {
  const d = row.dossier;
  return {
    id: d.id,
    code: d.code,
    status: d.status,
    channel: d.channel,
    procedure: { code: d.procedureCode, name: row.procedureName, version: row.version.version },
    applicant: { personalId: d.applicantPersonalId, fullName: d.applicantName },
    desk: { id: row.desk.id, name: row.desk.name },
    processingUnit: row.processingUnit ? { id: row.processingUnit.id, name: row.processingUnit.name } : null,
    assignee: row.assignee,
    receivedAt: d.receivedAt.toISOString(),
    dueAt: d.dueAt?.toISOString() ?? null,
    // the promised day itself (dueAt is the midnight that ends it)
    dueDate: d.dueAt ? vietnamDate(new Date(d.dueAt.getTime() - 1)) : null,
    apologyDueAt: d.apologyDueAt?.toISOString() ?? null,
    deadlineStatus,
  };
}

/** Where an open dossier stands against its deadline (the apology's new date replaces the old one). */
async function deadlineStatusOf(ctx: Ctx, province: UnitRow) {
  const calendar = await loadWorkCalendar(ctx.tx, province.id);
  return (d: DossierRow): DeadlineStatus | null => {
    if (!OPEN_STATUSES.includes(d.status)) return null;
    const due = d.apologyDueAt ?? d.dueAt;
    if (!due) return 'paused';
    return classifyDeadline({ state: 'running', startDate: vietnamDate(d.receivedAt), dueDate: vietnamDate(new Date(due.getTime() - 1)), dueAt: due }, ctx.clock.now(), calendar);
  };
}

async function provinceOf(ctx: Ctx): Promise<UnitRow> {
  const province = await getProvince(ctx.tx);
  if (!province) throw new Error('no province imported');
  return province;
}

/** A dossier with its people, pauses, timeline and what the viewer may do; viewing citizen data is journaled. */
export async function getDossier(ctx: Ctx, id: string, options: { journal: boolean; handedOver?: boolean } = { journal: true }) {
  const { actor, row } = await loadVisible(ctx, id, options);
  const d = row.dossier;
  const persons = await ctx.tx.select().from(dossierPersons).where(eq(dossierPersons.dossierId, id)).orderBy(asc(dossierPersons.relation));
  const pauses = await ctx.tx.select().from(dossierPauses).where(eq(dossierPauses.dossierId, id)).orderBy(asc(dossierPauses.fromAt));
  const events = await ctx.tx
    .select({ event: dossierEvents, actor: { fullName: accounts.fullName, username: accounts.username }, unitName: units.name })
    .from(dossierEvents)
    .leftJoin(accounts, eq(accounts.id, dossierEvents.actorId))
    .leftJoin(units, eq(units.id, dossierEvents.unitId))
    .where(eq(dossierEvents.dossierId, id))
    .orderBy(asc(dossierEvents.id));
  if (options.journal) {
    await record(ctx, { type: 'dossier.view', target: { type: 'dossier', id }, unitId: d.receivedUnitId, citizens: [d.applicantPersonalId, ...persons.map((p) => p.personalId)] });
  }
  const statusOf = await deadlineStatusOf(ctx, await provinceOf(ctx));
  return {
    ...summary(row, statusOf(d)),
    statusReason: d.statusReason,
    // the rules it was received under: papers, purpose and the population-database fields it may read
    rules: {
      offeredProcedureId: row.version.offeredProcedureId,
      documents: row.version.documents,
      purpose: row.version.purpose,
      npdFields: row.version.npdFields,
      retentionYears: row.version.retentionYears,
    },
    receivedPapers: d.receivedPapers,
    applicant: { personalId: d.applicantPersonalId, fullName: d.applicantName, birthDate: d.applicantBirthDate, phone: d.applicantPhone, email: d.applicantEmail, address: d.applicantAddress },
    workingDays: d.workingDays,
    settledAt: d.settledAt?.toISOString() ?? null,
    returnedAt: d.returnedAt?.toISOString() ?? null,
    purgedAt: d.purgedAt?.toISOString() ?? null,
    persons: persons.map((p) => ({ relation: p.relation, personalId: p.personalId, fullName: p.fullName, birthDate: p.birthDate })),
    pauses: pauses.map((p) => ({ kind: p.kind, from: p.fromAt.toISOString(), to: p.toAt?.toISOString() ?? null })),
    timeline: events.map(({ event, actor: by, unitName }) => ({
      at: event.at.toISOString(),
      action: event.action,
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      actor: by,
      unit: unitName,
      note: event.note,
    })),
    abilities: dossierPolicy.abilities(actor, scopeOfRow(row)),
  };
}

export interface DossierQuery {
  q?: string;
  status?: DossierStatus;
  /** desk: received here; processing: being processed here; mine: assigned to me */
  queue?: 'desk' | 'processing' | 'mine';
  limit: number;
  offset: number;
}

/**
 * Paths under which the actor may see dossiers, as SQL on the desk's and the processing unit's paths. A scope at the
 * province covers every dossier: no filter, so the search runs on its own indexes.
 */
function visibleTo(actor: Actor, queue: DossierQuery['queue'], provincePath: string): SQL | undefined {
  // unit paths are system-made (ids joined by '/'): no LIKE wildcard in them
  const under = (column: AnyPgColumn, paths: string[]) =>
    paths.includes(provincePath) ? undefined : paths.length ? or(...paths.map((p) => like(column, `${p}%`))) : sql`false`;
  const all = [...new Set(DOSSIER_PERMISSIONS.flatMap((p) => scopeOf(actor, p)))];
  if (queue === 'mine') return eq(dossiers.assigneeId, actor.accountId);
  if (queue === 'desk') return under(desk.path, scopeOf(actor, 'dossiers.receive'));
  if (queue === 'processing') return and(sql`${dossiers.processingUnitId} IS NOT NULL`, under(processingUnit.path, [...new Set([...scopeOf(actor, 'dossiers.process'), ...scopeOf(actor, 'dossiers.approve')])]));
  if (all.includes(provincePath)) return undefined;
  return or(under(desk.path, all), under(processingUnit.path, all));
}

/**
 * Whole words through the words index; the last word may still be being typed, so it matches as a fragment through
 * the trigram index, unless it is under 3 letters (no trigram: "An", "Hà" are then taken as whole words).
 */
function nameMatches(words: string[]): SQL | undefined {
  const typing = words.at(-1)!;
  const whole = typing.length < 3 ? words : words.slice(0, -1);
  return and(whole.length > 0 ? arrayContains(dossiers.searchWords, whole) : undefined, typing.length < 3 ? undefined : sql`${dossiers.searchText} LIKE ${likeContains(typing)}`);
}

/** How far back, from the newest receipt, a name search looks first (see newestFirst). */
const RECENT_MS = 7 * 86_400_000;

/**
 * A common name (Nguyễn, Trần…) matches tens of thousands of dossiers, and ordering them all by receipt reads every
 * one of them from the table: hundreds of milliseconds at a million dossiers. So the newest week is tried first, its
 * received_at range ANDed with the name indexes (migration 0012): if it holds the whole page, that is the answer, as
 * every dossier outside it was received earlier. Otherwise the name is rare (or the page deep) and the plain query has
 * few rows to sort. The week is counted back from the newest receipt, not from the clock, so that a database whose
 * latest dossiers are not from this week (imported, restored, a test clock) still finds its page in it.
 */
async function newestFirst<T>(ctx: Ctx, where: SQL | undefined, limit: number, page: (where: SQL | undefined) => Promise<T[]>): Promise<T[]> {
  const [newest] = await ctx.tx.select({ at: sql<Date | null>`max(${dossiers.receivedAt})`.mapWith(dossiers.receivedAt) }).from(dossiers);
  if (newest?.at) {
    const recent = await page(and(where, sql`${dossiers.receivedAt} >= ${new Date(newest.at.getTime() - RECENT_MS)}`));
    if (recent.length === limit) return recent;
  }
  return page(where);
}

/** The reception search and the work queues: by code, applicant name without diacritics, or personal ID. */
export async function listDossiers(ctx: Ctx, query: DossierQuery) {
  const actor = requireActor(ctx);
  const province = await provinceOf(ctx);
  const text = query.q?.trim() ?? '';
  const byId = /^\d{12}$/.test(text);
  const where = and(
    visibleTo(actor, query.queue, province.path),
    query.status ? eq(dossiers.status, query.status) : undefined,
    byId ? eq(dossiers.applicantPersonalId, text) : undefined,
    // a code (or part of one) has a dash; anything else is the words of a name, the last one perhaps still being typed
    !byId && text.includes('-') ? sql`${dossiers.searchText} LIKE ${likeContains(foldVietnamese(text))}` : undefined,
    !byId && text && !text.includes('-') ? nameMatches(searchWords(text)) : undefined,
  );
  const page = (where: SQL | undefined) => dossierRows(ctx).where(where).orderBy(desc(dossiers.receivedAt)).limit(query.limit).offset(query.offset);
  const byName = !byId && text !== '' && !text.includes('-');
  const rows = byName ? await newestFirst(ctx, where, query.limit, page) : await page(where);
  if (byId) await record(ctx, { type: 'dossier.search', details: { by: 'personal_id', found: rows.length }, citizens: [text] });
  const statusOf = await deadlineStatusOf(ctx, province);
  return { items: rows.map((row) => summary(row, statusOf(row.dossier))) };
}

// ——— Moving a dossier through the workflow ———

export interface ActionInput {
  reason?: string;
  /** assign, transfer: the unit that processes it next, and optionally the officer */
  unitId?: string;
  assigneeId?: string;
  /** apologize: the new date promised to the citizen */
  newDueDate?: IsoDate;
}

/** Recomputes the promised date from the receipt, the working days and the pauses so far. */
async function dueAtAfterPauses(ctx: Ctx, d: DossierRow): Promise<Date | null> {
  const pauses = await ctx.tx.select().from(dossierPauses).where(eq(dossierPauses.dossierId, d.id));
  const { deadline } = await provinceDeadline(ctx.tx, { receivedAt: d.receivedAt, workingDays: d.workingDays, pauses: pauses.map((p) => ({ from: p.fromAt, to: p.toAt })) });
  return deadline.state === 'running' ? deadline.dueAt : null;
}

async function processingTarget(ctx: Ctx, input: ActionInput): Promise<{ unit: UnitRow; assigneeId: string | null }> {
  if (!input.unitId) throw invalid('unit_required', 'Chọn đơn vị xử lý.', 'Choose the processing unit.');
  const unit = await findUnit(ctx.tx, input.unitId);
  if (!unit) throw invalid('unknown_unit', 'Đơn vị xử lý không tồn tại.', 'Unknown processing unit.');
  if (!input.assigneeId) return { unit, assigneeId: null };
  const officer = await loadActor(ctx.tx, input.assigneeId);
  if (!officer || !mayBeAssigned(officer, unit.path)) {
    throw invalid('assignee_cannot_process', 'Cán bộ được giao không có quyền xử lý hồ sơ tại đơn vị này.', 'This officer may not process dossiers at that unit.');
  }
  return { unit, assigneeId: officer.accountId };
}

/**
 * One step of the workflow (TRANSITIONS): allowed only to the right permission at the right seat (403) in the right
 * status (409); the dossier, its timeline and the journal change together.
 */
export async function actOnDossier(ctx: Ctx, id: string, action: DossierAction, input: ActionInput) {
  const { actor, row } = await loadVisible(ctx, id);
  const scope = scopeOfRow(row);
  if (!statusAllows(action, scope)) {
    throw conflict('invalid_transition', `Không thể thực hiện thao tác này khi hồ sơ ở trạng thái hiện tại.`, `This action is not possible in the dossier's current status (${scope.status}).`);
  }
  if (!seated(actor, action, scope)) throw forbidden();
  const transition = TRANSITIONS[action];
  const reason = input.reason?.trim() || null;
  if (transition.reason && !reason) throw invalid('reason_required', 'Cần ghi lý do (được in trên phiếu gửi công dân).', 'A reason is required.');

  const d = row.dossier;
  const now = ctx.clock.now();
  const changes: Partial<DossierRow> = { updatedAt: now, ...(transition.to ? { status: transition.to } : {}) };
  const details: Record<string, unknown> = {};
  switch (action) {
    case 'assign':
    case 'transfer': {
      const target = await processingTarget(ctx, input);
      if (action === 'transfer' && target.unit.id === d.processingUnitId && target.assigneeId === d.assigneeId) {
        throw invalid('same_target', 'Hồ sơ đã ở đơn vị và cán bộ này.', 'The dossier is already there.');
      }
      Object.assign(changes, { processingUnitId: target.unit.id, assigneeId: target.assigneeId });
      Object.assign(details, { fromUnitId: d.processingUnitId, toUnitId: target.unit.id, assigneeId: target.assigneeId });
      break;
    }
    case 'request_supplement':
    case 'request_payment':
      await ctx.tx.insert(dossierPauses).values({ dossierId: id, fromAt: now, kind: action === 'request_supplement' ? 'supplement' : 'financial_obligation' });
      changes.dueAt = null;
      break;
    case 'receive_supplement':
    case 'record_payment':
    case 'withdraw':
      await ctx.tx.update(dossierPauses).set({ toAt: now }).where(and(eq(dossierPauses.dossierId, id), isNull(dossierPauses.toAt)));
      if (action !== 'withdraw') changes.dueAt = await dueAtAfterPauses(ctx, d);
      break;
    case 'apologize': {
      const current = d.dueAt;
      if (!input.newDueDate || (current && endOfVietnamDay(input.newDueDate) <= current) || endOfVietnamDay(input.newDueDate) <= now) {
        throw invalid('new_due_date', 'Ngày hẹn mới phải sau ngày hẹn cũ và sau hôm nay.', 'The new date must be after the old one and after today.');
      }
      changes.apologyDueAt = endOfVietnamDay(input.newDueDate);
      details.newDueDate = input.newDueDate;
      break;
    }
    case 'approve':
      changes.settledAt = now;
      break;
    case 'return_result':
      changes.returnedAt = now;
      break;
    case 'not_accept':
    case 'stop':
      break;
  }
  if (reason && transition.to) changes.statusReason = reason;
  if (transition.to && CLOSED_STATUSES.includes(transition.to)) changes.closedAt = now;
  await ctx.tx.update(dossiers).set(changes).where(eq(dossiers.id, id));
  await ctx.tx.insert(dossierEvents).values({
    dossierId: id,
    at: now,
    actorId: actor.accountId,
    action,
    fromStatus: d.status,
    toStatus: transition.to ?? d.status,
    unitId: (changes.processingUnitId as string | undefined) ?? (transition.seat === 'desk' ? d.receivedUnitId : d.processingUnitId),
    note: reason,
    details,
  });
  await record(ctx, {
    type: `dossier.${action}`,
    target: { type: 'dossier', id },
    unitId: d.receivedUnitId,
    reason,
    details: { code: d.code, from: d.status, to: transition.to ?? d.status, ...details },
    citizens: await citizensOf(ctx.tx, d),
  });
  // an officer who handed the dossier to a unit outside their own still sees what they handed over, this once
  return getDossier(ctx, id, { journal: false, handedOver: true });
}
