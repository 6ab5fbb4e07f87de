import crypto from 'node:crypto';
import { desc, eq, inArray, like, sql } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { incidentPolicy } from './monitoring.policy.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { record } from '../journal/index.ts';
import { accountSuspensions, identifyLookedUp } from '../registry/index.ts';
import { findUnit, getProvince, unitsView } from '../units/index.ts';
import { caseForIncident } from './alerts.service.ts';
import { incidentNoticeDocx } from './incident-notice.ts';
import { incidentCitizens, incidents, monitoringAlerts, monitoringCases, type IncidentStatus } from './monitoring.tables.ts';
import { officersView } from '../accounts/index.ts';
import { formatVietnamDate, formatVietnamTime, vietnamParts } from '../../../common/vietnam-time.ts';

const accounts = officersView('accounts');
const units = unitsView('units');

/** Decree 13/2023 Art. 23 (now Law 91/2025): the authority is notified within 72 hours of the violation being found. */
export const NOTIFY_WITHIN_MS = 72 * 3600_000;

export interface IncidentInput {
  caseId?: string;
  unitId?: string;
  title: string;
  description: string;
  /** when the violation was found; by default now, or when the case's first alert was raised */
  detectedAt?: Date;
}

/**
 * R19: an incident, opened from a confirmed case (its citizens become the affected list) or by hand. Its deadline is
 * stored, not computed, so it survives restarts and changes of configuration; the police read it (R21).
 */
export async function openIncident(ctx: Ctx, input: IncidentInput) {
  const actor = requireActor(ctx);
  const now = ctx.clock.now();
  const fromCase = input.caseId ? await caseForIncident(ctx, input.caseId) : null;
  if (fromCase && fromCase.row.status !== 'confirmed') {
    throw conflict('case_not_confirmed', 'Chỉ lập sự cố từ vụ việc đã được xác nhận.', 'Only a confirmed case becomes an incident.');
  }
  const unit = input.unitId ? await findUnit(ctx.tx, input.unitId) : fromCase?.row.unitId ? await findUnit(ctx.tx, fromCase.row.unitId) : await getProvince(ctx.tx);
  if (!unit || !incidentPolicy.can(actor, 'manage', { unitPath: unit.path })) throw notFound();
  const detectedAt = input.detectedAt ?? (fromCase ? fromCase.row.openedAt : now);
  if (detectedAt > now) throw invalid('detected_in_future', 'Thời điểm phát hiện không thể ở tương lai.', 'The detection time cannot be in the future.');
  const id = crypto.randomUUID();
  const { year } = vietnamParts(now);
  const [{ n } = { n: 0 }] = await ctx.tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(incidents).where(like(incidents.code, `SC-${year}-%`));
  const code = `SC-${year}-${String(n + 1).padStart(4, '0')}`;
  await ctx.tx.insert(incidents).values({
    id,
    code,
    caseId: input.caseId ?? null,
    unitId: unit.id,
    title: input.title,
    description: input.description,
    detectedAt,
    notifyBy: new Date(detectedAt.getTime() + NOTIFY_WITHIN_MS),
    status: 'open',
    openedBy: actor.accountId,
    openedAt: now,
  });
  const citizens = fromCase?.citizens ?? [];
  if (citizens.length > 0) await ctx.tx.insert(incidentCitizens).values(citizens.map((citizen) => ({ incidentId: id, citizen })));
  await record(ctx, { type: 'incident.open', target: { type: 'incident', id }, unitId: unit.id, details: { code, caseId: input.caseId ?? null, affected: citizens.length } });
  return getIncident(ctx, id);
}

const incidentSelect = (ctx: Ctx) =>
  ctx.tx
    .select({ i: incidents, unitPath: units.path, unitName: units.name, openedBy: { fullName: accounts.fullName, username: accounts.username } })
    .from(incidents)
    .innerJoin(units, eq(units.id, incidents.unitId))
    .innerJoin(accounts, eq(accounts.id, incidents.openedBy));

function present(ctx: Ctx, row: Awaited<ReturnType<typeof incidentSelect>>[number], affected: number) {
  const { i } = row;
  const now = ctx.clock.now().getTime();
  return {
    id: i.id,
    code: i.code,
    caseId: i.caseId,
    unit: { id: i.unitId, name: row.unitName },
    title: i.title,
    description: i.description,
    status: i.status,
    detectedAt: i.detectedAt.toISOString(),
    notifyBy: i.notifyBy.toISOString(),
    /** hours left to notify the authority (negative: late); null once notified */
    hoursLeft: i.notifiedAt ? null : Math.floor((i.notifyBy.getTime() - now) / 3600_000),
    overdue: !i.notifiedAt && now > i.notifyBy.getTime(),
    notifiedAt: i.notifiedAt?.toISOString() ?? null,
    openedBy: row.openedBy,
    openedAt: i.openedAt.toISOString(),
    closedAt: i.closedAt?.toISOString() ?? null,
    affected,
  };
}

async function loadIncident(ctx: Ctx, id: string) {
  const actor = requireActor(ctx);
  const [row] = await incidentSelect(ctx).where(eq(incidents.id, id));
  if (!row || !incidentPolicy.can(actor, 'read', row)) throw notFound();
  return { actor, row };
}

export async function listIncidents(ctx: Ctx) {
  const actor = requireActor(ctx);
  const rows = (await incidentSelect(ctx).orderBy(sql`${incidents.status} = 'closed'`, desc(incidents.openedAt)).limit(500)).filter((r) => incidentPolicy.can(actor, 'read', r));
  const counts = rows.length === 0
    ? []
    : await ctx.tx
        .select({ id: incidentCitizens.incidentId, n: sql<number>`count(*)`.mapWith(Number) })
        .from(incidentCitizens)
        .where(inArray(incidentCitizens.incidentId, rows.map((r) => r.i.id)))
        .groupBy(incidentCitizens.incidentId);
  const countOf = new Map(counts.map((c) => [c.id, c.n]));
  return rows.map((r) => present(ctx, r, countOf.get(r.i.id) ?? 0));
}

export async function getIncident(ctx: Ctx, id: string) {
  const { actor, row } = await loadIncident(ctx, id);
  const [{ n } = { n: 0 }] = await ctx.tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(incidentCitizens).where(eq(incidentCitizens.incidentId, id));
  return { ...present(ctx, row, n), mayManage: incidentPolicy.can(actor, 'manage', row) };
}

const NEXT: Record<IncidentStatus, IncidentStatus[]> = { open: ['notified', 'closed'], notified: ['closed'], closed: [] };

/** The authority was notified (the document sent), or the incident is closed; journaled with the reason. */
export async function moveIncident(ctx: Ctx, id: string, status: 'notified' | 'closed', reason: string) {
  const { actor, row } = await loadIncident(ctx, id);
  if (!incidentPolicy.can(actor, 'manage', row)) throw notFound();
  if (!NEXT[row.i.status].includes(status)) throw conflict('incident_status', 'Sự cố không thể chuyển sang trạng thái này.', 'The incident cannot move to that status.');
  const now = ctx.clock.now();
  await ctx.tx
    .update(incidents)
    .set(status === 'notified' ? { status, notifiedAt: now, notifiedBy: actor.accountId } : { status, closedAt: now, closedBy: actor.accountId })
    .where(eq(incidents.id, id));
  await record(ctx, { type: `incident.${status}`, target: { type: 'incident', id }, unitId: row.i.unitId, reason, details: { code: row.i.code, late: status === 'notified' && now > row.i.notifyBy } });
  return getIncident(ctx, id);
}

/**
 * The notification to the authority (R19), as a .docx in the state format (Decree 30/2020): what happened, the account
 * concerned, what the monitoring found, the measures taken, the affected citizens in an annex. Reading the affected
 * citizens back from their dossiers is journaled with their keyed hashes.
 */
export async function incidentNoticeFile(ctx: Ctx, id: string): Promise<{ name: string; bytes: Buffer }> {
  const { actor, row } = await loadIncident(ctx, id);
  const i = row.i;
  const digests = (await ctx.tx.select({ citizen: incidentCitizens.citizen }).from(incidentCitizens).where(eq(incidentCitizens.incidentId, id))).map((c) => c.citizen);
  const affected = await identifyLookedUp(ctx, digests);
  const [caseRow] = i.caseId ? await ctx.tx.select().from(monitoringCases).where(eq(monitoringCases.id, i.caseId)) : [];
  const [concerned] = caseRow?.accountId
    ? await ctx.tx.select({ fullName: accounts.fullName, username: accounts.username, unitName: units.name }).from(accounts).innerJoin(units, eq(units.id, accounts.unitId)).where(eq(accounts.id, caseRow.accountId))
    : [];
  const alerts = i.caseId ? await ctx.tx.select().from(monitoringAlerts).where(eq(monitoringAlerts.caseId, i.caseId)).orderBy(monitoringAlerts.at) : [];
  const suspensions = caseRow?.accountId ? await accountSuspensions(ctx, caseRow.accountId) : [];
  const [author] = await ctx.tx.select().from(accounts).where(eq(accounts.id, actor.accountId));
  const province = (await getProvince(ctx.tx))!;
  const now = ctx.clock.now();
  const bytes = await incidentNoticeDocx({
    code: i.code,
    title: i.title,
    description: i.description,
    detectedAt: i.detectedAt,
    notifyBy: i.notifyBy,
    issuedAt: now,
    province: { name: province.fullName },
    issuingUnit: { parent: `UBND ${province.fullName}`.toUpperCase(), name: row.unitName.toUpperCase() },
    account: concerned ?? null,
    alerts: alerts.map((a) => ({ at: a.at, explanationVi: a.explanationVi, severity: a.severity })),
    affected,
    measures: suspensions.map((s) => `Tạm dừng quyền tra cứu CSDLQG về dân cư của tài khoản từ ${formatVietnamMoment(s.suspendedAt)}${s.liftedAt ? ` đến ${formatVietnamMoment(s.liftedAt)}` : ' (đang có hiệu lực)'}: ${s.reason}`),
    contact: { fullName: author!.fullName, position: author!.position, phone: author!.phone, email: author!.email },
    signer: { position: 'THỦ TRƯỞNG ĐƠN VỊ', fullName: '' },
  });
  await record(ctx, { type: 'incident.document', target: { type: 'incident', id }, unitId: i.unitId, details: { code: i.code, affected: affected.length }, citizens: affected.map((a) => a.personalId) });
  return { name: `${i.code}-thong-bao.docx`, bytes };
}

const formatVietnamMoment = (at: Date) => `${formatVietnamTime(at)} ngày ${formatVietnamDate(at)}`;
