import type { RuleName, Severity } from '../../../common/detection-rules.ts';
import type { Channel, DossierAction, DossierStatus } from '../../../common/dossier-workflow.ts';
import type { components, paths } from './schema.ts';

// ——— Shapes of the answers: generated from the server's OpenAPI document (npm run openapi), never written by hand ———

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON a route answers on success, as the server declares it (openapi.json). */
export type Answer<P extends keyof paths, M extends keyof paths[P] = 'get' & keyof paths[P]> = paths[P][M] extends { responses: { 200: infer R } } ? Json<R> : never;
/** The JSON body a route accepts. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Item<T> = T extends { items: (infer I)[] } ? I : never;

export type UnitRef = components['schemas']['UnitRef'];
export type Me = Answer<'/api/auth/me'>;
export type Stage = Me['stage'];
export type SessionInfo = Item<Answer<'/api/sessions'>>;
export type Unit = Answer<'/api/units/{id}', 'patch'>;
export type UnitKind = Unit['kind'];
export type RoleInfo = Item<Answer<'/api/roles'>>;
export type AccountSummary = Item<Answer<'/api/accounts'>>;
export type AccountStatus = AccountSummary['status'];
export type AccountDetail = Answer<'/api/accounts/{id}'>;
export type AccountAbility = keyof AccountDetail['abilities'];
export type ResetRequest = Item<Answer<'/api/accounts/reset-requests'>>;
export type SharingSignal = Item<Answer<'/api/accounts/sharing-signals'>>;
export type OtpEnrollment = Answer<'/api/auth/otp/enrollment', 'post'>;

export type JournalEntry = Item<Answer<'/api/journal/entries'>>;
export type EntryWithProof = Answer<'/api/journal/entries/{seq}'>;
/** The journal's publication, as GET /api/journal/checkpoint answers it. */
export type JournalStatus = Answer<'/api/journal/checkpoint'>;

/** A procedure the province offers, with its current version (GET /api/procedures/offered). */
export type OfferedProcedure = Item<Answer<'/api/procedures/offered'>>;
export type ProcedureVersion = OfferedProcedure['current'];
export type RequiredDocument = ProcedureVersion['documents'][number];
export type OfferedProcedureDetail = Answer<'/api/procedures/offered/{id}'>;
/** A procedure of the national catalogue, with where the province offers it (GET /api/procedures/catalogue). */
export type CatalogueProcedure = Item<Answer<'/api/procedures/catalogue'>>;
export type CatalogueProcedureDetail = Answer<'/api/procedures/catalogue/{code}'>;
export type BulkOfferResult = Answer<'/api/procedures/offered/bulk', 'post'>;
/** The province's days off and make-up working days of one year (GET /api/calendar/years/{year}). */
export type CalendarYear = Answer<'/api/calendar/years/{year}'>;
/** A field of the National Population Database a procedure may declare (GET /api/procedures/npd-fields). */
export type NpdFieldInfo = Item<Answer<'/api/procedures/npd-fields'>>;

export type { Channel, DossierAction, DossierStatus };
export type DossierSummary = Item<Answer<'/api/dossiers'>>;
export type DeadlineStatus = NonNullable<DossierSummary['deadlineStatus']>;
export type DossierQueue = NonNullable<NonNullable<paths['/api/dossiers']['get']['parameters']['query']>['queue']>;
export type DossierDetail = Answer<'/api/dossiers/{id}'>;
export type DossierPerson = DossierDetail['persons'][number];
/** A paper of a dossier, stored encrypted; its bytes are only read through view/download with a reason. */
export type DossierDocument = Item<Answer<'/api/dossiers/{id}/documents'>>;
export type DocumentKind = DossierDocument['kind'];
/** An electronic result (Decree 45/2020): coded <dossier code>-KQ<n>, its SHA-256 signed by the processing unit. */
export type DossierResults = Answer<'/api/dossiers/{id}/results'>;
export type DossierResult = Item<DossierResults>;
/** GET /api/results/{code}/verify (public). */
export type ResultVerification = Answer<'/api/results/{code}/verify'>;
/** GET /api/units/{id}/result-keys (those who manage the unit's keys), also the answer of rotate and revoke. */
export type UnitResultKeys = Answer<'/api/units/{id}/result-keys'>;
/** current signs new results; retired was replaced and still verifies what it signed; revoked was declared stolen. */
export type ResultKeyStatus = UnitResultKeys['keys'][number]['status'];
/** One of the applicant's earlier results (GET /api/dossiers/{id}/reusable-results). */
export type ReusableResult = Item<Answer<'/api/dossiers/{id}/reusable-results'>>;
export type Statistics = Answer<'/api/statistics'>;

// ——— The NPD gateway (issue 5) ———

/** POST /api/dossiers/{id}/lookups: held in the page only, never stored. */
export type LookupResult = Answer<'/api/dossiers/{id}/lookups', 'post'>;
export type LookupService = LookupResult['service'];
export type LookupOutcome = LookupResult['outcome'];
export type DossierLookups = Answer<'/api/dossiers/{id}/lookups'>;
/** One lookup of a dossier: who, when, outcome, which fields; never the values. */
export type LookupRecord = Item<DossierLookups>;
/** GET /api/npd/status: whether lookups work for the signed-in officer now. */
export type NpdStatus = Answer<'/api/npd/status'>;
export type NpdConnectionStatus = Answer<'/api/npd/connection'>;
/** What anyone ever sees of the NPD connection (R34): never the settings themselves. */
export type NpdConnection = NpdConnectionStatus['history'][number];
export type NpdSuspensions = Answer<'/api/npd/suspensions'>;
export type NpdSuspension = Item<NpdSuspensions>;
export type SuspensionScope = NpdSuspension['scope'];
/** GET /api/npd/reconciliation: the NPD's own log against our lookup records (R35, R36). */
export type Reconciliation = Answer<'/api/npd/reconciliation'>;
export type UnansweredExplanation = Reconciliation['unanswered'][number]['explanation'];
/** Another provincial system allowed to call the gateway with its own key (R35). */
export type IntegrationClient = Item<Answer<'/api/integrations'>>;

// ——— Monitoring and response (issue 6) ———

export type { RuleName, Severity };
/** A case of the triage queue: the alerts about one account (or integration key), grouped. */
export type CaseSummary = Item<Answer<'/api/monitoring/cases'>>;
export type CaseStatus = CaseSummary['status'];
export type CaseDetail = Answer<'/api/monitoring/cases/{id}'>;
export type CaseAlert = Item<CaseDetail>;
export type RuleList = Answer<'/api/monitoring/rules'>;
export type DetectionRule = Item<RuleList>;
export type RuleSettings = DetectionRule['defaults'];
export type IncidentDetail = Answer<'/api/incidents/{id}'>;
export type Incident = Item<Answer<'/api/incidents'>>;
export type IncidentStatus = Incident['status'];
/** GET /api/monitoring/dashboard: counts only, no citizen. Days and hours are Vietnam time. */
export type SecurityDashboard = Answer<'/api/monitoring/dashboard'>;
export type Notifications = Answer<'/api/notifications'>;
export type AppNotification = Item<Notifications>;
