import { readView } from '../../platform/views.ts';
import { units, type UnitRow } from './units.tables.ts';

/** Units as other modules join them: names and place in the tree. */
export const unitsView = readView(units, {
  id: units.id, code: units.code, name: units.name, fullName: units.fullName, fullNameEn: units.fullNameEn,
  kind: units.kind, unitType: units.unitType, parentId: units.parentId, path: units.path,
});
/** A unit as the view shows it. */
export type UnitInfo = Omit<UnitRow, 'searchText' | 'createdAt'>;
