import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../../../test/harness.ts';
import { loadConfig } from '../../platform/config.ts';
import type { Ctx } from '../../platform/context.ts';
import { parseVerifierKey } from './checkpoint.ts';
import { record } from './record.ts';
import { archiveMonth, ensureJournalPartitions, monthsToArchive } from './retention.ts';
import { integrate, journalSigner } from './sequencer.ts';
import { verifyExportedFile, type JournalArchive } from './exports.ts';
import { verifyJournal } from './verify-stream.ts';

const signer = journalSigner('motcua/19/journal', crypto.generateKeyPairSync('ed25519').privateKey);
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-archive-'));
let sys: TestSystem;
let marchEntries: number;

/** Archiving changes the schema: it runs as the database owner, as `motcua journal archive` does. */
const asOwner = <T>(fn: (ctx: Ctx) => Promise<T>) =>
  sys.inTx(async (ctx) => {
    await ctx.tx.execute(sql`SET LOCAL ROLE NONE`);
    return fn(ctx);
  });

async function count(where: string): Promise<number> {
  const res = (await sys.database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM journal WHERE ${where}`))) as unknown as { rows: { n: number }[] };
  return res.rows[0]!.n;
}

beforeAll(async () => {
  sys = await startTestSystem();
  for (let i = 0; i < 30; i++) await sys.inTx((ctx) => record(ctx, { type: 'test.march', details: { i } }));
  await integrate(sys.database, signer, sys.clock);
  marchEntries = await count(`at < '2026-04-01T00:00:00+07'`);
  sys.clock.set(new Date('2027-04-15T03:00:00Z'));
  await sys.inTx((ctx) => ensureJournalPartitions(ctx.tx, sys.clock.now()));
  for (let i = 0; i < 5; i++) await sys.inTx((ctx) => record(ctx, { type: 'test.april', details: { i } }));
  await integrate(sys.database, signer, sys.clock);
});
afterAll(async () => {
  await sys.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('R25: retention and archives of the journal', () => {
  it('should not keep the journal online for less than 3 months', () => {
    expect(() => loadConfig({ MOTCUA_JOURNAL_RETENTION_MONTHS: '2' })).toThrow(/MOTCUA_JOURNAL_RETENTION_MONTHS.*at least 3 months/s);
    expect(loadConfig({}).journal.retentionMonths).toBe(12);
  });

  it('should not archive a month inside the retention period', async () => {
    expect(await sys.inTx((ctx) => monthsToArchive(ctx.tx, ctx.clock.now(), 12))).toEqual(['2026-03-01']);
    await expect(asOwner((ctx) => archiveMonth(ctx, '2026-04-01', outDir, signer.vkey))).rejects.toThrow(/retention period/);
  });

  it('should not let the application role drop a month', async () => {
    await expect(sys.inTx((ctx) => archiveMonth(ctx, '2026-03-01', outDir, signer.vkey))).rejects.toThrow();
    expect(await count(`at < '2026-04-01T00:00:00+07'`)).toBe(marchEntries);
  });

  it('a month past retention moves to a file that verifies offline; the journal still verifies, the archive accounted for', async () => {
    const { file, entries } = await asOwner((ctx) => archiveMonth(ctx, '2026-03-01', outDir, signer.vkey));
    expect(entries).toBe(marchEntries);
    expect(await count(`at < '2026-04-01T00:00:00+07'`)).toBe(0);
    const archive = JSON.parse(fs.readFileSync(file!, 'utf8')) as JournalArchive;
    expect(verifyExportedFile(archive, signer.vkey)).toEqual({ summary: expect.stringContaining(`archive of 2026-03: ${marchEntries} entries`), problems: [] });

    const report = await sys.inTx((ctx) => verifyJournal(ctx.tx, parseVerifierKey(signer.vkey)));
    expect(report).toMatchObject({ problems: [], archived: marchEntries });
    expect(await sys.journalOf('journal.archive')).toEqual([expect.objectContaining({ details: expect.objectContaining({ month: '2026-03', entries: marchEntries }) })]);

    const edited = structuredClone(archive);
    edited.positions[2]!.entry!.type = 'test.rewritten';
    expect(verifyExportedFile(edited, signer.vkey).problems).toContainEqual(expect.stringMatching(/^position 2 \(entry \d+\): the entry was altered$/));
    const otherKey = journalSigner(signer.name, crypto.generateKeyPairSync('ed25519').privateKey).vkey;
    expect(verifyExportedFile(archive, otherKey).problems).toEqual(['checkpoint 30: no signature by a known key (not signed by the journal key)']);
  });

  it('after archiving, a deleted entry of a month still online is still named', async () => {
    let problems: string[] = [];
    await sys
      .inTx(async (ctx) => {
        await ctx.tx.execute(sql`SET LOCAL ROLE NONE`);
        await ctx.tx.execute(sql`ALTER TABLE journal DISABLE TRIGGER USER`);
        await ctx.tx.execute(sql`DELETE FROM journal WHERE type = 'test.april' AND (details->>'i')::int = 2`);
        problems = (await verifyJournal(ctx.tx, parseVerifierKey(signer.vkey))).problems;
        throw new Error('roll back');
      })
      .catch((err: Error) => {
        if (err.message !== 'roll back') throw err;
      });
    expect(problems).toEqual([expect.stringMatching(/the entry was deleted$/)]);
  });
});
