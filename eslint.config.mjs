// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'bench/results/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Libraries talk to each other only through their package name (DESIGN.md, Layout).
      'no-restricted-imports': ['error', { patterns: ['../../*/src/*', '**/libs/*/src/**'] }],
    },
  },
  {
    files: ['libs/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@eventline/sqlite', '@eventline/kafka', '@eventline/typeorm', '@eventline/testing'] },
      ],
    },
  },
);
