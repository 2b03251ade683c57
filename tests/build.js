/**
 * jest's global setup: builds the plugin (`npm run build`, incremental) before any test runs, so the integration,
 * e2e and hardening suites run the compiled dist/ that users get, never a stale one.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = function build() {
  const root = path.resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
};
