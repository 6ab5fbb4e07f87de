import { z } from 'zod';
import { SEVERITIES } from '../detection-rules.ts';

/**
 * What the server accepts to triage a case, tune a detection rule, open an incident and move it (issue 6); the web's
 * forms validate with the same schemas before sending, so a mistake is shown beside its field. Messages are
 * "Vietnamese / English".
 */

/** A case's statuses (R38, R41): new → investigating → dismissed or confirmed. */
export const CASE_STATUSES = ['new', 'investigating', 'dismissed', 'confirmed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** R38, R41: move a case, or only add a note; either way the note goes to the journal. */
export const triageBody = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  note: z.string().trim().min(3, 'Hãy ghi nhận xét (ít nhất 3 ký tự) / write a note (at least 3 characters)').max(2000, 'Nhận xét tối đa 2000 ký tự / at most 2000 characters'),
});

/** The largest threshold a rule takes. */
export const MAX_RULE_PARAM = 1_000_000;
export const ruleParam = z
  .number('Hãy nhập một số / enter a number')
  .nonnegative('Ngưỡng không được âm / the threshold cannot be negative')
  .max(MAX_RULE_PARAM, 'Ngưỡng tối đa 1.000.000 / at most 1,000,000');

/** A rule as it runs: on/off, the severity of its alerts (critical suspends lookups), its thresholds. */
export const ruleSettingsBody = z.strictObject({ enabled: z.boolean(), severity: z.enum(SEVERITIES), params: z.record(z.string(), ruleParam) });

/** R19: an incident from a confirmed case (its citizens become the affected list), or by hand for a unit. */
export const openIncidentBody = z.strictObject({
  caseId: z.uuid().optional(),
  unitId: z.uuid('Hãy chọn đơn vị / choose a unit').optional(),
  title: z.string().trim().min(5, 'Tên sự cố có ít nhất 5 ký tự / the title has at least 5 characters').max(300, 'Tên sự cố tối đa 300 ký tự / at most 300 characters'),
  description: z.string().trim().min(10, 'Mô tả có ít nhất 10 ký tự / the description has at least 10 characters').max(10_000, 'Mô tả tối đa 10.000 ký tự / at most 10,000 characters'),
  detectedAt: z.iso.datetime({ offset: true, error: 'Thời điểm không hợp lệ / not a valid time' }).optional(),
});

/** Recording that the authority was notified, or closing the incident: why, for the journal. */
export const incidentMoveBody = z.strictObject({ reason: z.string().trim().min(3, 'Hãy ghi lý do (ít nhất 3 ký tự) / give the reason (at least 3 characters)').max(500) });
