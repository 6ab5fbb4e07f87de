// The server's API as the web uses it: the typed client and its query hooks, the error shape, files, and the
// answers' types generated from openapi.json.
export { $api, answer, client, queryClient, quietClient } from './client.ts';
export * from './http.ts';
export type * from './types.ts';
export { useNpdFields, useProvince, useRoles, useUnits } from './shared.ts';
