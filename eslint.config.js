// Lint: typescript-eslint's recommended rules for the server, tests and client, eslint-plugin-vue for
// components, and Prettier owns formatting (eslint-config-prettier turns the clashing rules off).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'tests/geo/fixtures/', 'tests/e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      // TypeScript checks names; the core rule does not know ambient types such as GeoJSON.
      'no-undef': 'off',
    },
  },
  {
    files: ['client/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The client may import only types from the server.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**'],
              message: 'The client imports only types from the server.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/geo/**'],
    rules: {
      // The engine is pure: no database, routes, Fastify or I/O.
      'no-restricted-imports': [
        'error',
        { patterns: ['**/db/**', '**/routes/**', '**/plugins/**', 'fastify', 'node:fs', 'fs', 'kysely'] },
      ],
    },
  },
  prettier,
);
