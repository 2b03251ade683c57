/**
 * `npm run test:hardening`: model API faults, hostile input, secrets and interrupted runs, each through the real
 * promptfoo / promptfile CLI against servers on 127.0.0.1. Slower than `npm test`, which skips tests/hardening.
 */
module.exports = {
  testEnvironment: 'node',
  globalSetup: '<rootDir>/tests/build.js',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testMatch: ['<rootDir>/tests/hardening/**/*.test.ts'],
  testTimeout: 300000,
  // The tests time faults (Retry-After gaps, timeouts) on a 2-core machine: one file at a time keeps them honest.
  maxWorkers: 1,
};
