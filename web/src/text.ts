// The same folding as the server's search, so the unit filter and the account search agree.
export { foldVietnamese } from '../../common/text.ts';
// The server's check of a citizen's personal ID, so the reception form flags a typo before it is sent.
export { birthYearOf, isValidPersonalId } from '../../common/personal-id.ts';

const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/(?:Chrome|Chromium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+).*Safari/, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** A short, readable name for a user-agent string: "Chrome 140 · Linux". */
export function describeUserAgent(ua: string): string {
  if (!ua) return '—';
  let browser = ua.slice(0, 40);
  for (const [pattern, name] of BROWSERS) {
    const found = pattern.exec(ua);
    if (found) {
      browser = `${name} ${found[1]}`;
      break;
    }
  }
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return system ? `${browser} · ${system}` : browser;
}
