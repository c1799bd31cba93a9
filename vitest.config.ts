/// <reference types="node" />
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Projects: `node` runs every test, `wasm` reruns the numeric suites on
// the WebAssembly kernels, `threads` on them with two threads, `browser` runs every test not named *.node.test.ts in headless Chromium (Debian's /usr/bin/chromium;
// never a downloaded browser, which this network does not allow).
// Without Chromium the browser project (and the demo test, which skips
// itself) cannot run: say so in one line and run the rest, so that `npm test`
// passes on a machine without it. MYELIN_BROWSER=1 (set by .ci/run) insists
// on the browser, so a missing one fails instead of skipping.
const chromium = process.env['MYELIN_CHROMIUM'] ?? '/usr/bin/chromium';
const withBrowser = process.env['MYELIN_BROWSER'] === '1' || existsSync(chromium);
// vitest evaluates this file once per project (they extend it): print once per process.
const noticed = globalThis as { myelinNoChromiumNotice?: true };
if (!withBrowser && noticed.myelinNoChromiumNotice !== true) {
  noticed.myelinNoChromiumNotice = true;
  console.log(
    `Chromium not found at ${chromium}: skipping the browser tests (projects "browser" and "browser-plain", and test/demo). To run them, install it (apt-get install chromium) or set MYELIN_CHROMIUM to a Chromium binary; bash .ci/run installs it and runs everything.`,
  );
}

const node: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'node',
    // examples/testing/*.test.ts are the example test files of docs/testing.md:
    // they run here as a user's would, importing myelin by its own name.
    include: ['test/**/*.test.ts', 'examples/testing/**/*.test.ts'],
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
const numericSuites = [
  'test/ops/**/*.test.ts',
  'test/activations/**/*.test.ts',
  'test/layers/**/*.test.ts',
  'test/losses/**/*.test.ts',
  'test/optimizers/**/*.test.ts',
  'test/models/**/*.test.ts',
  'test/training/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/engine/**/*.test.ts',
];
const wasm: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'wasm',
    include: numericSuites,
    environment: 'node',
    setupFiles: ['test/setup/wasm-backend.ts'],
  },
};

// The same suites once more on myelin/wasm/threads with two threads: buffers
// and weights in the shared memory, large kernels split across the pool.
const threads: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'threads',
    include: numericSuites,
    environment: 'node',
    setupFiles: ['test/setup/threads-backend.ts'],
  },
};

// Cross-origin isolation (shared memory, hence WebAssembly threads) for the
// browser project's pages; `browser-plain` serves the threads test without it.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const browser: TestProjectInlineConfiguration = {
  extends: true,
  server: { headers: isolation },
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

// The threads test again on a page that is not cross-origin isolated: the
// one-thread fallback with its reason.
const browserPlain: TestProjectInlineConfiguration = {
  ...browser,
  server: {},
  test: {
    ...browser.test,
    name: 'browser-plain',
    include: ['test/threads/threads.browser.test.ts'],
    browser: {
      ...browser.test?.browser,
      instances: [{ browser: 'chromium', name: 'browser-plain (chromium)' }],
    },
  },
};

// Example files import 'myelin' and 'myelin/<subpath>' as users do; map the
// names to src/ (as tsconfig "paths" does for tsc and tsx), so they test the
// code in the tree without a build. The wasm entries map to the files Node's
// `node` export condition selects.
const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^myelin$/, replacement: `${src}index.ts` },
      { find: /^myelin\/wasm$/, replacement: `${src}kernels/wasm/node.ts` },
      { find: /^myelin\/wasm\/threads$/, replacement: `${src}kernels/wasm/threads/node.ts` },
      { find: /^myelin\/([a-z]+)$/, replacement: `${src}$1/index.ts` },
    ],
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: withBrowser ? [node, wasm, threads, browser, browserPlain] : [node, wasm, threads],
  },
});
