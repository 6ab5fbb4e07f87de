export { dossierPolicy, lookupRefusal, lookupStageOf, seated } from './dossiers.policy.ts';
export type { DossierScope, LookupRefusal, LookupScope } from './dossiers.policy.ts';
export { dossierForLookup } from './dossiers.service.ts';
export type { DossierSubject, LookupDossier } from './dossiers.service.ts';
export { purgeExpiredDossiers } from './retention.ts';
export { OPEN_STATUSES } from './workflow.ts';
