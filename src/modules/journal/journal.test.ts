import { sql, type SQL } from 'drizzle-orm';
import { Keys } from '../../platform/crypto.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { record } from './record.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
  await sys.inTx((ctx) => record(ctx, { type: 'test.entry', details: { n: 1 } }));
});
afterAll(() => sys.close());

const statements = [
  ['UPDATE', sql`UPDATE journal SET type = 'rewritten'`],
  ['DELETE', sql`DELETE FROM journal`],
  ['TRUNCATE', sql`TRUNCATE journal`],
  ['UPDATE a partition of', sql.raw(`UPDATE journal_y2026m03 SET type = 'rewritten'`)],
  ['DELETE from a partition of', sql.raw(`DELETE FROM journal_y2026m03`)],
] as const;

/** Drizzle wraps the database's error; the database's message is its cause. */
async function refusal(statement: SQL, asOwner: boolean): Promise<string> {
  const error = await sys.database.db
    .transaction(async (tx) => {
      if (asOwner) await tx.execute(sql`SET LOCAL ROLE NONE`);
      await tx.execute(statement);
    })
    .then(() => null, (e: Error) => e);
  const rows = (await sys.database.db.execute(sql`SELECT count(*)::int AS n FROM journal WHERE type = 'test.entry'`)) as unknown as { rows: { n: number }[] };
  expect(rows.rows[0]!.n).toBe(1);
  return String((error?.cause as Error | undefined)?.message);
}

describe('R25: the journal is append-only in the database', () => {
  it.each(statements)('should not let the application role %s the journal (no grant)', async (_, statement) => {
    expect(await refusal(statement, false)).toMatch(/permission denied/);
  });

  it.each(statements)('should not let even the owner %s the journal while the triggers stand', async (_, statement) => {
    expect(await refusal(statement, true)).toMatch(/journal is append-only/);
  });

  it('R25: a citizen is found by personal ID through a keyed hash, and the ID is stored nowhere in the journal', async () => {
    const personalId = '019201001234';
    await sys.inTx((ctx) => record(ctx, { type: 'test.lookup', citizens: [personalId] }));
    const [entry] = await sys.journalOf('test.lookup');
    expect(entry!.citizens).toEqual([sys.keys.citizenDigest(personalId)]);
    const dump = (await sys.database.db.execute(sql`SELECT count(*)::int AS n FROM journal WHERE journal::text LIKE ${'%' + personalId + '%'}`)) as unknown as { rows: { n: number }[] };
    expect(dump.rows[0]!.n).toBe(0);
    expect(sys.keys.citizenDigest(personalId)).not.toBe(Keys.random().citizenDigest(personalId));
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

describe('R21: inspectors search the journal', () => {
  it('R25: finds who acted about a citizen by personal ID, with the actor’s and the unit’s names', async () => {
    const admin = await sys.signedIn(await sys.officer({ username: 'search.admin', unit: sys.province, roles: ['system_admin'] }), '10.7.7.1');
    const personalId = '001199004321';
    const issued = await admin.post('/api/accounts', { username: 'citizen.officer', fullName: 'Lê Thị Hồng', position: 'Công chức', email: '', phone: '', personalId, unitId: sys.communes[1]!.id });
    expect(issued.statusCode, issued.body).toBe(200);
    const inspector = await sys.signedIn(await sys.officer({ username: 'search.inspector', unit: sys.province, roles: ['inspector'] }), '10.7.7.2');

    const found = (await inspector.get(`/api/journal/entries?citizenId=${personalId}`)).json().items;
    expect(found.map((e: { type: string }) => e.type)).toEqual(['account.issue']);
    expect(found[0].actor).toMatchObject({ username: 'search.admin' });
    expect(found[0].unit).toMatchObject({ id: sys.communes[1]!.id, name: sys.communes[1]!.name });
    expect((await inspector.get('/api/journal/entries?citizenId=001199004322')).json().items).toEqual([]);
    const byUnit = (await inspector.get(`/api/journal/entries?unitId=${sys.communes[1]!.id}`)).json().items;
    expect(byUnit.map((e: { type: string }) => e.type)).toContain('account.issue');
  });

  it('R21: a search of the journal by a citizen’s personal ID is itself journaled, the ID only as its keyed hash', async () => {
    const inspector = await sys.signedIn(await sys.officer({ username: 'search.traced', unit: sys.province, roles: ['inspector'] }), '10.7.7.4');
    const personalId = '001199004323';
    expect((await inspector.get(`/api/journal/entries?citizenId=${personalId}&type=account.issue`)).statusCode).toBe(200);
    const [traced] = (await sys.journalOf('journal.search')).filter((e) => e.requestId !== 'system').slice(-1);
    expect(traced).toMatchObject({ outcome: 'success', details: { filter: { citizen: 'keyed hash', type: 'account.issue' }, entries: 0 }, citizens: [sys.keys.citizenDigest(personalId)] });
    expect(JSON.stringify(traced)).not.toContain(personalId);
    // the citizen's own trail now shows who searched for them
    const trail = (await inspector.get(`/api/journal/entries?citizenId=${personalId}`)).json().items;
    expect(trail).toEqual([expect.objectContaining({ type: 'journal.search', actor: expect.objectContaining({ username: 'search.traced' }) })]);
  });

  it('should not accept a malformed personal ID or an unknown filter', async () => {
    const inspector = await sys.signedIn(await sys.officer({ username: 'search.inspector2', unit: sys.province, roles: ['inspector'] }), '10.7.7.3');
    expect((await inspector.get('/api/journal/entries?citizenId=12345')).statusCode).toBe(400);
    expect((await inspector.get('/api/journal/entries?personalId=001199004321')).statusCode).toBe(400);
  });
});
