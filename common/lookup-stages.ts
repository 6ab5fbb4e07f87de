/**
 * Issue 13: who may look up the citizens of a dossier at each stage of it (R01, R13). A procedure version states it,
 * as it states its NPD fields, so a dossier keeps the rule it was received under. The seats are the people who hold
 * the dossier at that stage, never a unit above them: a leader looks up only as the officer the dossier is assigned to.
 */
export const LOOKUP_SEATS = {
  /** At the desk, until the dossier is assigned: a reception officer of the dossier's desk. */
  receiving: ['desk'],
  /** With its processor, a supplement or payment awaited included: the assigned officer, or the desk again if the procedure says so. */
  processing: ['assignee', 'desk'],
} as const;

export type LookupStage = keyof typeof LOOKUP_SEATS;
export type LookupSeat = (typeof LOOKUP_SEATS)[LookupStage][number];
export type LookupStages = { [S in LookupStage]: (typeof LOOKUP_SEATS)[S][number][] };

/** The rule of every version that does not say otherwise (and of the versions made before the setting existed, migration 0018). */
export const DEFAULT_LOOKUP_STAGES: LookupStages = { receiving: ['desk'], processing: ['assignee'] };
