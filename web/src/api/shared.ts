import { $api } from './client.ts';

/**
 * What changes rarely and many pages read: asked once per sign-in and shared (the cache is cleared at sign-out, since
 * abilities differ from one officer to the next). A change that affects them invalidates them (`invalidateShared`).
 */
const ONCE = { staleTime: Infinity } as const;

export const useUnits = () => $api.useQuery('get', '/api/units', {}, { ...ONCE, select: (r) => r.items });
export const useRoles = () => $api.useQuery('get', '/api/roles', {}, { ...ONCE, select: (r) => r.items });
/** The NPD fields with their Vietnamese and English names (the law's list: the same for everyone). */
export const useNpdFields = () => $api.useQuery('get', '/api/procedures/npd-fields', {}, { ...ONCE, select: (r) => r.items });
/** Public: the province this deployment serves, shown in the header before and after sign-in. */
export const useProvince = () => $api.useQuery('get', '/api/health', {}, { ...ONCE, select: (r) => r.province });
