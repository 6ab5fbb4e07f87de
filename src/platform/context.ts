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

export function requireActor(ctx: Ctx): Actor {
  if (!ctx.actor) throw new Error('this service needs a signed-in actor');
  return ctx.actor;
}

/** Opens a transaction with a fresh Ctx; a service that must commit between steps (sign-in) takes this. */
export type InTx = <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>;
