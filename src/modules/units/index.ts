export { unitPolicy } from './units.policy.ts';
export { findUnit, getProvince, importProvince, insertOrgUnit, provinceNames } from './units.service.ts';
