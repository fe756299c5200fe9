/**
 * Jest runs the TypeScript sources directly through ts-jest, file by file (tsconfig `isolatedModules`: a cold
 * run no longer type-checks each test file's whole import graph again; `npm run typecheck` checks the types,
 * and CI runs it first).
 * `npm test` builds dist/ first for the CLI tests.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 60000,
};
