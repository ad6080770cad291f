/** Unit specs sit beside their code; cross-lib, engine and multi-process suites live in test/. */
const { pathsToModuleNameMapper } = require('ts-jest');
const { existsSync } = require('fs');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  testEnvironment: 'node',
  roots: ['libs', 'test', 'samples', 'src'].filter((d) => existsSync(`${__dirname}/${d}`)).map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testTimeout: 60000,
};
