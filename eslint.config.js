// Layering rules (VS Code style): a file's folder says which runtime APIs it may use.
//   main/engine  pure TypeScript: no electron, usb, serialport, onnxruntime-node, no file system, no network
//   main/devices native device access: no electron
//   preload      only electron's contextBridge/ipcRenderer and the contract's types
//   renderer     browser only; only renderer/src/lib/api.ts touches window.lowbit
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'dgram', 'path', 'os'];
const noNodeFs = nodeBuiltins.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'test-output/',
      'main/engine/tflite/generated/',
      'main/engine/tflite/edgetpu/generated/',
      'main/engine/onnx/proto/',
      'renderer/dist/',
      'assets/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['main/engine/**/*.ts'],
    ignores: ['main/engine/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'usb', 'serialport', 'onnxruntime-node', ...noNodeFs].map((name) => ({
            name,
            message: 'main/engine is pure: bytes in, objects out. Do I/O in main/app, main/cli or main/host.',
          })),
          patterns: [
            { group: ['@serialport/*'], message: 'main/engine may not touch devices.' },
            {
              group: ['**/devices/**', '**/app/**', '**/cli/**', '**/host/**'],
              message: 'main/engine may not import outer layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/devices/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'main/devices runs without Electron.' }] },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'node:*', 'usb', 'serialport'],
              message: 'the renderer is a browser page.',
            },
            // A regex, not a gitignore-style group: a group cannot re-include main/contract
            // once its parent folder is excluded.
            {
              regex: '(^|/)main/(?!contract/)',
              message: 'the renderer imports only the contract from main.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='window'][property.name='lowbit']",
          message: 'only renderer/src/lib/api.ts touches window.lowbit',
        },
      ],
    },
  },
  {
    files: ['renderer/src/lib/api.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
