import type { Ctx } from '../../platform/context.ts';
import { journalFailClosed } from '../journal/journal.service.ts';
import { currentConnection } from './connection.service.ts';
import { HttpNpdClient, type NpdAdapter } from './npd-client.ts';

/**
 * The one holder of a live NPD client in a server process. It is rebuilt when the connection is rotated (every
 * lookup reads the current connection's id, so all processes switch at their next lookup), and the journal's
 * fail-closed state is re-read at most once a second: it changes over hours, lookups arrive by the hundred.
 */
export class NpdGateway {
  #client: { connectionId: string; adapter: NpdAdapter } | null = null;
  #failClosed = { checkedAt: 0, value: false };

  constructor(private readonly options: { timeoutMs: number; breakerResetMs?: number }) {}

  /** The client for the current connection, or null when none is set. */
  async adapter(ctx: Ctx): Promise<NpdAdapter | null> {
    const connection = await currentConnection(ctx);
    if (!connection) return null;
    if (this.#client?.connectionId !== connection.id) {
      const old = this.#client?.adapter;
      this.#client = { connectionId: connection.id, adapter: new HttpNpdClient(connection.open(), this.options) };
      // calls in flight on the old connection finish; new ones use the new one
      void old?.close().catch(() => {});
    }
    return this.#client.adapter;
  }

  async journalFailClosed(ctx: Ctx): Promise<boolean> {
    const now = ctx.clock.now().getTime();
    if (Math.abs(now - this.#failClosed.checkedAt) > 1000) this.#failClosed = { checkedAt: now, value: await journalFailClosed(ctx) };
    return this.#failClosed.value;
  }

  async close(): Promise<void> {
    await this.#client?.adapter.close();
    this.#client = null;
  }
}
