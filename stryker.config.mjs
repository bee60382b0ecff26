/**
 * Mutation testing (`npm run test:mutation`): Stryker changes lib/ one small edit at a time and
 * runs the tests that cover the edit; a mutant no test fails on "survived". Native ESM jest needs
 * `--experimental-vm-modules` in the runner's process, as `npm test` passes it.
 */
// A folder reached by every spec (protocol/: every frame goes through a codec) takes hours against the
// whole suite; MUTATION_TESTS (comma-separated paths under test/) measures it against the specs aimed at it.
const focused = process.env.MUTATION_TESTS?.split(',').map((path) => `<rootDir>/test/${path.trim()}`);

export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    configFile: 'jest.config.js',
    config: {
      // The browser test and the fuzzer run through most of lib/ in seconds each: with per-test
      // coverage they would run for nearly every mutant. The focused specs kill what they do.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/sample.browser.spec.ts', '<rootDir>/test/fuzz.e2e.spec.ts'],
      ...(focused ? { testMatch: focused } : {}),
      // A mutant that leaves a test waiting fails it here in 10 s instead of running into Stryker's
      // own timeout (1.5 times the test's normal time plus 5 s, over a minute for an e2e file).
      testTimeout: 10000,
    },
  },
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['lib/engine/**/*.ts', 'lib/permissions/**/*.ts', 'lib/auth/**/*.ts', 'lib/limits/**/*.ts', 'lib/protocol/**/*.ts', '!lib/**/*.interface.ts'],
  // The machine is shared: one test runner at a time. A mutant that makes a test wait for an answer
  // that never comes is a timeout (counted as detected): 5 s beyond the normal time says so soon enough.
  concurrency: 1,
  timeoutMS: 5000,
  timeoutFactor: 1.5,
  ignoreStatic: true,
  thresholds: { high: 90, low: 80, break: 80 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { reportTests: false },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
