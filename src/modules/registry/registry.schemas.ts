import { z } from 'zod';
import { SUSPENSION_SCOPES, type SuspensionScope } from '../../../common/schemas/npd.ts';
import { LOOKUP_SERVICES, lookupBody } from '../../../common/schemas/dossiers.ts';
import { errorBody } from '../../platform/schemas.ts';
import { NPD_FIELD_NAMES } from '../procedures/index.ts';

/** The NPD's two services (R24: a procedure version declares which it may use) and what a lookup may answer. */
export { LOOKUP_SERVICES };
export type LookupService = (typeof LOOKUP_SERVICES)[number];

/** verify answers matched, mismatch or not_found; find answers found, not_found or ambiguous. */
export const LOOKUP_OUTCOMES = ['matched', 'mismatch', 'not_found', 'found', 'ambiguous'] as const;
export type LookupOutcome = (typeof LOOKUP_OUTCOMES)[number];

/** What the kill switch cuts (R43): shared with the web's form (common/schemas/npd.ts). */
export { SUSPENSION_SCOPES, type SuspensionScope };

/** Why a lookup we recorded is missing from the NPD's log (reconciliation, R35). */
export const UNANSWERED_EXPLANATIONS = ['unfinished', 'not_sent', 'missing_at_npd'] as const;

export const person = z.object({ fullName: z.string(), username: z.string() });
export const connection = z.object({
  id: z.string(),
  fingerprint: z.string().describe('SHA-256 of the client certificate'),
  certificateExpiresAt: z.string(),
  setBy: person,
  setAt: z.string(),
  replacedAt: z.string().nullable(),
});
/** A suspension of lookups, active or lifted, with who, when and why (R43). */
export const suspension = z.object({
  id: z.string(),
  scope: z.enum(SUSPENSION_SCOPES),
  unit: z.object({ id: z.string(), name: z.string() }).nullable(),
  account: z.object({ id: z.string(), fullName: z.string(), username: z.string() }).nullable(),
  reason: z.string(),
  suspendedBy: person.nullable(),
  suspendedAt: z.string(),
  liftedBy: person.nullable(),
  liftedAt: z.string().nullable(),
  liftReason: z.string().nullable(),
});
/** Look up a citizen of a dossier: shared with the web (common/schemas/dossiers.ts). */
export { lookupBody };
export const lookupResult = z.object({
  lookupId: z.string().describe('also the MaYeuCau sent to the NPD'),
  service: z.enum(LOOKUP_SERVICES),
  subject: z.string().describe('applicant, or the related person’s relation'),
  outcome: z.enum(LOOKUP_OUTCOMES),
  purpose: z.string(),
  fields: z.partialRecord(z.enum(NPD_FIELD_NAMES), z.unknown()).describe('only the fields the procedure version declares'),
  matchesDossier: z.boolean().nullable(),
});
export const lookupFailures = { 502: errorBody, 503: errorBody, 504: errorBody };
export const integrationClient = z.object({
  id: z.string(),
  name: z.string(),
  unit: z.object({ id: z.string(), name: z.string() }),
  procedures: z.array(z.string()),
  fields: z.array(z.string()),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
