/**
 * Unit tests run in-process; integration and e2e tests spawn the real promptfoo CLI (tests/integration,
 * tests/e2e). The hardening suite has its own config (jest.hardening.config.js). Types are checked by
 * `npm run typecheck`, not here.
 */
module.exports = {
  testEnvironment: 'node',
  globalSetup: '<rootDir>/tests/build.js',
  // jest 30 guards globals by default, which makes every Math.* call ~100x slower inside the gossip simulation.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/suites/*/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/hardening/'],
  // A backstop against hangs, never a measurement: a loaded 2-core machine may take minutes for a CLI run.
  testTimeout: 300000,
};
