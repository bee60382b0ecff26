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
};
