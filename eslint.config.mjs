// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const infrastructure = [
  '@nestjs/*',
  'bullmq',
  'ioredis',
  '@eventstore/db-client',
  'better-sqlite3',
  'node:fs',
  'fs',
  'node:fs/promises',
  'fs/promises',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-only imports are fine in libs; in apps they would strip Nest's DI metadata.
    files: ['libs/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'error' },
  },
  {
    // The pure core: no framework, queue, database or file system.
    files: ['libs/rules/src/**/*.ts', 'libs/credentials/src/**/*.ts', 'libs/progression/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: infrastructure, message: 'libs/rules, libs/credentials and libs/progression stay pure: do I/O in apps/ or libs/platform.' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
