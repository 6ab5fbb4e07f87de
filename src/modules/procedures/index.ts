export { importCatalogue } from './catalogue.service.ts';
export type { LookupSeat, LookupStage, LookupStages } from '../../../common/lookup-stages.ts';
export { NPD_FIELD_NAMES } from './npd-fields.ts';
export type { NpdField } from './npd-fields.ts';
export { offerSuggestedProcedures } from './procedures.service.ts';
export { catalogueView, offersView, versionsView } from './procedures.repo.ts';
export type { RequiredDocument, VersionRow } from './procedures.tables.ts';
