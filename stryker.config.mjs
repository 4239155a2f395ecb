// Mutation testing on demand (`npm run mutate`; not in CI): the delivery rules' code and the mapping tables.
// The fault suites that run the built bin as a separate process (test/faults, test/smoke) cannot see a mutant,
// which is switched on inside the test process, so they are left out here; they run in `npm test`.
// Every command test takes the run lock, so a mutant of src/state/lock.ts runs most of the suite: give that file
// its own run when it changes (`npx stryker run --mutate src/state/lock.ts`, about an hour on 2 cores).
// `npm run mutate` points TMPDIR at a folder of its own: a mutant of the leftover sweep (delivery/leftovers.ts)
// removes whatever it finds in TMPDIR, which on the real /tmp took other programs' files with it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
	mutate: ['src/state/**/*.ts', '!src/state/lock.ts', 'src/delivery/**/*.ts', 'src/pipeline/output-sink.ts', 'src/redact.ts', 'src/mapping/events-table.ts', 'src/mapping/cohorts-table.ts'],
	testRunner: 'jest',
	testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
	jest: { configFile: 'jest.config.js', config: { testPathIgnorePatterns: ['/node_modules/', '/test/faults/', '/test/smoke/'] } },
	coverageAnalysis: 'perTest',
	checkers: [],
	concurrency: 2,
	timeoutMS: 15_000,
	reporters: ['clear-text', 'progress', 'html'],
	htmlReporter: { fileName: 'reports/mutation/index.html' },
	tempDirName: '.stryker-tmp',
};
