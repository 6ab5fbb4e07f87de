import { columnsWithout, readView } from '../../platform/views.ts';
import { offeredProcedures, procedureCatalogue, procedureVersions } from './procedures.tables.ts';

/** The national catalogue as other modules join it (names of procedures on dossiers, statistics). */
export const catalogueView = readView(procedureCatalogue, columnsWithout(procedureCatalogue, 'searchText'));
/** The province's offers and their versions: what a dossier is received under. */
export const offersView = readView(offeredProcedures, columnsWithout(offeredProcedures));
export const versionsView = readView(procedureVersions, columnsWithout(procedureVersions));
