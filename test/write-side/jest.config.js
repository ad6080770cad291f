/**
 * The root config plus what NestJS 12 needs under Jest on Node 20: its packages are ESM only, and
 * Jest (before Node 24.9) cannot require() ESM, so they are compiled to CommonJS on the fly.
 * Run: npx jest -c test/write-side/jest.config.js test/write-side
 * `*.e2e.ts` suites need this config (the root one skips them); `*.spec.ts` run under both.
 * Proposed for the root jest.config.js: the `transform` entry for .js and `transformIgnorePatterns`.
 */
const path = require('path');
const base = require('../../jest.config.js');

const root = path.resolve(__dirname, '../..');
module.exports = {
  ...base,
  rootDir: root,
  testMatch: [...base.testMatch, '**/*.e2e.ts'],
  transform: {
    ...base.transform,
    '^.+\\.js$': path.join(__dirname, 'jest/esm-to-cjs.transformer.js'),
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|token-types|strtok3|@tokenizer|uint8array-extras|@borewit)/)'],
};
