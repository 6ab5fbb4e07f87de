import { and, count, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { columnsWithout, readView } from '../../platform/views.ts';
import { unitsView } from '../units/index.ts';
import type { DossierScope } from './dossiers.policy.ts';
import { dossierPersons, dossiers, type DossierRow } from './dossiers.tables.ts';
import { OPEN_STATUSES } from '../../../common/dossier-workflow.ts';

/** Dossiers as other modules join them (documents, results, lookups, statistics, monitoring): not the search internals. */
export const dossiersView = readView(dossiers, columnsWithout(dossiers, 'searchText', 'searchWords'));
/** The persons a dossier names besides its applicant (R01: a lookup names one of them). */
export const dossierPersonsView = readView(dossierPersons, columnsWithout(dossierPersons));

/** The desk that received a dossier and the unit processing it: where every policy over the dossier looks. */
export const deskView = unitsView('desk');
export const processingUnitView = unitsView('processing_unit');

export const dossierScopeOf = (d: Pick<DossierRow, 'status' | 'apologyDueAt'>, deskPath: string, processingPath: string | null): DossierScope => ({
  status: d.status,
  deskPath,
  processingPath,
  apologized: d.apologyDueAt !== null,
});

/** A dossier as the modules built on it (documents, results) see it: what names it, and its scope for the policies. */
export interface DossierRef {
  id: string;
  code: string;
  procedureCode: string;
  receivedUnitId: string;
  processingUnitId: string | null;
  applicantPersonalId: string;
  purgedAt: Date | null;
  scope: DossierScope;
}

/** Any number of dossiers' references in one query (a list's access checks are one statement, not one per row). */
export async function dossierRefs(tx: Executor, ids: readonly string[]): Promise<Map<string, DossierRef>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({
      id: dossiers.id, code: dossiers.code, procedureCode: dossiers.procedureCode, status: dossiers.status,
      receivedUnitId: dossiers.receivedUnitId, processingUnitId: dossiers.processingUnitId, applicantPersonalId: dossiers.applicantPersonalId,
      purgedAt: dossiers.purgedAt, apologyDueAt: dossiers.apologyDueAt, deskPath: deskView.path, processingPath: processingUnitView.path,
    })
    .from(dossiers)
    .innerJoin(deskView, eq(deskView.id, dossiers.receivedUnitId))
    .leftJoin(processingUnitView, eq(processingUnitView.id, dossiers.processingUnitId))
    .where(inArray(dossiers.id, [...ids]));
  return new Map(
    rows.map(({ status, apologyDueAt, deskPath, processingPath, ...ref }) => [ref.id, { ...ref, scope: dossierScopeOf({ status, apologyDueAt }, deskPath, processingPath) }]),
  );
}

export async function dossierRef(tx: Executor, id: string): Promise<DossierRef | undefined> {
  return (await dossierRefs(tx, [id])).get(id);
}

/** The citizens a dossier concerns (its applicant and named persons): entries about it carry their keyed hashes. */
export async function citizensOf(tx: Executor, d: Pick<DossierRef, 'id' | 'applicantPersonalId'>): Promise<string[]> {
  const persons = await tx.select({ personalId: dossierPersons.personalId }).from(dossierPersons).where(eq(dossierPersons.dossierId, d.id));
  return [d.applicantPersonalId, ...persons.map((p) => p.personalId)];
}

/** The citizens any number of dossiers name (applicants and related persons), in two queries whatever their number. */
export async function subjectsOf(tx: Executor, ids: readonly string[]): Promise<{ personalId: string; fullName: string }[]> {
  if (ids.length === 0) return [];
  const applicants = await tx.select({ personalId: dossiers.applicantPersonalId, fullName: dossiers.applicantName }).from(dossiers).where(inArray(dossiers.id, [...ids]));
  const persons = await tx.select({ personalId: dossierPersons.personalId, fullName: dossierPersons.fullName }).from(dossierPersons).where(inArray(dossierPersons.dossierId, [...ids]));
  return [...applicants, ...persons];
}

/** How many open dossiers (their deadline running or paused) were received under these procedure versions. */
export async function openDossiersUnder(tx: Executor, versionIds: readonly string[]): Promise<number> {
  if (versionIds.length === 0) return 0;
  const [row] = await tx
    .select({ n: count() })
    .from(dossiers)
    .where(and(inArray(dossiers.procedureVersionId, [...versionIds]), inArray(dossiers.status, [...OPEN_STATUSES])));
  return row!.n;
}
