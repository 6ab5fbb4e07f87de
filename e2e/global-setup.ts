import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The end-to-end tests drive the web UI that the server serves from web/dist: build it from the current sources. */
export default function setup() {
  const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
  // NODE_ENV=production as `npm install` builds it: vitest sets NODE_ENV=test, with which Vite bundles React's development
  // build, whose StrictMode mounts every page twice (two requests, two journal entries for one dossier view)
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`building the web UI failed (vite build exited with ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
