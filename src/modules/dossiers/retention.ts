import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import { record } from '../journal/index.ts';
import { dossierPersons, dossiers } from './dossiers.tables.ts';
import { versionsView } from '../procedures/index.ts';

const procedureVersions = versionsView('procedure_versions');

/** Dossiers purged per run of the job: a backlog drains over a few runs instead of one long transaction. */
const BATCH = 200;

/**
 * Issue 4 item 8: a closed dossier whose procedure version's retention has run out loses its documents and the
 * citizens' personal data; the dossier stays as a tombstone (code, procedure, dates, status) and the journal records
 * the purge with the citizens' keyed hashes, so "what happened to my file" still has an answer. A version without a
 * retention period keeps its dossiers for good. The documents module sits above dossiers, so its part (the papers'
 * contents) is handed in by the job that runs this (system.ts).
 */
export async function purgeExpiredDossiers(ctx: Ctx, purgePapers: (ctx: Ctx, dossierId: string) => Promise<number>): Promise<number> {
  const now = ctx.clock.now();
  const expired = await ctx.tx
    .select({ dossier: dossiers })
    .from(dossiers)
    .innerJoin(procedureVersions, eq(procedureVersions.id, dossiers.procedureVersionId))
    .where(
      and(
        isNull(dossiers.purgedAt),
        isNotNull(dossiers.closedAt),
        isNotNull(procedureVersions.retentionYears),
        lte(sql`${dossiers.closedAt} + make_interval(years => ${procedureVersions.retentionYears})`, now),
      ),
    )
    .limit(BATCH)
    .for('update', { of: dossiers, skipLocked: true });
  for (const { dossier: d } of expired) {
    const persons = await ctx.tx.delete(dossierPersons).where(eq(dossierPersons.dossierId, d.id)).returning({ personalId: dossierPersons.personalId });
    const purged = await purgePapers(ctx, d.id);
    await ctx.tx
      .update(dossiers)
      .set({ applicantPersonalId: '', applicantName: '', applicantBirthDate: null, applicantPhone: '', applicantEmail: '', applicantAddress: '', searchText: d.code.toLowerCase(), searchWords: [d.code.toLowerCase()], purgedAt: now, updatedAt: now })
      .where(eq(dossiers.id, d.id));
    await record(ctx, {
      type: 'dossier.purge',
      target: { type: 'dossier', id: d.id },
      unitId: d.receivedUnitId,
      reason: 'Hết thời hạn lưu trữ / retention period ended',
      details: { code: d.code, closedAt: d.closedAt!.toISOString(), documents: purged, persons: persons.length },
      citizens: [d.applicantPersonalId, ...persons.map((p) => p.personalId)],
    });
  }
  return expired.length;
}
