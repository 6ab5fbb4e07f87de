import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DOCX, errorResponses, fileAnswer, idParams, noContent } from '../../platform/schemas.ts';
import { getCase, listCases, listNotifications, markNotificationsRead, triageCase } from './alerts.service.ts';
import { listRules, saveRule, securityDashboard } from './dashboard.service.ts';
import { getIncident, incidentNoticeFile, listIncidents, moveIncident, openIncident } from './incidents.service.ts';
import { RULE_NAMES, SEVERITIES } from '../../../common/detection-rules.ts';
import { CASE_STATUSES, incidentMoveBody, openIncidentBody, ruleSettingsBody, triageBody } from '../../../common/schemas/monitoring.ts';
import { journalStatus } from '../journal/index.ts';
import { suspension } from '../registry/index.ts';

const person = z.object({ fullName: z.string(), username: z.string() });
const caseSummary = z.object({
  id: z.string(),
  status: z.enum(CASE_STATUSES),
  severity: z.enum(SEVERITIES),
  account: z.object({ id: z.string(), fullName: z.string(), username: z.string() }).nullable(),
  clientId: z.string().nullable(),
  aboutCitizen: z.boolean().describe('a case about one citizen looked up by many callers (their names are in the alerts)'),
  unit: z.object({ id: z.string(), name: z.string() }).nullable(),
  openedAt: z.string(),
  updatedAt: z.string(),
  alerts: z.number(),
});
const caseDetail = caseSummary.extend({
  mayTriage: z.boolean(),
  moves: z.array(z.enum(CASE_STATUSES)).describe('the statuses the viewer may move the case to'),
  items: z.array(
    z.object({
      id: z.string(),
      rule: z.enum(RULE_NAMES),
      severity: z.enum(SEVERITIES),
      at: z.string(),
      raisedAt: z.string(),
      explanationVi: z.string(),
      explanationEn: z.string(),
      details: z.record(z.string(), z.unknown()),
      citizens: z.number().describe('how many citizens the alert concerns (their identities are not shown here)'),
    }),
  ),
  notes: z.array(z.object({ at: z.string(), status: z.enum(CASE_STATUSES).nullable(), note: z.string(), by: person.nullable() })),
});
const ruleList = z.object({ items: z.array(ruleSettingsBody.extend({ rule: z.enum(RULE_NAMES), defaults: ruleSettingsBody })), mayTune: z.boolean() });
const incident = z.object({
  id: z.string(),
  code: z.string(),
  caseId: z.string().nullable(),
  unit: z.object({ id: z.string(), name: z.string() }),
  title: z.string(),
  description: z.string(),
  status: z.enum(['open', 'notified', 'closed']),
  detectedAt: z.string(),
  notifyBy: z.string().describe('72 hours after detection (Decree 13/2023 Art. 23, Law 91/2025)'),
  hoursLeft: z.number().nullable(),
  overdue: z.boolean(),
  notifiedAt: z.string().nullable(),
  openedBy: person,
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  affected: z.number(),
});
const named = z.object({ id: z.string(), name: z.string() });
/** Counts only: no citizen, no value (R34). Days and hours are Vietnam time. */
const dashboard = z.object({
  perDay: z.array(z.object({ day: z.string().describe('YYYY-MM-DD; days with lookups only'), lookups: z.number(), refusedAtNpd: z.number() })),
  perHour: z.array(z.object({ hour: z.string().describe('YYYY-MM-DDTHH; the last 24 hours, hours with lookups only'), lookups: z.number() })),
  byUnit: z.array(z.object({ unit: named, lookups: z.number() })),
  byProcedure: z.array(z.object({ code: z.string(), lookups: z.number() })),
  topAccounts: z
    .array(z.object({ account: z.object({ id: z.string(), fullName: z.string(), username: z.string() }), today: z.number(), baseline: z.number() }))
    .describe('lookups in the last 24 hours against the account’s daily average over the 29 days before'),
  openCases: z.partialRecord(z.enum(SEVERITIES), z.number()),
  openIncidents: z.array(z.object({ id: z.string(), code: z.string(), title: z.string(), notifyBy: z.string(), notified: z.boolean(), hoursLeft: z.number().nullable(), overdue: z.boolean() })),
  killSwitch: z.object({ active: z.array(suspension), recent: z.array(suspension), disconnectedSince: z.string().nullable() }),
  journal: journalStatus,
  detector: z.object({ position: z.number(), behind: z.number() }).describe('the journal position the detector has read, and how many entries it is behind'),
});

/** Issue 6: alerts, cases, rules, the security dashboard, incidents (R14, R16, R19, R21, R38, R41). */
export const monitoringRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/monitoring/dashboard', {
    config: { access: 'monitoring.read' },
    schema: { tags: ['monitoring'], summary: 'The security dashboard: lookups over time, by unit and procedure, top accounts against their baseline, open cases and incidents, kill switch, journal', response: { 200: dashboard, ...errorResponses } },
  }, async (req) => app.inTx(req, securityDashboard));

  app.get('/api/monitoring/cases', {
    config: { access: 'monitoring.read' },
    schema: { tags: ['monitoring'], summary: 'The triage queue: cases (alerts grouped per account), open ones first', querystring: z.strictObject({ status: z.enum(CASE_STATUSES).optional() }), response: { 200: z.object({ items: z.array(caseSummary) }), ...errorResponses } },
  }, async (req) => app.inTx(req, async (ctx) => ({ items: await listCases(ctx, req.query) })));

  app.get('/api/monitoring/cases/:id', {
    config: { access: 'monitoring.read' },
    schema: { tags: ['monitoring'], summary: 'A case with its alerts and triage trail', params: idParams, response: { 200: caseDetail, ...errorResponses } },
  }, async (req) => app.inTx(req, (ctx) => getCase(ctx, req.params.id)));

  app.post('/api/monitoring/cases/:id/triage', {
    config: { access: 'monitoring.triage' },
    schema: {
      tags: ['monitoring'],
      summary: 'Move a case (new → investigating → dismissed or confirmed) or add a note; journaled',
      params: idParams,
      body: triageBody,
      response: { 200: caseDetail, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => triageCase(ctx, req.params.id, req.body)));

  app.get('/api/monitoring/rules', {
    config: { access: 'monitoring.read' },
    schema: {
      tags: ['monitoring'],
      summary: 'The detection rules as they run, with their defaults',
      response: { 200: ruleList, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => listRules(ctx)));

  app.put('/api/monitoring/rules/:rule', {
    config: { access: 'monitoring.triage' },
    schema: {
      tags: ['monitoring'],
      summary: 'Tune a rule: on/off, severity (critical suspends lookups automatically), thresholds; the province’s security officers only; journaled',
      params: z.strictObject({ rule: z.enum(RULE_NAMES) }),
      body: ruleSettingsBody,
      response: { 200: ruleList, ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => saveRule(ctx, req.params.rule, req.body)));

  app.get('/api/incidents', {
    config: { access: 'incidents.read' },
    schema: { tags: ['monitoring'], summary: 'Security incidents with their 72-hour notification deadline (R19, R21)', response: { 200: z.object({ items: z.array(incident) }), ...errorResponses } },
  }, async (req) => app.inTx(req, async (ctx) => ({ items: await listIncidents(ctx) })));

  app.get('/api/incidents/:id', {
    config: { access: 'incidents.read' },
    schema: { tags: ['monitoring'], summary: 'One incident', params: idParams, response: { 200: incident.extend({ mayManage: z.boolean() }), ...errorResponses } },
  }, async (req) => app.inTx(req, (ctx) => getIncident(ctx, req.params.id)));

  app.post('/api/incidents', {
    config: { access: 'incidents.manage' },
    schema: {
      tags: ['monitoring'],
      summary: 'Open an incident from a confirmed case (its citizens become the affected list) or by hand',
      body: openIncidentBody,
      response: { 200: incident.extend({ mayManage: z.boolean() }), ...errorResponses },
    },
  }, async (req) => app.inTx(req, (ctx) => openIncident(ctx, { ...req.body, detectedAt: req.body.detectedAt ? new Date(req.body.detectedAt) : undefined })));

  for (const status of ['notified', 'closed'] as const) {
    app.post(`/api/incidents/:id/${status === 'notified' ? 'notified' : 'close'}`, {
      config: { access: 'incidents.manage' },
      schema: {
        tags: ['monitoring'],
        summary: status === 'notified' ? 'Record that the authority was notified (the notice sent)' : 'Close the incident',
        params: idParams,
        body: incidentMoveBody,
        response: { 200: incident.extend({ mayManage: z.boolean() }), ...errorResponses },
      },
    }, async (req) => app.inTx(req, (ctx) => moveIncident(ctx, req.params.id, status, req.body.reason)));
  }

  app.get('/api/incidents/:id/notice.docx', {
    config: { access: 'incidents.read' },
    schema: { tags: ['monitoring'], summary: 'The notification to the authority, as a .docx in the format of Decree 30/2020 (the affected citizens in its annex); journaled', params: idParams, response: { 200: fileAnswer('the notice', [DOCX]), ...errorResponses } },
  }, async (req, reply) => {
    const file = await app.inTx(req, (ctx) => incidentNoticeFile(ctx, req.params.id));
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
      .header('content-disposition', `attachment; filename="${file.name}"`)
      .header('cache-control', 'no-store')
      .send(file.bytes);
  });

  app.get('/api/notifications', {
    config: { access: 'signedIn' },
    schema: {
      tags: ['monitoring'],
      summary: 'The signed-in officer’s notifications (alerts for security officers)',
      response: {
        200: z.object({
          unread: z.number(),
          items: z.array(z.object({ id: z.number(), at: z.string(), kind: z.string(), target: z.object({ type: z.string(), id: z.string() }), textVi: z.string(), textEn: z.string(), read: z.boolean() })),
        }),
        ...errorResponses,
      },
    },
  }, async (req) => app.inTx(req, listNotifications));

  app.post('/api/notifications/read', {
    config: { access: 'signedIn' },
    schema: { tags: ['monitoring'], summary: 'Mark the officer’s notifications read', response: { 204: noContent, ...errorResponses } },
  }, async (req, reply) => {
    await app.inTx(req, markNotificationsRead);
    return reply.status(204).send(null);
  });
};
