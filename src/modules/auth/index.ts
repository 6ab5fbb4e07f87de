export { authPlugin, refusedRequest } from './auth.plugin.ts';
export { createSetupToken, systemAdminExists } from './auth.service.ts';
export { BREAK_GLASS_EVENT, breakGlassUnlock } from './break-glass.ts';
