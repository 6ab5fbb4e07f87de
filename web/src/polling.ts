import { useCallback, useEffect, useRef } from 'react';
import { usePath } from './router.tsx';

const EVERY_MS = 60_000;
/** Clicking through pages quickly asks once. */
const NAVIGATION_GAP_MS = 10_000;

/** The officer's last key or click, shared by every poller of the page. */
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
 * Calls `load` now, on navigation (at most every ten seconds) and every minute while the officer is active, never
 * while the screen sits idle: every request restarts the server's idle clock, and an unattended screen must lock
 * (R48). Answers a function that asks again at once (after an action that changed what `load` reads).
 */
export function usePollWhileActive(load: () => void): () => void {
  const path = usePath();
  const lastAsked = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  watchActivity();
  const ask = useCallback(() => {
    lastAsked.current = Date.now();
    loadRef.current();
  }, []);

  useEffect(() => {
    if (Date.now() - lastAsked.current >= NAVIGATION_GAP_MS) ask();
  }, [path, ask]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (lastActivity > lastAsked.current && Date.now() - lastAsked.current >= EVERY_MS) ask();
    }, EVERY_MS / 4);
    return () => window.clearInterval(timer);
  }, [ask]);

  return ask;
}
