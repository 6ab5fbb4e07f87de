import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';

/** The month (1st day, Vietnam time) an instant falls in, as YYYY-MM-DD. */
export function monthOf(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 10);
}

/** The journal's partitions for this month and the next exist before their first entry (daily job and start-up). */
export async function ensureJournalPartitions(tx: Executor, now: Date): Promise<void> {
  const month = monthOf(now);
  for (const m of [month, addMonths(month, 1)]) await tx.execute(sql`SELECT journal_month_partition(${m}::date)`);
}
