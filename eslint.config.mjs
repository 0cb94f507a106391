// Lints the TypeScript of @huntkit/engine (rust/wasm/ts), the JupyterLab
// extension (jupyterlab-ext/src) and its end-to-end tests, the VS Code
// extension (vscode-ext/src) and the VS Code end-to-end test.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Data is untrusted: HTML parsing APIs are banned, text goes in as textContent. */
const noHtmlSinks = [
  'error',
  {
    selector: "AssignmentExpression > MemberExpression.left[property.name='innerHTML']",
    message: 'Use textContent: data is untrusted.'
  },
  {
    selector: "AssignmentExpression > MemberExpression.left[property.name='outerHTML']",
    message: 'Use textContent: data is untrusted.'
  },
  {
    selector: "CallExpression[callee.property.name='insertAdjacentHTML']",
    message: 'Build elements with createElement.'
  },
  {
    selector: "CallExpression[callee.property.name='createContextualFragment']",
    message: 'Build elements with createElement.'
  },
  {
    selector: "CallExpression[callee.object.name='document'][callee.property.name=/^write(ln)?$/]",
    message: 'Build elements with createElement.'
  }
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/lib/**',
      'rust/wasm/pkg/**',
      'jupyterlab-ext/jupyterlab_huntkit/labextension/**',
      'jupyterlab-ext/ui-tests/test-results/**',
      'jupyterlab-ext/ui-tests/playwright-report/**',
      'target/**',
      'vscode-ext/out/**',
      'scripts/**',
      'tests/**/*',
      '!tests/vscode/',
      '!tests/vscode/*.mjs'
    ]
  },
  {
    files: [
      'rust/wasm/ts/**/*.ts',
      'jupyterlab-ext/src/**/*.ts',
      'jupyterlab-ext/ui-tests/**/*.ts',
      'vscode-ext/src/**/*.ts'
    ],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'with-single-extends' }
      ],
      eqeqeq: ['error', 'smart'],
      'no-restricted-syntax': noHtmlSinks
    }
  },
  {
    files: ['rust/wasm/ts/__tests__/**/*.ts', 'jupyterlab-ext/ui-tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off'
    }
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' }
    }
  },
  {
    // Node scripts of the VS Code extension and its end-to-end test.
    files: ['vscode-ext/*.mjs', 'tests/vscode/*.mjs'],
    languageOptions: {
      globals: {
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly'
      }
    }
  }
);
