import crypto from 'node:crypto';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { isWithin, type Actor } from '../../authz/actor.ts';
import { casePolicy } from './monitoring.policy.ts';
import type { Permission } from '../../authz/roles.ts';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { holdersOf, officersView } from '../accounts/index.ts';
import { record } from '../journal/index.ts';
import { suspendAccountAutomatically } from '../registry/index.ts';
import type { AlertDraft } from './detection.ts';
import { monitoringAlerts, monitoringCaseNotes, monitoringCases, notifications, type CaseRow, type CaseStatus } from './monitoring.tables.ts';
import { unitsView } from '../units/index.ts';
import { SEVERITIES, type Severity } from '../../../common/detection-rules.ts';

const accounts = officersView('accounts');
const units = unitsView('units');

const rank = (s: Severity) => SEVERITIES.indexOf(s);
const SEVERITY_VI: Record<Severity, string> = { low: 'thấp', medium: 'trung bình', high: 'cao', critical: 'nghiêm trọng' };
const OPEN: CaseStatus[] = ['new', 'investigating'];
const MOVES: Record<CaseStatus, CaseStatus[]> = { new: ['investigating', 'dismissed', 'confirmed'], investigating: ['dismissed', 'confirmed'], dismissed: [], confirmed: [] };

/** The accounts that hold a permission where a unit sits (anywhere, for alerts about no unit). */
async function holders(ctx: Ctx, permission: Permission, unitPath: string | null): Promise<string[]> {
  const rows = await holdersOf(ctx.tx, permission);
  return [...new Set(rows.filter((r) => unitPath === null || isWithin(unitPath, r.unitPath)).map((r) => r.accountId))];
}

/** Notifies (the bell, and e-mail when SMTP is set) every holder of a permission over a unit (over all, for no unit). */
export async function notifyHolders(
  ctx: Ctx,
  permission: Permission,
  unitPath: string | null,
  n: { kind: string; target: { type: string; id: string }; textVi: string; textEn: string },
): Promise<number> {
  const readers = await holders(ctx, permission, unitPath);
  if (readers.length > 0) {
    await ctx.tx.insert(notifications).values(
      readers.map((accountId) => ({ accountId, at: ctx.clock.now(), kind: n.kind, targetType: n.target.type, targetId: n.target.id, textVi: n.textVi.slice(0, 1000), textEn: n.textEn.slice(0, 1000) })),
    );
  }
  return readers.length;
}

/**
 * Issue 6 item 2: each alert joins the open case of its account (or integration key), or opens one, so that serial
 * behaviour reads as one story. A critical alert suspends the account's lookups at once (MOTCUA_MONITORING_AUTO_SUSPEND);
 * the security officers over the unit are notified; all of it is journaled. An alert already raised (same dedupe key)
 * is not raised again.
 */
export async function storeAlerts(ctx: Ctx, drafts: AlertDraft[]): Promise<number> {
  let raised = 0;
  const now = ctx.clock.now();
  for (const draft of drafts) {
    // the same behaviour seen again (same dedupe key): its alert gathers the new citizens and entries and takes the
    // latest figures; only a new alert opens or joins a case, is journaled and notified (one detector runs at a time)
    const updated = await ctx.tx
      .update(monitoringAlerts)
      .set({
        citizens: sql`ARRAY(SELECT DISTINCT unnest(${monitoringAlerts.citizens} || ${sql.param(draft.citizens)}::text[]))`,
        seqs: sql`ARRAY(SELECT DISTINCT unnest(${monitoringAlerts.seqs} || ${sql.param(draft.seqs)}::bigint[]))`,
        details: draft.details,
        explanationVi: draft.explanationVi,
        explanationEn: draft.explanationEn,
      })
      .where(eq(monitoringAlerts.dedupeKey, draft.dedupeKey))
      .returning({ id: monitoringAlerts.id });
    if (updated.length > 0) continue;
    // whom the case is about: the account, else the integration key, else the one citizen many callers looked up
    const subject = draft.accountId
      ? { accountId: draft.accountId, clientId: null, citizen: null }
      : draft.clientId
        ? { accountId: null, clientId: draft.clientId, citizen: null }
        : { accountId: null, clientId: null, citizen: draft.citizens[0] ?? 'unknown' };
    const who = subject.accountId
      ? eq(monitoringCases.accountId, subject.accountId)
      : subject.clientId
        ? eq(monitoringCases.clientId, subject.clientId)
        : eq(monitoringCases.citizen, subject.citizen!);
    let [open] = await ctx.tx.select().from(monitoringCases).where(and(who, inArray(monitoringCases.status, OPEN)));
    const alertId = crypto.randomUUID();
    const caseId = open?.id ?? crypto.randomUUID();
    if (!open) {
      [open] = await ctx.tx
        .insert(monitoringCases)
        .values({ id: caseId, ...subject, unitId: draft.unitId, status: 'new', severity: draft.severity, openedAt: now, updatedAt: now })
        .returning();
    }
    await ctx.tx.insert(monitoringAlerts).values({ id: alertId, caseId, ...draft, raisedAt: now });
    raised += 1;
    await ctx.tx
      .update(monitoringCases)
      .set({ updatedAt: now, ...(rank(draft.severity) > rank(open!.severity) ? { severity: draft.severity } : {}) })
      .where(eq(monitoringCases.id, caseId));
    await record(ctx, {
      type: 'monitoring.alert',
      outcome: 'failure',
      target: { type: 'monitoring_case', id: caseId },
      unitId: draft.unitId,
      details: { alert: alertId, rule: draft.rule, severity: draft.severity, accountId: draft.accountId, clientId: draft.clientId },
      citizens: [],
    });
    const unitPath = draft.unitId ? ((await ctx.tx.select({ path: units.path }).from(units).where(eq(units.id, draft.unitId)))[0]?.path ?? null) : null;
    const suspended = draft.severity === 'critical' && draft.accountId !== null && ctx.config.monitoring.autoSuspend
      ? await suspendAccountAutomatically(ctx, draft.accountId, `Tự động tạm dừng do cảnh báo nghiêm trọng: ${draft.explanationVi}`.slice(0, 500))
      : false;
    await notifyHolders(ctx, 'monitoring.triage', unitPath, {
      kind: suspended ? 'alert_suspended' : 'alert',
      target: { type: 'monitoring_case', id: caseId },
      textVi: `${suspended ? '[ĐÃ TỰ ĐỘNG TẠM DỪNG TRA CỨU] ' : ''}Cảnh báo mức ${SEVERITY_VI[draft.severity]}: ${draft.explanationVi}`,
      textEn: `${suspended ? '[LOOKUPS SUSPENDED AUTOMATICALLY] ' : ''}${draft.severity} alert: ${draft.explanationEn}`,
    });
  }
  return raised;
}

// ——— Triage (R38, R41) ———

const mayRead = (actor: Actor, unitPath: string | null) => casePolicy.can(actor, 'read', { unitPath });

const caseSelect = (ctx: Ctx) =>
  ctx.tx
    .select({ c: monitoringCases, unitPath: units.path, unitName: units.name, fullName: accounts.fullName, username: accounts.username })
    .from(monitoringCases)
    .leftJoin(units, eq(units.id, monitoringCases.unitId))
    .leftJoin(accounts, eq(accounts.id, monitoringCases.accountId));

function presentCase(row: Awaited<ReturnType<typeof caseSelect>>[number], alerts: number) {
  return {
    id: row.c.id,
    status: row.c.status,
    severity: row.c.severity,
    account: row.c.accountId ? { id: row.c.accountId, fullName: row.fullName ?? '', username: row.username ?? '' } : null,
    clientId: row.c.clientId,
    /** about a citizen looked up by many callers, not about one caller */
    aboutCitizen: row.c.citizen !== null,
    unit: row.c.unitId ? { id: row.c.unitId, name: row.unitName ?? '' } : null,
    openedAt: row.c.openedAt.toISOString(),
    updatedAt: row.c.updatedAt.toISOString(),
    alerts,
  };
}

/** The triage queue: open cases first, most severe and most recent first. */
export async function listCases(ctx: Ctx, query: { status?: CaseStatus }) {
  const actor = requireActor(ctx);
  const rows = await caseSelect(ctx)
    .where(query.status ? eq(monitoringCases.status, query.status) : undefined)
    .orderBy(sql`${monitoringCases.status} IN ('new', 'investigating') DESC`, sql`array_position(ARRAY['critical','high','medium','low'], ${monitoringCases.severity})`, desc(monitoringCases.updatedAt))
    .limit(500);
  const visible = rows.filter((r) => mayRead(actor, r.unitPath));
  const counts = visible.length === 0
    ? []
    : await ctx.tx
        .select({ caseId: monitoringAlerts.caseId, n: sql<number>`count(*)`.mapWith(Number) })
        .from(monitoringAlerts)
        .where(inArray(monitoringAlerts.caseId, visible.map((r) => r.c.id)))
        .groupBy(monitoringAlerts.caseId);
  const countOf = new Map(counts.map((c) => [c.caseId, c.n]));
  return visible.map((r) => presentCase(r, countOf.get(r.c.id) ?? 0));
}

async function loadCase(ctx: Ctx, id: string) {
  const actor = requireActor(ctx);
  const [row] = await caseSelect(ctx).where(eq(monitoringCases.id, id));
  if (!row || !mayRead(actor, row.unitPath)) throw notFound();
  return { actor, row };
}

/** One case: its alerts (with their explanations) and its triage trail. */
export async function getCase(ctx: Ctx, id: string) {
  const { actor, row } = await loadCase(ctx, id);
  const alerts = await ctx.tx.select().from(monitoringAlerts).where(eq(monitoringAlerts.caseId, id)).orderBy(desc(monitoringAlerts.at));
  const notes = await ctx.tx
    .select({ n: monitoringCaseNotes, fullName: accounts.fullName, username: accounts.username })
    .from(monitoringCaseNotes)
    .leftJoin(accounts, eq(accounts.id, monitoringCaseNotes.authorId))
    .where(eq(monitoringCaseNotes.caseId, id))
    .orderBy(monitoringCaseNotes.id);
  return {
    ...presentCase(row, alerts.length),
    mayTriage: casePolicy.can(actor, 'triage', row),
    /** the statuses this viewer may move the case to (abilities, computed here) */
    moves: casePolicy.can(actor, 'triage', row) ? MOVES[row.c.status] : [],
    items: alerts.map((a) => ({
      id: a.id,
      rule: a.rule,
      severity: a.severity,
      at: a.at.toISOString(),
      raisedAt: a.raisedAt.toISOString(),
      explanationVi: a.explanationVi,
      explanationEn: a.explanationEn,
      details: a.details,
      citizens: a.citizens.length,
    })),
    notes: notes.map(({ n, fullName, username }) => ({ at: n.at.toISOString(), status: n.status, note: n.note, by: n.authorId ? { fullName: fullName ?? '', username: username ?? '' } : null })),
  };
}

/** new → investigating → dismissed or confirmed, each with a note; or a note alone. Journaled. */
export async function triageCase(ctx: Ctx, id: string, input: { status?: CaseStatus; note: string }) {
  const { actor, row } = await loadCase(ctx, id);
  if (!casePolicy.can(actor, 'triage', row)) throw notFound();
  if (input.status && input.status !== row.c.status && !MOVES[row.c.status].includes(input.status)) {
    throw conflict('case_status', 'Không thể chuyển vụ việc sang trạng thái này.', 'The case cannot move to that status.');
  }
  const now = ctx.clock.now();
  const status = input.status && input.status !== row.c.status ? input.status : null;
  await ctx.tx.insert(monitoringCaseNotes).values({ caseId: id, authorId: actor.accountId, at: now, status, note: input.note });
  if (status) await ctx.tx.update(monitoringCases).set({ status, updatedAt: now }).where(eq(monitoringCases.id, id));
  await record(ctx, { type: status ? `monitoring.case.${status}` : 'monitoring.case.note', target: { type: 'monitoring_case', id }, unitId: row.c.unitId, reason: input.note });
  return getCase(ctx, id);
}

/** The case row for incidents (confirmed cases become incidents). */
export async function caseForIncident(ctx: Ctx, id: string): Promise<{ row: CaseRow; citizens: string[] }> {
  const { row } = await loadCase(ctx, id);
  const alerts = await ctx.tx.select({ citizens: monitoringAlerts.citizens }).from(monitoringAlerts).where(eq(monitoringAlerts.caseId, id));
  return { row: row.c, citizens: [...new Set(alerts.flatMap((a) => a.citizens))] };
}

// ——— Notifications ———

export async function listNotifications(ctx: Ctx) {
  const actor = requireActor(ctx);
  const rows = await ctx.tx.select().from(notifications).where(eq(notifications.accountId, actor.accountId)).orderBy(desc(notifications.id)).limit(50);
  const [{ unread } = { unread: 0 }] = await ctx.tx
    .select({ unread: sql<number>`count(*)`.mapWith(Number) })
    .from(notifications)
    .where(and(eq(notifications.accountId, actor.accountId), isNull(notifications.readAt)));
  return {
    unread,
    items: rows.map((n) => ({ id: n.id, at: n.at.toISOString(), kind: n.kind, target: { type: n.targetType, id: n.targetId }, textVi: n.textVi, textEn: n.textEn, read: n.readAt !== null })),
  };
}

export async function markNotificationsRead(ctx: Ctx) {
  const actor = requireActor(ctx);
  await ctx.tx.update(notifications).set({ readAt: ctx.clock.now() }).where(and(eq(notifications.accountId, actor.accountId), isNull(notifications.readAt)));
}
