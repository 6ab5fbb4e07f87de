import { columnsWithout, readView } from '../../platform/views.ts';
import { journal, journalIndex } from './journal.tables.ts';

/** Entries and their positions in the tree, as the detector and monitoring's history read them. */
export const entriesView = readView(journal, columnsWithout(journal));
export const positionsView = readView(journalIndex, columnsWithout(journalIndex));
