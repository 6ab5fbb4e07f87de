import { QueryClient } from '@tanstack/react-query';
import createFetchClient from 'openapi-fetch';
import createQueryHooks from 'openapi-react-query';
import { apiEvents, csrfHeader, failureOf, send, type RequestOptions } from './http.ts';
import type { paths } from './schema.ts';

/** A fetch for the typed client: the session's CSRF token on every change, a refusal thrown as an ApiError. */
const fetchWith =
  (options: RequestOptions) =>
  async (request: Request): Promise<Response> => {
    const headers = new Headers(request.headers);
    headers.set('accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeader(request.method))) headers.set(name, value);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const response = await send(request.url, { method: request.method, headers, body });
    if (!response.ok) throw failureOf(response, await response.json().catch(() => null), options);
    apiEvents.onTouch();
    return response;
  };

/**
 * The typed client of the server's API (openapi.json): paths, parameters, bodies and answers are checked at build time.
 * Every request goes through `send` (same-origin cookie, no cache); a refusal becomes an ApiError, so a query or a
 * mutation fails with the server's own message, and a 401 that ends the session reaches the app as it always did.
 */
export const client = createFetchClient<paths>({ fetch: fetchWith({}) });

/** The same, where a 401 is expected (signing in, first start, asking who is signed in): it ends no session. */
export const quietClient = createFetchClient<paths>({ fetch: fetchWith({ quiet: true }) });

/** The answer of a request: the clients throw on a refusal, so what comes back is the declared answer. */
export async function answer<T>(request: Promise<{ data?: T }>): Promise<T> {
  return (await request).data as T;
}

/** React hooks over the client: `$api.useQuery('get', '/api/units')`, `$api.useMutation('post', '/api/units')`. */
export const $api = createQueryHooks(client);

/**
 * The server's state as the pages hold it. Nothing is fetched behind the officer's back: no refetch on focus, on
 * reconnect or on an interval, because every request restarts the server's idle clock and an unattended screen must
 * lock (R17/R48). Pages ask again after a change (invalidate) or when the officer navigates back to them.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { refetchOnWindowFocus: false, refetchOnReconnect: false, refetchInterval: false, retry: false, staleTime: 0 },
    mutations: { retry: false },
  },
});
