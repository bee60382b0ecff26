/** Tests run as native ES modules (Nest 12 ships ESM only); swc strips types and emits decorator metadata. */
import { swcOptions } from './test/fixtures/swc-options.mjs';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The sample imports the package by name, as a user would; tests run it against the sources.
    '^@streaming/nest$': '<rootDir>/lib/index.ts',
    '^@streaming/nest/testing$': '<rootDir>/lib/testing/index.ts',
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 20000,
  // Coverage of lib/ by folder after a whole run (test/support/folder-coverage.reporter.mjs); V8's
  // own counters, as swc does not instrument. `--coverage=false` skips it.
  collectCoverage: true,
  coverageProvider: 'v8',
  // Type-only modules have no code at run time: counted, they would show as never run.
  collectCoverageFrom: [
    'lib/**/*.ts',
    '!lib/**/*.interface.ts',
    '!lib/engine/client-info.ts',
    '!lib/handlers/handler-args.ts',
    '!lib/protocol/codec.ts',
    '!lib/protocol/frames.ts',
  ],
  coverageReporters: ['json-summary'],
  reporters: ['default', ['<rootDir>/test/support/folder-coverage.reporter.mjs', { minLines: 85, notes: {} }]],
};
