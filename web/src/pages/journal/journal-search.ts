import { z } from 'zod';
import type { MessageKey } from '../../i18n.ts';
import { addDays, fromVietnamWallClock, startOfVietnamDay } from '../../../../common/vietnam-time.ts';

// The journal's search: a GET with query parameters, so no request body is shared with the server. The form's own
// schema holds its rules (an actor named or given by id, 12 digits for a citizen, a range that ends after it starts)
// and turns what the officer typed into the query parameters of the entries and export APIs.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CITIZEN_ID = /^\d{12}$/;
/** The event type's choice that opens a text box for a code typed by hand. */
export const OTHER_TYPE = '__other';

/** The query parameters of the entries and export APIs. The citizen ID lives here and in the form only: never in the page's URL. */
export interface Params {
  type?: string;
  actorAccountId?: string;
  unitId?: string;
  citizenId?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

/** "2025-03-01" + "14:30" (or "") → the ISO instant, in Vietnam time; for the upper bound an empty time means the next midnight. */
function localInstant(date: string, time: string, bound: 'from' | 'to'): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  if (!/^\d{2}:\d{2}$/.test(time)) return startOfVietnamDay(bound === 'to' ? addDays(date, 1) : date).toISOString();
  const at = fromVietnamWallClock(`${date}T${time}`);
  // "Until 14:30" includes the whole minute 14:30; the server's upper bound is exclusive.
  return at ? new Date(at.getTime() + (bound === 'to' ? 60_000 : 0)).toISOString() : undefined;
}

const fields = z.object({
  typeChoice: z.string(),
  typeOther: z.string(),
  /** The account picked in the list, if any; `actorText` is what the box shows (a name, or an id typed by hand). */
  actor: z.object({ id: z.string(), username: z.string(), fullName: z.string() }).nullable(),
  actorText: z.string(),
  unitId: z.string(),
  citizenId: z.string(),
  targetId: z.string(),
  fromDate: z.string(),
  fromTime: z.string(),
  toDate: z.string(),
  toTime: z.string(),
});
export type Draft = z.infer<typeof fields>;

export const emptyDraft: Draft = { typeChoice: '', typeOther: '', actor: null, actorText: '', unitId: '', citizenId: '', targetId: '', fromDate: '', fromTime: '', toDate: '', toTime: '' };

/** The query parameters of a draft (empty fields left out). */
export function paramsOf(d: Draft): Params {
  const actorText = d.actorText.trim();
  const type = d.typeChoice === OTHER_TYPE ? d.typeOther.trim() : d.typeChoice;
  const clean = (v: string | undefined) => (v ? v : undefined);
  return {
    type: clean(type),
    actorAccountId: d.actor?.id ?? (UUID.test(actorText) ? actorText.toLowerCase() : undefined),
    unitId: clean(d.unitId),
    citizenId: clean(d.citizenId),
    targetId: clean(d.targetId.trim()),
    from: localInstant(d.fromDate, d.fromTime, 'from'),
    to: localInstant(d.toDate, d.toTime, 'to'),
  };
}

const problem = (key: MessageKey) => key;

/** The search form: its rules, then the query parameters. Each problem's message is the text the form shows for it. */
export const journalSearch = fields
  .superRefine((d, ctx) => {
    const actorText = d.actorText.trim();
    if (!d.actor && actorText !== '' && !UUID.test(actorText)) ctx.addIssue({ code: 'custom', path: ['actorText'], message: problem('journal.filterActorInvalid') });
    if (d.citizenId !== '' && !CITIZEN_ID.test(d.citizenId)) ctx.addIssue({ code: 'custom', path: ['citizenId'], message: problem('journal.filterCitizenInvalid') });
    const from = localInstant(d.fromDate, d.fromTime, 'from');
    const to = localInstant(d.toDate, d.toTime, 'to');
    if (from && to && from >= to) ctx.addIssue({ code: 'custom', path: ['toDate'], message: problem('journal.rangeInvalid') });
  })
  .transform(paramsOf);

/**
 * The problems of a draft, as the officer types (the form shows them at once, and apply and export wait until
 * there are none): the message key per field.
 */
export function problemsOf(draft: Draft): { actor?: MessageKey; citizen?: MessageKey; range?: MessageKey; invalid: boolean } {
  const result = journalSearch.safeParse(draft);
  if (result.success) return { invalid: false };
  const at = (field: keyof Draft) => result.error.issues.find((i) => i.path[0] === field)?.message as MessageKey | undefined;
  return { actor: at('actorText'), citizen: at('citizenId'), range: at('toDate'), invalid: true };
}
