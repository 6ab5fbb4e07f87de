import { desc, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import { requireActor, type Ctx } from '../../platform/context.ts';
import { forbidden, invalid } from '../../platform/errors.ts';
import { journalState, mayReadJournal, record } from '../journal/index.ts';
import { listSuspensions, lookupsView, upstreamState } from '../registry/index.ts';
import { getProvince, unitsView } from '../units/index.ts';
import { detectorLag, ruleSettings } from './detector.ts';
import type { RuleSettings } from './detection.ts';
import { mayTuneRules } from './monitoring.policy.ts';
import { incidents, monitoringCases, monitoringRules } from './monitoring.tables.ts';
import { DEFAULT_RULES } from './rules/index.ts';
import { officersView } from '../accounts/index.ts';
import { RULE_NAMES, type RuleName } from '../../../common/detection-rules.ts';

const accounts = officersView('accounts');
const npdLookups = lookupsView('npd_lookups');
const units = unitsView('units');

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Issue 6 item 4: what the security officer and the police look at first. Lookups over the last 30 days and 24 hours,
 * by unit and by procedure, the accounts furthest above their own baseline, open cases and incidents, the kill switch
 * and the journal's publication. Counts only: no citizen, no value. Province-wide, so for those who read the whole journal.
 */
export async function securityDashboard(ctx: Ctx) {
  if (!mayReadJournal(ctx.actor)) throw forbidden();
  const now = ctx.clock.now();
  const monthAgo = new Date(now.getTime() - 30 * DAY);
  const dayAgo = new Date(now.getTime() - DAY);
  // INTERVAL, not the string '+07': PostgreSQL reads a bare '+07' as a POSIX zone, seven hours WEST of Greenwich
  const local = sql`(${npdLookups.startedAt} AT TIME ZONE INTERVAL '+07:00')`;
  const perDay = await ctx.tx
    .select({ day: sql<string>`to_char(${local}, 'YYYY-MM-DD')`, lookups: sql<number>`count(*)`.mapWith(Number), refusedAtNpd: sql<number>`count(*) FILTER (WHERE ${npdLookups.outcome} IN ('not_found', 'mismatch', 'ambiguous'))`.mapWith(Number) })
    .from(npdLookups)
    .where(gte(npdLookups.startedAt, monthAgo))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  const perHour = await ctx.tx
    .select({ hour: sql<string>`to_char(date_trunc('hour', ${local}), 'YYYY-MM-DD"T"HH24')`, lookups: sql<number>`count(*)`.mapWith(Number) })
    .from(npdLookups)
    .where(gte(npdLookups.startedAt, dayAgo))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  const byUnit = await ctx.tx
    .select({ unitId: npdLookups.unitId, name: units.name, lookups: sql<number>`count(*)`.mapWith(Number) })
    .from(npdLookups)
    .innerJoin(units, eq(units.id, npdLookups.unitId))
    .where(gte(npdLookups.startedAt, monthAgo))
    .groupBy(npdLookups.unitId, units.name)
    .orderBy(desc(sql`count(*)`))
    .limit(20);
  const byProcedure = await ctx.tx
    .select({ code: npdLookups.procedureCode, lookups: sql<number>`count(*)`.mapWith(Number) })
    .from(npdLookups)
    .where(gte(npdLookups.startedAt, monthAgo))
    .groupBy(npdLookups.procedureCode)
    .orderBy(desc(sql`count(*)`))
    .limit(20);
  // the last 24 hours against the account's own daily average over the 29 days before
  const topAccounts = await ctx.tx
    .select({
      accountId: npdLookups.accountId,
      fullName: accounts.fullName,
      username: accounts.username,
      today: sql<number>`count(*) FILTER (WHERE ${npdLookups.startedAt} >= ${dayAgo})`.mapWith(Number),
      baseline: sql<number>`round(count(*) FILTER (WHERE ${npdLookups.startedAt} < ${dayAgo})::numeric / 29, 1)`.mapWith(Number),
    })
    .from(npdLookups)
    .innerJoin(accounts, eq(accounts.id, npdLookups.accountId))
    .where(gte(npdLookups.startedAt, monthAgo))
    .groupBy(npdLookups.accountId, accounts.fullName, accounts.username)
    .orderBy(desc(sql`count(*) FILTER (WHERE ${npdLookups.startedAt} >= ${dayAgo})`))
    .limit(10);
  const openCases = await ctx.tx
    .select({ severity: monitoringCases.severity, n: sql<number>`count(*)`.mapWith(Number) })
    .from(monitoringCases)
    .where(inArray(monitoringCases.status, ['new', 'investigating']))
    .groupBy(monitoringCases.severity);
  const openIncidents = await ctx.tx
    .select({ id: incidents.id, code: incidents.code, title: incidents.title, notifyBy: incidents.notifyBy, notifiedAt: incidents.notifiedAt })
    .from(incidents)
    .where(ne(incidents.status, 'closed'))
    .orderBy(incidents.notifyBy);
  const suspensions = await listSuspensions(ctx);
  const upstream = await upstreamState(ctx);
  const checkpoint = await journalState(ctx);
  const lag = await detectorLag(ctx);
  return {
    perDay,
    perHour,
    byUnit: byUnit.map(({ unitId, name, lookups }) => ({ unit: { id: unitId, name }, lookups })),
    byProcedure,
    topAccounts: topAccounts.map((a) => ({ account: { id: a.accountId!, fullName: a.fullName, username: a.username }, today: a.today, baseline: a.baseline })),
    openCases: Object.fromEntries(openCases.map((c) => [c.severity, c.n])) as Partial<Record<string, number>>,
    openIncidents: openIncidents.map((i) => ({
      id: i.id,
      code: i.code,
      title: i.title,
      notifyBy: i.notifyBy.toISOString(),
      notified: i.notifiedAt !== null,
      hoursLeft: i.notifiedAt ? null : Math.floor((i.notifyBy.getTime() - now.getTime()) / 3600_000),
      overdue: !i.notifiedAt && now > i.notifyBy,
    })),
    killSwitch: { active: suspensions.filter((s) => s.liftedAt === null), recent: suspensions.slice(0, 10), disconnectedSince: upstream.disconnectedAt?.toISOString() ?? null },
    journal: checkpoint,
    detector: lag,
  };
}

/** The rules as they run, with their defaults, for the settings screen, and whether the caller may tune them. */
export async function listRules(ctx: Ctx) {
  const current = await ruleSettings(ctx);
  return {
    items: RULE_NAMES.map((rule) => ({ rule, ...current[rule], defaults: DEFAULT_RULES[rule] })),
    mayTune: mayTuneRules(requireActor(ctx), (await getProvince(ctx.tx))!.path),
  };
}

/** The security officer at the province tunes a rule (R38): only the parameters the rule has; journaled with the old and new values. */
export async function saveRule(ctx: Ctx, rule: RuleName, settings: RuleSettings) {
  const actor = requireActor(ctx);
  if (!mayTuneRules(actor, (await getProvince(ctx.tx))!.path)) {
    throw forbidden().recording({ type: 'monitoring.rule', outcome: 'refused', target: { type: 'monitoring_rule', id: rule }, reason: 'not_province_security_officer' });
  }
  const known = Object.keys(DEFAULT_RULES[rule].params);
  const unknown = Object.keys(settings.params).filter((p) => !known.includes(p));
  if (unknown.length > 0) {
    throw invalid('unknown_rule_parameter', `Quy tắc không có tham số: ${unknown.join(', ')}.`, `The rule has no parameter: ${unknown.join(', ')}.`);
  }
  const before = (await ruleSettings(ctx))[rule];
  const now = ctx.clock.now();
  await ctx.tx
    .insert(monitoringRules)
    .values({ rule, ...settings, updatedBy: actor.accountId, updatedAt: now })
    .onConflictDoUpdate({ target: monitoringRules.rule, set: { ...settings, updatedBy: actor.accountId, updatedAt: now } });
  await record(ctx, { type: 'monitoring.rule', target: { type: 'monitoring_rule', id: rule }, details: { before, after: settings } });
  return listRules(ctx);
}

