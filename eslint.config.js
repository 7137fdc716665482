// Lint rules: type-aware typescript-eslint plus the layer boundaries of docs/ARCHITECTURE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layerRule = (patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist-next-*/**',
      'dist-old-*/**',
      'node_modules/**',
      'coverage/**',
      '.testbed/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      curly: ['error', 'all'],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message: 'Throw a CloudliftError (src/errors.ts) with a code, a message and a hint.',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule([
        { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'core is pure: no Node I/O.' },
        { group: ['@aws-sdk/*'], message: 'core is pure: SDK calls live in src/aws.' },
        {
          group: ['**/aws/*', '**/ui/*', '**/deploy/*', '**/cli/*', '**/docker/*'],
          message: 'core imports only core.',
        },
      ]),
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/deploy/**/*.ts', 'src/ui/**/*.ts', 'src/docker/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule([
        { group: ['@aws-sdk/*'], message: 'Only src/aws imports the AWS SDK.' },
      ]),
    },
  },
  {
    files: ['src/ui/**/*.ts', 'src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', '*.js', '*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      'max-lines': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node },
    },
  },
);
