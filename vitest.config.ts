/// <reference types="node" />
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Three projects: `node` runs every test, `wasm` reruns the numeric suites on
// the WebAssembly kernels, `browser` runs every test not named *.node.test.ts in headless Chromium (Debian's /usr/bin/chromium;
// never a downloaded browser, which this network does not allow).
const chromium = process.env['MYELIN_CHROMIUM'] ?? '/usr/bin/chromium';
const withBrowser = process.env['MYELIN_BROWSER'] === '1' || existsSync(chromium);

const node: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'node',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Type-level tests (expectTypeOf in *.test-d.ts) are checked by tsc, once.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: 'tsconfig.json',
      // Source errors are the typecheck step's job (npm run typecheck).
      ignoreSourceErrors: true,
    },
  },
};

// The op, layer and training suites again with the WebAssembly SIMD kernels
// enabled (float32 goes to wasm, float64 falls through to JS): every backend
// runs the same suite.
const wasm: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'wasm',
    include: [
      'test/ops/**/*.test.ts',
      'test/activations/**/*.test.ts',
      'test/layers/**/*.test.ts',
      'test/losses/**/*.test.ts',
      'test/optimizers/**/*.test.ts',
      'test/models/**/*.test.ts',
      'test/training/**/*.test.ts',
      'test/e2e/**/*.test.ts',
    ],
    environment: 'node',
    setupFiles: ['test/setup/wasm-backend.ts'],
  },
};

const browser: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'browser',
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.node.test.ts', '**/node_modules/**'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--headless',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
};

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: withBrowser ? [node, wasm, browser] : [node, wasm],
  },
});
