import { columnsWithout, readView } from '../../platform/views.ts';
import { integrationClients, npdLookups } from './registry.tables.ts';

/** The lookup log as monitoring reads it (R14/R35: who looked up whom, for which dossier, with what outcome). */
export const lookupsView = readView(npdLookups, columnsWithout(npdLookups));
/** Integration clients as other modules name them: never their key's hash. */
export const integrationClientsView = readView(integrationClients, columnsWithout(integrationClients, 'keyHash'));
