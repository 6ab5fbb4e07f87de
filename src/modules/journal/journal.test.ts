import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { record } from './journal.service.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
  await sys.inTx((ctx) => record(ctx, { type: 'test.entry', details: { n: 1 } }));
});
afterAll(() => sys.close());

describe('R25: the journal is append-only in the database', () => {
  it.each([
    ['UPDATE', sql`UPDATE journal SET type = 'rewritten'`],
    ['DELETE', sql`DELETE FROM journal`],
    ['TRUNCATE', sql`TRUNCATE journal`],
  ])('should not let anyone %s journal rows', async (_, statement) => {
    // Drizzle wraps the database's error; the trigger's message is its cause.
    const error = await sys.database.db.execute(statement).then(() => null, (e: Error) => e);
    expect(String((error?.cause as Error | undefined)?.message)).toMatch(/journal is append-only/);
    const rows = (await sys.database.db.execute(sql`SELECT count(*)::int AS n FROM journal WHERE type = 'test.entry'`)) as unknown as { rows: { n: number }[] };
    expect(rows.rows[0]!.n).toBe(1);
  });

  it('an entry rolls back with the change it records', async () => {
    await expect(
      sys.inTx(async (ctx) => {
        await record(ctx, { type: 'test.rolled_back' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await sys.journalOf('test.rolled_back')).toEqual([]);
  });
});
