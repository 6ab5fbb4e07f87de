import type { Actor } from '../authz/actor.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Keys } from './crypto.ts';
import type { Executor } from './db.ts';

/** Everything a service needs to act for one request: who, inside which transaction, when and from where. */
export interface Ctx {
  actor: Actor | null;
  tx: Executor;
  clock: Clock;
  config: Config;
  keys: Keys;
  ip: string;
  userAgent: string;
  requestId: string;
  sessionId: string | null;
}

/** What a service records about what it did (journal/record.ts writes it; AppError carries refusals to record). */
export interface JournalEvent {
  /** Stable dotted name, e.g. `account.transfer`, `auth.sign_in`. */
  type: string;
  outcome?: 'success' | 'failure' | 'refused';
  target?: { type: string; id: string };
  /** The unit the event concerns (the target's unit), for per-unit review. */
  unitId?: string | null;
  reason?: string | null;
  /** Never secrets, never citizen data in clear. */
  details?: Record<string, unknown>;
  /** Personal IDs of the citizens the event concerns: stored only as keyed hashes, searchable by inspectors. */
  citizens?: readonly string[];
  /** For events before a session exists (sign-in): the account the event is about, when known. */
  actorAccountId?: string | null;
}

export function requireActor(ctx: Ctx): Actor {
  if (!ctx.actor) throw new Error('this service needs a signed-in actor');
  return ctx.actor;
}

/** Opens a transaction with a fresh Ctx; a service that must commit between steps (sign-in) takes this. */
export type InTx = <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>;
