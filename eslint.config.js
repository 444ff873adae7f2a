// Lint rules for every TypeScript source; type-aware rules stay off to keep `npm test` quick.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.test-results/**', 'docs/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // Schemas use zod/mini with English messages, through src-shared/zod.ts: classic zod
    // would add about 25 ms to every `tessera` start (see there).
    files: ['src-*/**/*.{ts,tsx}'],
    ignores: ['src-shared/zod.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^zod(/|$)', message: "Import zod as `import * as z from '…/src-shared/zod.js'`." }] }],
    },
  },
  {
    // dependency-cruiser's config is CommonJS (`module.exports`).
    files: ['.dependency-cruiser.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly', fetch: 'readonly' } },
  },
);
