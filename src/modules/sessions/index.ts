// Sessions (R17/R48): opaque tokens, idle and absolute expiry, ended on lock, transfer and leave.
export {
  advanceSession, checkToken, concurrentSessionsSince, createSession, endAccountSessions, endForMissingOtp, endPresentedSession,
  endSession, endSessionsWithoutOtp, findSession, liveSessions, presentSession, sessionRef,
} from './sessions.service.ts';
export type { EndReason, SessionCheck } from './sessions.service.ts';
export { lacksRequiredOtp } from './sessions.policy.ts';
export type { SessionRow, SessionStage } from './sessions.tables.ts';
export { sessionSchema } from './sessions.schemas.ts';
