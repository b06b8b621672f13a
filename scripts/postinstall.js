// Builds the embedded store (FerretDB) at install time when Go is present, so the first
// `npm start` or `npm test` does not wait for it. Never fails the install: without Go the
// connector works with MONGODB_URI, and a failed build is retried (and explained) at start.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

if (process.env.PIGMENT_SKIP_STORE_BUILD === '1') process.exit(0);
if (!fs.existsSync(tsx)) {
  console.log('embedded store: dev dependencies not installed; it will be built at first start if Go is present.');
  process.exit(0);
}
const result = spawnSync(tsx, [path.join(root, 'scripts', 'build-store.ts')], { stdio: 'inherit', cwd: root });
if (result.status !== 0) {
  console.warn('embedded store: not built now (see above); set MONGODB_URI or fix the problem, then run `npm run store`.');
}
process.exit(0);
