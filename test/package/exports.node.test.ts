/// <reference types="node" />
// The "exports" map and the tsup entries must name the same files: a subpath
// without an entry ships a dangling path, an entry without a subpath builds
// declarations nobody can import. Both are written by hand, so check them.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import config, { publicEntries } from '../../tsup.config.js';

interface Conditions {
  types: string;
  import: string;
  default: string;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, Conditions | string>;
  dependencies?: Record<string, string>;
  sideEffects: unknown;
  type: string;
};

const subpaths = Object.entries(pkg.exports).filter(
  (e): e is [string, Conditions] => typeof e[1] !== 'string',
);

// Where a subpath's files live when it is not src/<name>/index.ts.
const moved: Record<string, string> = {
  './wasm': 'kernels/wasm',
  './wasm/threads': 'kernels/wasm/threads',
};
// Subpaths with a `node` condition (a Node build next to the browser one), after types.
const forNode: Record<string, string> = { './wasm': 'node.js', './wasm/threads': 'node.js' };

describe('the build', () => {
  it('is quiet: tsup prints errors, not a line for each of about 430 output files', () => {
    expect(config).toMatchObject({ silent: true });
  });
});

describe('package exports', () => {
  it('has a tsup entry for every subpath and a subpath for every tsup entry', () => {
    const fromExports = subpaths.map(([, c]) => c.import.replace(/^\.\/dist\//, '')).sort();
    const fromTsup = Object.keys(publicEntries)
      .map((k) => `${k}.js`)
      .sort();
    expect(fromExports).toEqual(fromTsup);
  });

  it('names each subpath after its folder, with types/import/default in that order', () => {
    for (const [key, c] of subpaths) {
      const dir = key === '.' ? '' : `${moved[key] ?? key.slice(2)}/`;
      const node = forNode[key];
      expect(c, key).toEqual({
        types: `./dist/${dir}index.d.ts`,
        ...(node === undefined ? {} : { node: `./dist/${dir}${node}` }),
        import: `./dist/${dir}index.js`,
        default: `./dist/${dir}index.js`,
      });
      // Resolvers take the first matching condition: types first, default last.
      expect(Object.keys(c), key).toEqual(
        node === undefined
          ? ['types', 'import', 'default']
          : ['types', 'node', 'import', 'default'],
      );
    }
  });

  it('builds every entry from a source file that exists', () => {
    for (const [name, src] of Object.entries(publicEntries)) {
      expect(existsSync(src), `${name} <- ${src}`).toBe(true);
      expect(src, name).toBe(`src/${name}.ts`);
    }
  });

  it('keeps the package promises: ESM, no side effects, no runtime dependencies', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
  });
});
