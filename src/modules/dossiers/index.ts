// Dossiers (hồ sơ): received at a desk, processed, settled and returned; where each sits decides who may act on it.
export { dossierPolicy, seated } from './dossiers.policy.ts';
export type { DossierScope } from './dossiers.policy.ts';
export { citizensOf, dossierPersonsView, dossierRef, dossierRefs, dossiersView, openDossiersUnder, subjectsOf } from './dossiers.repo.ts';
export type { DossierRef } from './dossiers.repo.ts';
export { dossierForLookup } from './dossiers.service.ts';
export type { DossierSubject, LookupDossier } from './dossiers.service.ts';
export type { DossierRow } from './dossiers.tables.ts';
export { purgeExpiredDossiers } from './retention.ts';
