import { z } from 'zod';
import { LOOKUP_SEATS } from '../lookup-stages.ts';

/**
 * What the server accepts to offer a procedure, change its version and offer many at once (issue 15); the web's
 * procedure screens validate with the same schemas. Messages are "Vietnamese / English".
 */

export const OFFER_LEVELS = ['province', 'commune'] as const;
export type OfferLevel = (typeof OFFER_LEVELS)[number];

export const procedureCode = z.string().trim().regex(/^\d\.\d{6}$/, 'Mã thủ tục có dạng 1.001193 / a procedure code looks like 1.001193');

export const requiredDocument = z.strictObject({
  name: z.string().trim().min(2, 'Tên giấy tờ quá ngắn / the paper’s name is too short').max(300),
  required: z.boolean(),
  copies: z.number().int('Số bản là số nguyên / a whole number').min(1, 'Ít nhất 1 bản / at least 1 copy').max(20, 'Nhiều nhất 20 bản / at most 20 copies'),
});

const PURPOSE_NEEDED = 'Hãy ghi rõ mục đích khai thác dữ liệu (ít nhất 10 ký tự) / state the purpose of the lookups (at least 10 characters)';

/**
 * The bodies of an offer and of a new version. `npdField` is what a field name must be: the server passes the law's
 * list (its procedures module keeps it), the web any string (its checkboxes come from that list). A version that reads
 * no field needs no purpose (R24: a procedure offered in bulk reads nothing until someone declares its fields, one
 * procedure at a time); once a field is declared, the purpose is what the lookup log and the citizen are shown.
 */
export function versionSchemas<F extends z.ZodType<string>>(npdField: F) {
  const content = {
    processingDays: z.number('Ghi số ngày làm việc / give the working days').int('Số ngày là số nguyên / a whole number of days').min(0, 'Không âm / not negative').max(365, 'Nhiều nhất 365 ngày làm việc / at most 365 working days'),
    documents: z.array(requiredDocument).max(50),
    purpose: z.string().trim().max(1000),
    npdFields: z.array(npdField).max(40),
    /** null: kept permanently. */
    retentionYears: z.number().int().min(1, 'Ít nhất 1 năm / at least 1 year').max(100, 'Nhiều nhất 100 năm / at most 100 years').nullable(),
    lookupStages: z
      .strictObject({ receiving: z.array(z.enum(LOOKUP_SEATS.receiving)).max(LOOKUP_SEATS.receiving.length), processing: z.array(z.enum(LOOKUP_SEATS.processing)).max(LOOKUP_SEATS.processing.length) })
      .optional()
      .describe('who may look up the citizens of a dossier at each stage: desk (its reception officers), assignee (the officer it is assigned to); left out: desk while receiving, assignee while processing'),
  };
  const withPurpose = (v: { purpose: string; npdFields: unknown[] }, ctx: z.RefinementCtx) => {
    if (v.npdFields.length > 0 && v.purpose.length < 10) ctx.addIssue({ code: 'custom', path: ['purpose'], message: PURPOSE_NEEDED });
  };
  const offerNote = z.string().trim().max(500).default('');
  const changeNote = z.string().trim().min(3, 'Hãy ghi lý do thay đổi / say why it changes').max(500);
  const version = <N extends z.ZodType<string>>(note: N) => z.strictObject({ ...content, note }).superRefine(withPurpose);
  return {
    /** the version of an offer (its note may be empty) and of a change (its note says why): the editor's forms */
    offerVersion: version(z.string().trim().max(500)),
    changeVersion: version(changeNote),
    offerBody: z.strictObject({ code: procedureCode, level: z.enum(OFFER_LEVELS), version: version(offerNote) }),
    newVersionBody: z.strictObject({ basedOn: z.number().int().min(1), ...content, note: changeNote }).superRefine(withPurpose),
  };
}

/** Many catalogued procedures at one level at once: each with the catalogue's time limit, no papers and no NPD field yet. */
export const bulkOfferBody = z.strictObject({
  level: z.enum(OFFER_LEVELS),
  codes: z.array(procedureCode).min(1, 'Chọn ít nhất một thủ tục / choose at least one procedure').max(3000),
});

/** Why a bulk offer left a procedure out; the administrator offers those one at a time. */
export const BULK_SKIPS = ['not_catalogued', 'not_at_level', 'already_offered', 'withdrawn', 'no_time_limit'] as const;
export type BulkSkip = (typeof BULK_SKIPS)[number];
