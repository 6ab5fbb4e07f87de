/**
 * Journal entries written before issue 13 name sessions by their id (`session.concurrent`, `session.end`); newer ones
 * carry a keyed hash instead (sessions.service sessionRef). The journal is append-only, so the screens mask the old
 * ids: the first characters are enough to match two entries by eye, far too few to name a session. Pure: the web
 * page imports it.
 */
const OLD_SESSION_ID_FIELDS: readonly string[] = ['sessionId', 'otherSessionId'];
const SHOWN = 4;

export function maskOldSessionIds(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [key, OLD_SESSION_ID_FIELDS.includes(key) && typeof value === 'string' ? `${value.slice(0, SHOWN)}…` : value]),
  );
}
