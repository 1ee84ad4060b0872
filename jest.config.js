// ESM jest: ts-jest compiles TypeScript as ES modules, and imports written with `.js`
// (as NodeNext requires) are mapped back to their `.ts` sources.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/scripts/count-reporter.js'],
};
