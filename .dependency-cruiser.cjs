/**
 * The direction of dependencies in src/ (checked by test/architecture.test.ts):
 * no import cycles, and the lower layers (platform, db, slack) never import a feature.
 * swc parses the TypeScript (TypeScript 7 has no compiler API for the default parser);
 * type-only imports count, since a type cycle is a design cycle too.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Dependencies point one way: a cycle means two modules that cannot be understood apart.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lower-layers-import-no-feature',
      comment: 'platform/, db/ and slack/ serve the features; a feature type they need belongs in them.',
      severity: 'error',
      from: { path: '(^|/)src/(platform|db|slack)/' },
      to: { path: '(^|/)src/features/' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
  },
};
