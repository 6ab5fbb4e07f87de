import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { sha256 } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db.ts';
import { record } from './record.ts';
import { journal, journalArchives, journalIndex, type JournalRow } from './journal.tables.ts';
import { buildArchive, verifyArchive, type JournalArchive } from './exports.ts';
import { startOfVietnamDay, vietnamMonth } from '../../../common/vietnam-time.ts';

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 10);
}

/** The journal's partitions for this month and the next exist before their first entry (daily job and start-up). */
export async function ensureJournalPartitions(tx: Executor, now: Date): Promise<void> {
  const month = vietnamMonth(now);
  for (const m of [month, addMonths(month, 1)]) await tx.execute(sql`SELECT journal_month_partition(${m}::date)`);
}

/** The months past retention that still have a partition, oldest first (PGlite and PostgreSQL alike). */
export async function monthsToArchive(tx: Executor, now: Date, retentionMonths: number): Promise<string[]> {
  const keepFrom = addMonths(vietnamMonth(now), -retentionMonths);
  const result = (await tx.execute(
    sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'journal'::regclass ORDER BY c.relname`,
  )) as unknown as { rows: { name: string }[] };
  return result.rows
    .map(({ name }) => /^journal_y(\d{4})m(\d{2})$/.exec(name))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}-${m[2]}-01`)
    .filter((month) => month < keepFrom);
}

const partitionName = (month: string) => `journal_y${month.slice(0, 4)}m${month.slice(5, 7)}`;

/**
 * R25, retention: moves one month of the journal to a file that verifies on its own (`journal verify-export`), records
 * the file's digest and positions, and drops the month's partition, all or nothing. Needs the database owner (DDL);
 * refuses a month inside the retention period or not yet wholly in a signed checkpoint.
 */
export async function archiveMonth(ctx: Ctx, month: string, outDir: string, verifierKey: string): Promise<{ file: string | null; entries: number }> {
  if (!(await monthsToArchive(ctx.tx, ctx.clock.now(), ctx.config.journal.retentionMonths)).includes(month)) {
    throw new Error(`${month.slice(0, 7)} is within the ${ctx.config.journal.retentionMonths}-month retention period or has no partition`);
  }
  const next = addMonths(month, 1);
  const rows = await ctx.tx
    .select({ entry: journal, idx: journalIndex.idx })
    .from(journal)
    .leftJoin(journalIndex, eq(journalIndex.seq, journal.seq))
    .where(and(gte(journal.at, startOfVietnamDay(month)), lt(journal.at, startOfVietnamDay(next))))
    .orderBy(asc(journalIndex.idx));
  if (rows.some((r) => r.idx === null)) throw new Error(`${month.slice(0, 7)} has entries the sequencer has not integrated yet; try again in a minute`);
  const integrated = rows as { entry: JournalRow; idx: number }[];
  const file = path.join(outDir, `journal-${month.slice(0, 7)}.json`);
  const digest = integrated.length > 0 ? await writeArchive(ctx, month, file, verifierKey, integrated) : null;
  await ctx.tx.insert(journalArchives).values({
    month,
    entries: integrated.length,
    firstPosition: integrated[0]?.idx ?? null,
    lastPosition: integrated.at(-1)?.idx ?? null,
    fileName: digest ? path.basename(file) : null,
    fileSha256: digest,
    archivedAt: ctx.clock.now(),
  });
  await record(ctx, {
    type: 'journal.archive',
    details: { month: month.slice(0, 7), entries: integrated.length, file: digest ? path.basename(file) : null, sha256: digest?.toString('hex') ?? null },
  });
  await ctx.tx.execute(sql.raw(`ALTER TABLE journal DETACH PARTITION ${partitionName(month)}`));
  await ctx.tx.execute(sql.raw(`DROP TABLE ${partitionName(month)}`));
  return { file: digest ? file : null, entries: integrated.length };
}

/** Writes the archive and reads it back through the offline verifier before anything is dropped. */
async function writeArchive(ctx: Ctx, month: string, file: string, verifierKey: string, rows: { entry: JournalRow; idx: number }[]): Promise<Buffer> {
  const text = JSON.stringify(await buildArchive(ctx.tx, month, verifierKey, rows));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o640 });
  const written = fs.readFileSync(file, 'utf8');
  const check = verifyArchive(JSON.parse(written) as JournalArchive, verifierKey);
  if (check.problems.length > 0 || check.entries !== rows.length) {
    throw new Error(`the archive written to ${file} does not verify: ${check.problems.join('; ') || 'entries missing'}`);
  }
  return sha256(written);
}
