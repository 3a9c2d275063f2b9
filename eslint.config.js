import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Lint rules. Beyond the recommended sets, import boundaries enforce DESIGN.md convention 1:
 * Cesium only in src/scene and the features' view files; core/, the city library, kernels,
 * contracts and controllers import no engine, DOM layer, scene or fetching code (their lack of DOM
 * and Node APIs is enforced by tsconfig.pure.json); Node's modules only in src/city/node. The
 * folder-level rules (no feature imports another, nothing imports tools/, no import cycle) are
 * checked by tests/unit/architecture.test.ts.
 */
const cesium = { name: 'cesium', message: 'Cesium is imported only in src/scene and features\' view files (DESIGN.md convention 1).' };
const views = ['src/scene/**', 'src/features/*/view.ts', 'src/features/*/*-view.ts'];
const pureFiles = ['src/core/**/*.ts', 'src/city/**/*.ts', 'src/features/*/kernel.ts', 'src/features/*/*-kernel.ts', 'src/features/*/contract.ts', 'src/features/*/*-contract.ts', 'src/features/*/controller.ts', 'src/features/*/*-controller.ts'];
const nodeModules = { group: ['node:*'], message: 'Node modules only in src/city/node (the browser bundles everything else).' };

export default tseslint.config(
  { ignores: ['dist/', 'dist-server/', 'node_modules/', 'packs/', 'bench/results/', 'test-results/', 'playwright-report/', '.data/'] },
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
  // The `bin` entries: plain JavaScript run by Node (package.json "bin").
  { files: ['bin/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: [...views, 'src/city/node/**', 'workers/headless.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [cesium], patterns: [nodeModules] }] },
  },
  {
    files: views,
    rules: { 'no-restricted-imports': ['error', { patterns: [nodeModules] }] },
  },
  {
    files: pureFiles,
    // src/city/analysis holds the city as the ray-casting kernels see it: three-mesh-bvh's BVH
    // over three.js buffer geometry (no renderer).
    ignores: ['src/city/node/**', 'src/city/analysis/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [cesium, { name: 'three', message: 'core/, the city library, kernels and controllers are engine-free.' }],
          patterns: [nodeModules, { group: ['**/scene/*', '**/ui/*', '**/sources/*', '**/app/*', '**/panel*', '**/view*'], message: 'core/, the city library, kernels, contracts and controllers are pure: no scene, UI, fetching or app code.' }],
        },
      ],
    },
  },
  {
    files: ['src/city/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [cesium], patterns: [nodeModules, { group: ['**/scene/*', '**/ui/*', '**/sources/*', '**/app/*', '**/features/**'], message: 'The city library is pure: no scene, UI, fetching, app or feature code.' }] }],
    },
  },
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [cesium], patterns: [nodeModules, { group: ['**/scene/*', '**/features/**'], message: 'ui/ is shared: it talks to the scene through callbacks and imports no feature.' }] }],
    },
  },
  {
    files: ['src/layers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [cesium], patterns: [nodeModules, { group: ['**/ui/**', '**/scene/**', '**/features/**', '**/app/**'], message: 'layers/ is data: no UI, scene, feature or app code.' }] }],
    },
  },
);
