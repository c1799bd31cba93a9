/// <reference types="node" />
import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The JavaScript is transpiled file by file (bundle: false), so dist/ keeps one
// module per source file. That is what makes tree-shaking work for users:
// with "sideEffects": false a bundler drops every module nothing imports from,
// while a bundled chunk holding relu next to sigmoid keeps both (esbuild honours
// /* @__NO_SIDE_EFFECTS__ */ only within one file, so defineActivation("sigmoid",
// ...) calls in a shared chunk would survive). test/tree-shaking.node.test.ts
// checks the result on dist/.
//
// The declarations are bundled per public entry. `publicEntries` maps the dist
// path (without extension) to its source; package.json "exports" must name
// exactly these, which test/package/exports.node.test.ts checks.
const folders = readdirSync('src', { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && existsSync(`src/${d.name}/index.ts`))
  .map((d) => d.name);

export const publicEntries: Record<string, string> = {
  index: 'src/index.ts',
  ...Object.fromEntries(folders.map((f) => [`${f}/index`, `src/${f}/index.ts`])),
  // myelin/wasm: the opt-in WebAssembly kernels (kept out of the main barrel;
  // node.ts, on a shared memory, is what the package's `node` export condition selects).
  'kernels/wasm/index': 'src/kernels/wasm/index.ts',
  // myelin/wasm/threads: the threaded kernels (Web Workers; node.ts, with
  // worker_threads, is what the package's `node` export condition selects).
  'kernels/wasm/threads/index': 'src/kernels/wasm/threads/index.ts',
};

// Source maps point stack traces (node --enable-source-maps), debuggers and
// editors at the TypeScript, comments included. They name ../src/<file>.ts,
// and the package ships src/ ("files" in package.json), so those paths are
// real files; their text is therefore not copied into the maps as well
// (sourcesContent), which would ship every source twice.
//
// Quiet (silent): tsup's line per output file, about 430 of them, buried
// anything worth reading. Errors still print, and fail the build.
export default defineConfig({
  entry: ['src/**/*.ts'],
  bundle: false,
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: { entry: publicEntries, compilerOptions: { ignoreDeprecations: '6.0' } },
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  silent: true,
  clean: true,
});
