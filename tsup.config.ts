/// <reference types="node" />
import { readdirSync, existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per public folder (each has an index.ts barrel), so every subpath in
// package.json "exports" has its own file and tree-shaking works per folder.
const folders = readdirSync('src', { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && existsSync(`src/${d.name}/index.ts`))
  .map((d) => d.name);

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(folders.map((f) => [`${f}/index`, `src/${f}/index.ts`])),
  },
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  splitting: true,
  treeshake: true,
  sourcemap: true,
  clean: true,
  external: [/^node:/],
});
