import { z } from 'zod';

/**
 * What the server accepts to add or rename an organisational unit; the web's forms validate with the same schemas
 * before sending, so a mistake is shown beside its field. Messages are "Vietnamese / English".
 */
export const unitName = z.string().trim().min(2, 'Tên đơn vị có ít nhất 2 ký tự / the name has at least 2 characters').max(200, 'Tên đơn vị tối đa 200 ký tự / at most 200 characters');
export const CHILD_UNIT_KINDS = ['department', 'desk', 'office'] as const;

export const newUnitBody = z.strictObject({
  parentId: z.uuid(),
  code: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9.\-]{1,39}$/, 'Mã đơn vị: 2–40 ký tự chữ, số, dấu chấm hoặc gạch ngang / the code has 2–40 letters, digits, dots or dashes'),
  name: unitName,
  kind: z.enum(CHILD_UNIT_KINDS),
});

export const renameUnitBody = z.strictObject({ name: unitName });

/** Revoking a unit's result signing key suspected stolen (issue 13 item 12): why, and since when it may have been in other hands. */
export const revokeResultKeyBody = z.strictObject({
  reason: z.string().trim().min(10, 'Lý do thu hồi: ít nhất 10 ký tự / at least 10 characters').max(500),
  compromisedSince: z.iso.datetime({ offset: true }).optional().describe('since when the key may have been in other hands; not in the future'),
});
