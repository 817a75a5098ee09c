import tseslint from 'typescript-eslint';

const noFocusedTests = { selector: "CallExpression[callee.object.name=/^(describe|test|it)$/][callee.property.name='only']", message: 'No focused tests.' };
const envOnlyInConfig = { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read the environment only through loadConfig, in a composition root.' };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.cache/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', envOnlyInConfig, noFocusedTests],
    },
  },
  {
    // Composition roots, dev tooling and tests: the places allowed to read the environment.
    files: ['services/*/src/main.ts', 'services/*/src/instrumentation.ts', 'packages/service-kit/src/create-topics.ts', 'packages/local-infra/src/**', 'packages/testing/src/**', 'scripts/**', '**/*.test.ts', '**/test/**'],
    rules: { 'no-restricted-syntax': ['error', noFocusedTests] },
  },
);
