/**
 * The layout of ../shared/DESIGN.md, enforced (issue 14): a module is used only through its public face
 * (modules/<m>/index.ts), the bottom layers (platform, authz, common) import no module, the web and the
 * simulators import no server file, and nothing imports in a circle. `npm test` runs this first.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-through-its-face',
      comment: 'Another module is imported only through its index.ts: its tables, repo and internals are its own.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-the-face',
      comment: 'The app, the CLI and the server use a module through its face too (routes are wired by app.ts).',
      severity: 'error',
      from: { path: '^src/(cli|platform|authz)/|^src/[^/]+\\.ts$', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/[^/]+/index\\.ts$', '^src/modules/[^/]+/[^/]+\\.routes\\.ts$'] },
    },
    {
      name: 'bottom-imports-no-module',
      comment: 'platform/, authz/ and common/ sit under every module.',
      severity: 'error',
      from: { path: '^(src/platform|src/authz|common)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'common-is-pure',
      comment: 'common/ is shared by the server and the web: it imports neither.',
      severity: 'error',
      from: { path: '^common/' },
      to: { path: '^(src|web)/' },
    },
    {
      name: 'web-apart-from-server',
      comment: 'The web talks to the server over HTTP only (its client is generated from openapi.json).',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'web-pages-by-area',
      comment: 'A page uses pages of its own area only; what several areas show lives in web/src/components/.',
      severity: 'error',
      from: { path: '^web/src/pages/([^/]+)/' },
      to: { path: '^web/src/pages/[^/]+/', pathNot: '^web/src/pages/$1/' },
    },
    {
      name: 'simulators-apart',
      comment: 'npd-sim and the other simulators stand for outside systems: they import nothing of the server.',
      severity: 'error',
      from: { path: '^[a-z]+-sim/' },
      to: { path: '^(src|web)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^web/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
