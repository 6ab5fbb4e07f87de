export { unitPolicy } from './units.policy.ts';
export { findUnit, getProvince, importProvince, insertOrgUnit, provinceNames } from './units.service.ts';
export { unitsView } from './units.repo.ts';
export type { UnitInfo } from './units.repo.ts';
export type { UnitKind, UnitRow } from './units.tables.ts';
