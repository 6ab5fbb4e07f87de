import type { ReactNode } from 'react';
import { ErrorBox, Loading } from '../components.tsx';

/**
 * What every page shows of a query: the server's error, "loading" until the first answer, then the content; a newer
 * answer being awaited keeps the old content on screen (dimmed by the table) rather than a blank page.
 */
export function Loaded<T>({ query, children }: { query: { data?: T; error: unknown }; children: (data: T) => ReactNode }) {
  return (
    <>
      <ErrorBox error={query.error} />
      {query.data === undefined ? !query.error && <Loading /> : children(query.data)}
    </>
  );
}
