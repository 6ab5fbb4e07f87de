/** What the printed forms read besides the dossier itself (loaded and authorised as every read of it is). */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../platform/db.ts';
import { officersView } from '../accounts/index.ts';
import { unitsView, type UnitInfo } from '../units/index.ts';
import { dossierEvents } from './dossiers.tables.ts';

const accounts = officersView('accounts');
const units = unitsView('units');

/** The workflow steps a form reports. */
export const FORM_EVENTS = ['request_supplement', 'not_accept', 'stop', 'apologize'] as const;
export type FormEventAction = (typeof FORM_EVENTS)[number];

export interface FormEvent {
  action: FormEventAction;
  at: Date;
  note: string | null;
  unitId: string | null;
  /** the officer who took the step */
  officer: string | null;
}

/** The dossier's steps that a form reports, newest first. */
export async function formEvents(tx: Executor, dossierId: string): Promise<FormEvent[]> {
  const rows = await tx
    .select({ action: dossierEvents.action, at: dossierEvents.at, note: dossierEvents.note, unitId: dossierEvents.unitId, officer: accounts.fullName })
    .from(dossierEvents)
    .leftJoin(accounts, eq(accounts.id, dossierEvents.actorId))
    .where(and(eq(dossierEvents.dossierId, dossierId), inArray(dossierEvents.action, [...FORM_EVENTS])))
    .orderBy(desc(dossierEvents.id));
  return rows as FormEvent[];
}

export async function officerName(tx: Executor, accountId: string): Promise<string | null> {
  const [officer] = await tx.select({ fullName: accounts.fullName }).from(accounts).where(eq(accounts.id, accountId));
  return officer?.fullName ?? null;
}

/** The unit and the units above it, the province first. */
export async function unitChain(tx: Executor, unitId: string): Promise<UnitInfo[]> {
  const [unit] = await tx.select({ path: units.path }).from(units).where(eq(units.id, unitId));
  if (!unit) throw new Error(`unit ${unitId} not found`);
  const chain = await tx.select().from(units).where(inArray(units.id, unit.path.split('/').filter(Boolean)));
  return chain.sort((a, b) => a.path.length - b.path.length);
}
