/** The NPD's two services (R24: a procedure version declares which it may use) and what a lookup may answer. */
export const LOOKUP_SERVICES = ['verify', 'find'] as const;
export type LookupService = (typeof LOOKUP_SERVICES)[number];

/** verify answers matched, mismatch or not_found; find answers found, not_found or ambiguous. */
export const LOOKUP_OUTCOMES = ['matched', 'mismatch', 'not_found', 'found', 'ambiguous'] as const;
export type LookupOutcome = (typeof LOOKUP_OUTCOMES)[number];
