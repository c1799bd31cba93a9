/// <reference types="node" />
// In a minified production bundle the classes are renamed (ShapeError becomes
// "Q"), so the errors' names must be literal: a page's error log shows
// "ValueError: zeros: ...", and err.name checks keep working.
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { root } from './dist.js';

describe('error names in a minified bundle', () => {
  it('stay ValueError, ShapeError, ModelFormatError and AssertionError', async () => {
    const contents = `
      import { zeros, matmul, tensor, fromJSON } from 'myelin';
      import { assertClose } from 'myelin/testing';
      const names = [];
      for (const f of [
        () => zeros([-1]),
        () => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]])),
        () => fromJSON({ format: 'nope' }),
        () => assertClose(tensor([1]), tensor([2])),
      ]) {
        try { f(); } catch (e) { names.push(e.name + ': ' + e.message.split(':')[0]); }
      }
      export default names;
    `;
    const result = await build({
      stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      write: false,
      logLevel: 'silent',
      alias: {
        myelin: `${root}/src/index.ts`,
        'myelin/testing': `${root}/src/testing/index.ts`,
      },
    });
    const dir = `${root}/.tmp/minified-errors`;
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/bundle.mjs`;
    writeFileSync(file, result.outputFiles[0]!.text);
    const { default: names } = (await import(pathToFileURL(file).href)) as { default: string[] };
    expect(names).toEqual([
      'ValueError: zeros',
      'ShapeError: matmul',
      'ModelFormatError: fromJSON',
      'AssertionError: assertClose',
    ]);
  });
});
