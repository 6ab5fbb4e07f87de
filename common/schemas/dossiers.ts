import { z } from 'zod';
import { CHANNELS } from '../dossier-workflow.ts';
import { birthYearOf, isValidPersonalId } from '../personal-id.ts';

/**
 * What the server accepts to receive a dossier, move it, add its papers and look up its citizens (issues 4 and 5);
 * the web's forms validate with the same schemas before sending, so a mistake is shown beside its field. Messages are
 * "Vietnamese / English".
 */

/** 12 digits; the message says how many were typed, as the desk types them. */
export const personalIdDigits = z.string().regex(/^\d{12}$/, {
  error: (issue) => {
    const typed = typeof issue.input === 'string' ? issue.input : '';
    return /^\d*$/.test(typed) ? `Cần đủ 12 chữ số (đã nhập ${typed.length}). / 12 digits needed (${typed.length} typed).` : 'Số định danh cá nhân gồm 12 chữ số / a personal ID has 12 digits';
  },
  abort: true,
});

/**
 * R01: a citizen's personal ID: 12 digits, a province of birth registration, a century and a year of birth already
 * come (the server checks the year again against its own clock).
 */
export const citizenPersonalId = personalIdDigits.refine(
  (value) => isValidPersonalId(value, new Date()),
  'Số định danh không hợp lệ (sai mã tỉnh, thế kỷ hoặc năm sinh). / Invalid personal ID (province, century or year of birth).',
);

const fullName = z.string().trim().min(2, 'Họ và tên có ít nhất 2 ký tự / the full name has at least 2 characters').max(120, 'Họ và tên tối đa 120 ký tự / at most 120 characters');
const birthDate = z.iso.date({
  error: (issue) => (issue.input === '' || issue.input === undefined ? 'Nhập ngày sinh. / Enter the date of birth.' : 'Ngày sinh không hợp lệ (YYYY-MM-DD) / not a valid date (YYYY-MM-DD)'),
});

/** The year of birth a valid personal ID encodes is the year of the date of birth given (told beside the date). */
function birthYearAgrees(person: { personalId?: unknown; birthDate?: unknown }, ctx: z.RefinementCtx) {
  const { personalId, birthDate } = person;
  if (typeof personalId !== 'string' || typeof birthDate !== 'string' || !/^\d{4}-/.test(birthDate) || !isValidPersonalId(personalId, new Date())) return;
  const year = birthYearOf(personalId);
  if (Number(birthDate.slice(0, 4)) !== year) {
    ctx.addIssue({
      code: 'custom',
      path: ['birthDate'],
      input: birthDate,
      message: `Năm sinh không khớp với số định danh (năm ${year}). / The year of birth does not match the personal ID (year ${year}).`,
    });
  }
}

const personFields = { personalId: citizenPersonalId, fullName, birthDate };

/** The citizen who hands the dossier in. */
export const applicant = z
  .strictObject({
    ...personFields,
    phone: z.string().trim().regex(/^[0-9+ ]{0,20}$/, 'Số điện thoại chỉ gồm chữ số / the phone number has digits only'),
    email: z.email('Thư điện tử không hợp lệ / not a valid e-mail address').max(200, 'Thư điện tử tối đa 200 ký tự / at most 200 characters').or(z.literal('')),
    address: z.string().trim().max(300, 'Địa chỉ tối đa 300 ký tự / at most 300 characters'),
  })
  .superRefine(birthYearAgrees);

/** Another person the procedure concerns, with their relation to it (father, mother, spouse…). */
export const relatedPerson = z
  .strictObject({
    ...personFields,
    relation: z.string().trim().min(2, 'Ghi quan hệ (ít nhất 2 ký tự) / give the relation (at least 2 characters)').max(60, 'Quan hệ tối đa 60 ký tự / at most 60 characters'),
  })
  .superRefine(birthYearAgrees);

export const MAX_RELATED_PERSONS = 10;

/** The desk receives a dossier (POST /api/dossiers). */
export const newDossierBody = z.strictObject({
  offeredProcedureId: z.uuid(),
  unitId: z.uuid(),
  channel: z.enum(CHANNELS),
  applicant,
  persons: z.array(relatedPerson).max(MAX_RELATED_PERSONS, `Tối đa ${MAX_RELATED_PERSONS} người liên quan / at most ${MAX_RELATED_PERSONS} related persons`).default([]),
  receivedPapers: z.array(z.string().trim().min(1).max(300)).max(50).default([]).describe('names of the papers handed in, from the procedure version'),
});

/** A note or a reason given with a step; the steps whose reason the citizen reads need one (TRANSITIONS[…].reason). */
export const actionReason = z.string().trim().max(1000, 'Tối đa 1000 ký tự / at most 1000 characters');
export const reasonGiven = actionReason.min(3, 'Hãy ghi lý do (ít nhất 3 ký tự) / give the reason (at least 3 characters)');

/** A workflow step (POST /api/dossiers/{id}/{action}): what each step needs is checked by the server per action. */
export const dossierActionBody = z.strictObject({
  reason: actionReason.optional(),
  unitId: z.uuid('Hãy chọn đơn vị / choose a unit').optional(),
  assigneeId: z.uuid('Hãy chọn cán bộ / choose an officer').optional(),
  newDueDate: z.iso.date('Hãy chọn ngày hẹn mới / choose the new date').optional(),
});

/**
 * Circular 01/2023/TT-VPCP: where a component of a dossier comes from (the same list as the server's
 * src/modules/documents/types.ts).
 */
export const DOCUMENT_KINDS = ['digitized', 'reused', 'from_npd'] as const;
const componentName = z.string().trim().max(200, 'Tên thành phần tối đa 200 ký tự / at most 200 characters');

/** Add a paper (POST /api/dossiers/{id}/documents): the body is the file, these are the query's parameters. */
export const documentUploadQuery = z.strictObject({
  name: z.string().max(1000),
  kind: z.enum(DOCUMENT_KINDS).default('digitized'),
  component: componentName.optional(),
});

/** Attach one of the applicant's earlier results as a component (POST /api/dossiers/{id}/reused-results). */
export const reuseResultBody = z.strictObject({
  resultId: z.uuid('Hãy chọn một kết quả / choose a result'),
  component: componentName.optional(),
});

/** The NPD's two services (R24: a procedure version declares which it may use). */
export const LOOKUP_SERVICES = ['verify', 'find'] as const;

/** Look up a citizen named in the dossier (POST /api/dossiers/{id}/lookups). */
export const lookupBody = z.strictObject({
  personalId: personalIdDigits,
  service: z.enum(LOOKUP_SERVICES).describe('verify: look up by personal ID with name and date of birth to match; find: find the personal ID from name and date of birth'),
});
