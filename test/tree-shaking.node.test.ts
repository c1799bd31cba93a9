/// <reference types="node" />
// Tree-shaking promise (DESIGN.md section 1): `import { relu } from 'myelin'`
// bundles the tensor type and the relu code, a few KB, and nothing else. The
// package is resolved by its own name through package.json "exports" (a
// self-reference), exactly as a user's bundler would see the published dist/.
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDist, root } from './package/dist.js';

interface Bundle {
  code: string;
  metafile: Metafile;
}

async function bundle(contents: string, fromSource: boolean, minify = true): Promise<Bundle> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    minify,
    format: 'esm',
    platform: 'neutral',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // tsconfig.json maps 'myelin' to src/ for the editor; ignore it to test dist/
    // as published, or alias the name to src/ to see which source modules remain.
    ...(fromSource
      ? {
          alias: {
            myelin: `${root}/src/index.ts`,
            'myelin/testing': `${root}/src/testing/index.ts`,
          },
        }
      : { tsconfigRaw: '{}' }),
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output');
  return { code: out.text, metafile: result.metafile };
}

// Code that must never reach a relu-only bundle. The strings are op names and
// error messages, which survive minification (identifiers do not).
const forbidden = ['matmul', 'inner dimensions differ', 'dense', 'sequential', 'adam', 'optimizer'];

describe('tree-shaking', () => {
  beforeAll(() => {
    ensureDist();
  }, 180_000);

  it('bundles relu alone without matrix-product, layer or optimizer code, under 4 KB', async () => {
    const { code } = await bundle("export { relu } from 'myelin';", false);
    const lower = code.toLowerCase();
    for (const word of forbidden) {
      expect(lower.includes(word), `bundle contains "${word}"`).toBe(false);
    }
    // Sanity: the thing we asked for is there, so the checks above can fail.
    expect(code).toContain('relu');
    expect(code.length).toBeLessThan(4096);
  });

  it('keeps only tensor, autograd-record and activation modules for relu (from src/)', async () => {
    const { metafile } = await bundle("export { relu } from 'myelin';", true);
    const output = Object.values(metafile.outputs)[0];
    if (!output) throw new Error('esbuild produced no metafile output');
    const kept = Object.entries(output.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([k]) => k.replace(/^.*?src\//, 'src/'))
      .sort();
    // A module that stays with nothing imported from it has a module-level side
    // effect; the list names it. Allowed: helpers, tensor, the graph recorder,
    // relu itself and its kernel.
    const allowed =
      /^src\/(_lib\/|tensor\/|autograd\/graph\.ts$|activations\/(relu|define|_check)\.ts$|kernels\/(relu|js\/relu|backend)\.ts$)/;
    expect(kept.filter((k) => !allowed.test(k))).toEqual([]);
    expect(kept).toContain('src/activations/relu.ts');
  });

  it('keeps WebAssembly bytes and Node built-ins out of the main entry', async () => {
    const { code, metafile } = await bundle("export * from 'myelin';", false);
    // 'AGFzbQ' is "\0asm", the WebAssembly magic number, in base64.
    expect(code.includes('AGFzbQ')).toBe(false);
    const output = Object.values(metafile.outputs)[0];
    const nodeImports = (output?.imports ?? []).filter((i) => i.path.startsWith('node:'));
    expect(nodeImports).toEqual([]);
    // Sanity check that the full barrel was bundled (matmul is in it).
    expect(code).toContain('matmul');
  });

  it('keeps myelin/testing out of the main entry: import { relu } does not grow', async () => {
    // With "sideEffects": false an unused import of the subpath must vanish
    // entirely: the same code as the relu bundle. Compared unminified (the
    // minifier's short names depend on every symbol it saw, dropped ones too)
    // and imported after relu, so esbuild emits the modules in the same order.
    const relu = await bundle("export { relu } from 'myelin';", false, false);
    const withTesting = await bundle(
      "export { relu } from 'myelin'; import 'myelin/testing';",
      false,
      false,
    );
    expect(withTesting.code).toBe(relu.code);
    // The barrel never reaches the testing folder, so its code and messages stay out.
    const all = await bundle("export * from 'myelin';", false);
    const inputs = Object.keys(Object.values(all.metafile.outputs)[0]?.inputs ?? {});
    expect(inputs.length).toBeGreaterThan(50);
    expect(inputs.filter((i) => i.includes('dist/testing/'))).toEqual([]);
    for (const word of ['toBeCloseToTensor', 'values are not close', 'checkFixture']) {
      expect(all.code.includes(word), `main bundle contains "${word}"`).toBe(false);
    }
    // Sanity: the same words are in the testing subpath, so the checks above can fail.
    const testing = await bundle("export * from 'myelin/testing';", false);
    for (const word of ['toBeCloseToTensor', 'values are not close', 'checkFixture']) {
      expect(testing.code).toContain(word);
    }
  });

  it('bundles assertClose without model, training or kernel code', async () => {
    const { code, metafile } = await bundle("export { assertClose } from 'myelin/testing';", true);
    const output = Object.values(metafile.outputs)[0];
    if (!output) throw new Error('esbuild produced no metafile output');
    const kept = Object.entries(output.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([k]) => k.replace(/^.*?src\//, 'src/'))
      .sort();
    expect(
      kept.filter(
        (k) => !/^src\/(_lib\/|tensor\/tensor\.ts$|testing\/(close|errors)\.ts$)/.test(k),
      ),
    ).toEqual([]);
    expect(code).toContain('values are not close');
  });

  it('keeps myelin/onnx out of the main entry: import { relu } does not grow', async () => {
    const relu = await bundle("export { relu } from 'myelin';", false, false);
    const withOnnx = await bundle(
      "export { relu } from 'myelin'; import 'myelin/onnx';",
      false,
      false,
    );
    expect(withOnnx.code).toBe(relu.code);
    // Words of the ONNX reader and writer (error messages survive minification).
    const words = ['fromOnnx', 'toOnnx', 'linear_before_reset'];
    const all = await bundle("export * from 'myelin';", false);
    for (const word of words)
      expect(all.code.includes(word), `main bundle contains "${word}"`).toBe(false);
    // Sanity: the subpath holds them, so the checks above can fail.
    const onnx = await bundle("export * from 'myelin/onnx';", false);
    for (const word of words) expect(onnx.code).toContain(word);
  });

  it('ships the WebAssembly bytes in myelin/wasm', async () => {
    const { code } = await bundle("export * from 'myelin/wasm';", false);
    expect(code).toContain('AGFzbQ');
  });
});
