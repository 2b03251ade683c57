/** Unit tests run in-process; integration tests spawn the real promptfoo CLI (see tests/integration). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/hardening/'],
  testTimeout: 120000,
};
