import { createContext, useContext } from 'react';
import type { Me } from './api/index.ts';

export interface SessionApi {
  me: Me | null;
  /** Reads GET /api/auth/me again: the stage and the CSRF token change with every sign-in step. */
  refresh: () => Promise<Me | null>;
  /** Takes the new CSRF token after a step, without leaving the page (recovery codes still on screen). */
  syncCsrf: () => Promise<void>;
  signOut: (notice?: 'signedOut' | 'idle') => Promise<void>;
}

export const SessionContext = createContext<SessionApi>({
  me: null,
  refresh: async () => null,
  syncCsrf: async () => {},
  signOut: async () => {},
});

export const useSession = () => useContext(SessionContext);

/** The signed-in officer; only used on pages rendered after sign-in. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe outside a signed-in page');
  return me;
}

export const can = (me: Me | null, permission: string) => !!me && me.permissions.includes(permission);

/** Any of these lets an officer work with dossiers (the desk, the processing unit, the leader). */
export const DOSSIER_PERMISSIONS = ['dossiers.receive', 'dossiers.process', 'dossiers.approve'];
