import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Lint rules. Beyond the recommended sets, import boundaries enforce DESIGN.md convention 1:
 * Cesium only in src/scene; core/ and workers/kernels/ import no engine, DOM layer or scene code
 * (their lack of DOM and Node APIs is enforced by tsconfig.pure.json).
 */
const cesiumOnlyInScene = { name: 'cesium', message: 'Cesium is imported only in src/scene (DESIGN.md convention 1).' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'packs/', 'bench/results/', 'test-results/', 'playwright-report/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: "AssignmentExpression[left.property.name='innerHTML']", message: 'Never set HTML: build elements with ui/dom.ts (text only).' },
        { selector: "AssignmentExpression[left.property.name='outerHTML']", message: 'Never set HTML: build elements with ui/dom.ts (text only).' },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Never set HTML: build elements with ui/dom.ts (text only).' },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/scene/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [cesiumOnlyInScene] }] },
  },
  {
    files: ['src/core/**/*.ts', 'workers/kernels/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [cesiumOnlyInScene, { name: 'three', message: 'core/ and kernels/ are engine-free.' }],
          patterns: [{ group: ['**/scene/*', '**/ui/*', '**/sources/*'], message: 'core/ and kernels/ are pure: no scene, UI or fetching code.' }],
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [cesiumOnlyInScene], patterns: [{ group: ['**/scene/*'], message: 'ui/ talks to the scene through callbacks, not imports.' }] }],
    },
  },
);
