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
    // core is pure, with no exceptions: no inline eslint-disable comments can switch these rules off.
    files: ['src/core/**/*.ts'],
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': layerRule([
        { group: ['node:*', 'fs', 'path', 'os', 'child_process'], message: 'core is pure: no Node I/O.' },
        { group: ['@aws-sdk/*'], message: 'core is pure: SDK calls live in src/aws.' },
        {
          group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
          allowTypeImports: true,
          message: 'core describes templates against CDK types only; src/cdk loads the CDK and synthesizes.',
        },
        {
          group: ['**/aws/*', '**/ui/*', '**/deploy/*', '**/cli/*', '**/docker/*', '**/cdk/*'],
          message: 'core imports only core.',
        },
      ]),
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'core is pure: the environment comes in as arguments.' },
        { name: 'console', message: 'core is pure: it returns values, the CLI renders them.' },
        { name: 'setTimeout', message: 'core is pure: waiting belongs to the use case (ctx.clock).' },
        { name: 'setInterval', message: 'core is pure: waiting belongs to the use case (ctx.clock).' },
        { name: 'fetch', message: 'core is pure: no network.' },
        { name: 'require', message: 'core is pure: modules are loaded by adapters.' },
      ],
    },
  },
  {
    files: [
      'src/cli/**/*.ts',
      'src/deploy/**/*.ts',
      'src/ui/**/*.ts',
      'src/docker/**/*.ts',
      'src/aws/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': layerRule([
        { group: ['@aws-sdk/*'], message: 'Only src/aws imports the AWS SDK.' },
        {
          group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
          allowTypeImports: true,
          message: 'Only src/cdk loads aws-cdk-lib.',
        },
      ]),
    },
  },
  {
    // The AWS adapters are the SDK's home; the CDK stays in src/cdk.
    files: ['src/aws/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': layerRule([
        {
          group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
          allowTypeImports: true,
          message: 'Only src/cdk loads aws-cdk-lib.',
        },
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
