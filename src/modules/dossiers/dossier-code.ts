import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { dossierCounters } from './dossiers.tables.ts';
import { vietnamDate } from '../../../common/vietnam-time.ts';

/**
 * The next dossier code of a unit for the day of `at` (Circular 01/2018/TT-VPCP: `<unit code>-YYMMDD-NNNN`). The
 * counter row is incremented in the intake transaction: concurrent intakes queue on its lock, and a rolled-back
 * intake gives its number back.
 */
export async function nextDossierCode(tx: Executor, unit: { id: string; code: string }, at: Date): Promise<string> {
  const day = vietnamDate(at);
  const [row] = await tx
    .insert(dossierCounters)
    .values({ unitId: unit.id, day, last: 1 })
    .onConflictDoUpdate({ target: [dossierCounters.unitId, dossierCounters.day], set: { last: sql`${dossierCounters.last} + 1` } })
    .returning({ last: dossierCounters.last });
  return `${unit.code.toUpperCase()}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${String(row!.last).padStart(4, '0')}`;
}
