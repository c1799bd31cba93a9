/// <reference types="node" />
// The README as a front page: it links every guide of docs/ (a page no link
// reaches is a page nobody reads), names every subpath that `myelin` itself
// does not re-export, and gives install-from-a-clone commands that work in a
// fresh clone (npm ci before npm pack, whose prepack runs the build).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
  exports: Record<string, string | { import?: string }>;
};
const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));

describe('README', () => {
  it('links every guide in docs/', () => {
    const linked = new Set(
      [...readme.matchAll(/\]\((docs\/[\w-]+\.md)(?:#[\w-]*)?\)/g)].map((m) => m[1]!),
    );
    const pages = readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`);
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it('names, under Install, every subpath that `myelin` does not re-export', () => {
    const barrel = readFileSync(join(root, 'src/index.ts'), 'utf8');
    const own = Object.entries(pkg.exports)
      .filter(([key]) => key !== '.' && key !== './package.json')
      .filter(([, target]) => {
        const js = typeof target === 'string' ? target : target.import!;
        // ./dist/onnx/index.js is src/onnx/index.ts: re-exported as './onnx/index.js'?
        const module = js.replace(/^\.\/dist\//, './');
        return !barrel.includes(`from '${module}'`);
      })
      .map(([key]) => `myelin${key.slice(1)}`)
      .sort();
    expect(own).toEqual([
      'myelin/node',
      'myelin/onnx',
      'myelin/testing',
      'myelin/wasm',
      'myelin/wasm/threads',
    ]);
    for (const subpath of own) expect(install).toContain(`\`${subpath}\``);
    expect(install).toContain('`myelin` exports everything but five subpaths');
  });

  it('installs from a clone with npm ci before npm pack, and the tarball by its path', () => {
    // npm pack runs prepack, the build, which needs the development dependencies.
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.build).toBe('tsup');
    const tarball = `${pkg.name}-${pkg.version}.tgz`;
    expect(install).toContain('npm ci && npm pack');
    expect(install).toContain(`npm install ../myelin/${tarball}`);
    expect(install.indexOf('npm ci')).toBeLessThan(install.indexOf('npm pack'));
  });

  it('says where the API reference comes from', () => {
    const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
      out: string;
    };
    expect(pkg.scripts.docs).toBe('typedoc');
    expect(readme).toContain(`\`npm run docs\` in a clone writes it to \`${typedoc.out}/\``);
  });
});
