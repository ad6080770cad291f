/** Unit specs sit beside their code; cross-lib, engine and multi-process suites live in test/. */
const { pathsToModuleNameMapper } = require('ts-jest');
const { existsSync } = require('fs');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  roots: ['libs', 'test', 'samples', 'src'].filter((d) => existsSync(`${__dirname}/${d}`)).map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // Kafka: @platformatic/kafka is ESM only; compiled to CommonJS for Jest on Node 20.
    '^.+\\.js$': '<rootDir>/test/kafka/support/esm-to-cjs.transformer.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@platformatic/)'],
  // Kafka: a suite that starts the local broker leaves a marker; teardown stops that broker by pid.
  globalSetup: '<rootDir>/test/kafka/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/kafka/support/global-teardown.ts',
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testTimeout: 60000,
  // Suites run in one worker process (2 cores; the Kafka suites share one broker); a worker that
  // holds more than this after a suite is replaced, so the heap of a long run cannot pile up
  // (a clean-clone CI run died at 4 GB). Setting it also keeps Jest from running in band.
  workerIdleMemoryLimit: '1GB',
};
