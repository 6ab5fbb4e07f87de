/** How the simulated NPD misbehaves, for the R43 fault tests. */
export type FaultMode =
  | { mode: 'normal' }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'failing' }
  | { mode: 'rate_limited' }
  | { mode: 'down' }
  | { mode: 'disconnected' };

const MAX_DELAY_MS = 600_000;
const SIMPLE_MODES = ['normal', 'failing', 'rate_limited', 'down', 'disconnected'] as const;

/** The fault mode in `value`, or a message saying what is wrong with it. Unknown extra keys are ignored. */
export function parseFaultMode(value: unknown): FaultMode | string {
  if (typeof value !== 'object' || value === null) return 'a fault mode is a JSON object with a "mode"';
  const { mode, delayMs } = value as { mode?: unknown; delayMs?: unknown };
  if (mode === 'slow') {
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
      return `"slow" needs an integer "delayMs" from 0 to ${MAX_DELAY_MS}`;
    }
    return { mode, delayMs };
  }
  const simple = SIMPLE_MODES.find((m) => m === mode);
  return simple ? { mode: simple } : `"mode" must be one of ${[...SIMPLE_MODES, 'slow'].join(', ')}`;
}
