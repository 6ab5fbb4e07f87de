import { useEffect, useRef } from 'react';
import { usePath } from './router.tsx';

const EVERY_MS = 60_000;
/** Clicking through pages quickly asks once. */
const NAVIGATION_GAP_MS = 10_000;

/** The officer's last key or click, shared by every query kept fresh. */
let lastActivity = Date.now();
const onActivity = () => {
  lastActivity = Date.now();
};
let watching = false;
function watchActivity() {
  if (watching) return;
  watching = true;
  for (const name of ['keydown', 'pointerdown'] as const) window.addEventListener(name, onActivity, { capture: true, passive: true });
}

/**
 * Keeps a query of the header (notifications, the NPD's state) fresh while the officer works: asked again on
 * navigation (at most every ten seconds) and every minute while the officer is active, never while the screen sits
 * idle: every request restarts the server's idle clock, and an unattended screen must lock (R17/R48). An answer
 * already on its way is not asked twice.
 */
export function useFreshWhileActive(query: { refetch: (options: { cancelRefetch: boolean }) => unknown; dataUpdatedAt: number }) {
  watchActivity();
  const path = usePath();
  const latest = useRef(query);
  latest.current = query;
  const refresh = () => void latest.current.refetch({ cancelRefetch: false });

  useEffect(() => {
    if (latest.current.dataUpdatedAt && Date.now() - latest.current.dataUpdatedAt >= NAVIGATION_GAP_MS) refresh();
  }, [path]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      const at = latest.current.dataUpdatedAt;
      if (at && lastActivity > at && Date.now() - at >= EVERY_MS) refresh();
    }, EVERY_MS / 4);
    return () => window.clearInterval(timer);
  }, []);
}
