import type { Ctx } from '../../platform/context.ts';
import { journalFailClosed } from '../journal/index.ts';
import { findUnit } from '../units/index.ts';
import { currentConnection } from './connection.service.ts';
import { HttpNpdClient, type NpdAdapter } from './npd-client.ts';
import { upstreamState } from './suspensions.service.ts';

/** How long a process trusts what it read of slowly-changing state (the connection, the NPD's cut, the journal). */
const FRESH_MS = 1000;

/**
 * The one holder of a live NPD client in a server process, and of the state every lookup checks that changes over
 * minutes or hours while lookups arrive by the hundred per second: the current connection (a rotation reaches every
 * process within a second), the NPD's "disconnected" answer, the journal's fail-closed state and unit codes.
 * Suspensions are not cached: a cut takes effect on the very next lookup.
 */
export class NpdGateway {
  #client: { connectionId: string; adapter: NpdAdapter } | null = null;
  #fresh = new Map<string, { at: number; real: number; value: unknown }>();
  #unitCodes = new Map<string, string>();

  constructor(private readonly options: { timeoutMs: number; breakerResetMs?: number }) {}

  async #cached<T>(ctx: Ctx, key: string, load: () => Promise<T>): Promise<T> {
    // fresh on both clocks: the injectable one (tests jump it by hours) and the process's own
    const at = ctx.clock.now().getTime();
    const real = performance.now();
    const hit = this.#fresh.get(key);
    if (hit && Math.abs(at - hit.at) <= FRESH_MS && real - hit.real <= FRESH_MS) return hit.value as T;
    const value = await load();
    this.#fresh.set(key, { at, real, value });
    return value;
  }

  /** After this process changed the state itself (a rotation, the NPD's cut): read it again next time. */
  forget(): void {
    this.#fresh.clear();
  }

  /** The client for the current connection, or null when none is set. */
  async adapter(ctx: Ctx): Promise<NpdAdapter | null> {
    const connection = await this.#cached(ctx, 'connection', () => currentConnection(ctx));
    if (!connection) return null;
    if (this.#client?.connectionId !== connection.id) {
      const old = this.#client?.adapter;
      this.#client = { connectionId: connection.id, adapter: new HttpNpdClient(connection.open(), { ...this.options, clock: ctx.clock }) };
      // calls in flight on the old connection finish; new ones use the new one
      void old?.close().catch(() => {});
    }
    return this.#client.adapter;
  }

  upstream(ctx: Ctx) {
    return this.#cached(ctx, 'upstream', () => upstreamState(ctx));
  }

  journalFailClosed(ctx: Ctx): Promise<boolean> {
    return this.#cached(ctx, 'journal', () => journalFailClosed(ctx));
  }

  /** A unit's code (MaDonVi on every call); codes never change. */
  async unitCode(ctx: Ctx, unitId: string): Promise<string> {
    let code = this.#unitCodes.get(unitId);
    if (!code) {
      code = (await findUnit(ctx.tx, unitId))!.code;
      this.#unitCodes.set(unitId, code);
    }
    return code;
  }

  async close(): Promise<void> {
    await this.#client?.adapter.close();
    this.#client = null;
  }
}
