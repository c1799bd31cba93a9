/// <reference types="node" />
// The package as a user gets it: `npm pack`, install the tarball into a fresh
// project (offline: myelin has no dependencies), then use it from Node ESM,
// from require() (Node >= 20.19 loads ESM synchronously), from strict
// TypeScript with NodeNext resolution, and through an esbuild browser bundle;
// and run the README's quick start in a new `npm init -y` project exactly as
// the README says.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectXorLearned, quickStart } from '../helpers/readme.js';
import { ensureDist, root } from './dist.js';

let dir = '';
let app = '';
let tarball = '';
let packedFiles: string[] = [];

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`, {
      cause: e,
    });
  }
}

function write(name: string, text: string): string {
  const p = join(app, name);
  writeFileSync(p, text);
  return p;
}

describe('the packed package', () => {
  beforeAll(() => {
    ensureDist();
    dir = mkdtempSync(join(tmpdir(), 'myelin-pack-'));
    const packed = JSON.parse(
      // --ignore-scripts: the suite already runs on a fresh build; prepack's rebuild
      // would rewrite dist/ under the other tests reading it.
      run(
        'npm',
        ['pack', '--ignore-scripts', '--json', '--silent', '--pack-destination', dir],
        root,
      ),
    ) as { filename: string; files: { path: string }[] }[];
    const first = packed[0];
    if (!first) throw new Error('npm pack reported no package');
    packedFiles = first.files.map((f) => f.path);
    tarball = join(dir, first.filename);
    app = join(dir, 'app');
    mkdirSync(app);
    write('package.json', JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--offline',
        '--ignore-scripts',
        join(dir, first.filename),
      ],
      app,
    );
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('ships dist/, the sources its maps name, and the documents the README links, not tests', () => {
    const outside = packedFiles.filter(
      (f) =>
        !f.startsWith('dist/') &&
        !f.startsWith('src/') &&
        !/^(package\.json|README\.md|LICENSE|docs\/[\w-]+\.(?:md|png)|bench\/README\.md)$/i.test(f),
    );
    expect(outside).toEqual([]);
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('src/index.ts');
    expect(packedFiles.filter((f) => /(^|\/)test\//.test(f))).toEqual([]);
  });

  it('resolves every relative link of the README inside the package', () => {
    const readme = readFileSync(join(app, 'node_modules/myelin/README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    const relative = links.filter((l) => !/^(?:[a-z]+:|#)/i.test(l)).map((l) => l.split('#')[0]!);
    expect(relative).toContain('docs/model-format.md');
    expect(relative.filter((l) => !packedFiles.includes(posix.normalize(l)))).toEqual([]);
  });

  it('names in its source maps only sources that it ships', () => {
    const maps = packedFiles.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(100);
    const missing: string[] = [];
    for (const map of maps) {
      const json = JSON.parse(readFileSync(join(app, 'node_modules/myelin', map), 'utf8')) as {
        sources: string[];
        sourcesContent?: unknown;
      };
      // The sources ship as files, so the maps need not carry a second copy.
      expect(json.sourcesContent, map).toBeUndefined();
      for (const source of json.sources) {
        const path = posix.normalize(posix.join(dirname(map), source));
        if (!packedFiles.includes(path)) missing.push(`${map}: ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names its repository', () => {
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules/myelin/package.json'), 'utf8'),
    ) as { repository?: { type?: string; url?: string } };
    expect(manifest.repository?.type).toBe('git');
    expect(manifest.repository?.url).toMatch(/^git\+https:\/\/.+\.git$/);
  });

  it('runs the README quick start in a new `npm init -y` project, as the README says', () => {
    const project = join(dir, 'newproject');
    mkdirSync(project);
    run('npm', ['init', '-y'], project);
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', tarball],
      project,
    );
    const code = quickStart();
    const node = (file: string): string => {
      writeFileSync(join(project, file), code);
      return run('node', [file], project);
    };
    // npm init -y makes a CommonJS project: there, a .mjs file is an ES module.
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      type?: string;
    };
    expect(manifest.type ?? 'commonjs').toBe('commonjs');
    expectXorLearned(node('quickstart.mjs'));
    // What the README warns of: a .js file of a CommonJS project cannot run it.
    // (Node >= 20.19 detects ES module syntax only where package.json has no
    // "type" at all; npm init -y writes "commonjs".)
    if (manifest.type === 'commonjs') {
      expect(() => node('quickstart.js')).toThrow(/Cannot use import statement outside a module/);
    }
    // With "type": "module" (npm pkg set type=module), as .js and as TypeScript through tsx.
    run('npm', ['pkg', 'set', 'type=module'], project);
    expectXorLearned(node('quickstart.js'));
    writeFileSync(join(project, 'quickstart.ts'), code);
    expectXorLearned(
      run('node', [join(root, 'node_modules/tsx/dist/cli.mjs'), 'quickstart.ts'], project),
    );
  }, 120_000);

  it('works from Node ESM, including subpaths', () => {
    write(
      'esm.mjs',
      `import { tensor, relu } from 'myelin';
import { zeros } from 'myelin/tensor';
import { useWasm, getBackend } from 'myelin/wasm';
import { terminalProgress } from 'myelin/node';
const y = relu(tensor([-1, 2, -3, 4]));
console.log(JSON.stringify({ y: y.toArray(), z: zeros([2]).toArray(), wasm: typeof useWasm, backend: getBackend(), node: typeof terminalProgress }));
`,
    );
    const out = JSON.parse(run('node', ['esm.mjs'], app)) as unknown;
    expect(out).toEqual({
      y: [0, 2, 0, 4],
      z: [0, 0],
      wasm: 'function',
      backend: 'js',
      node: 'function',
    });
  });

  it('works from require() through Node require(esm)', () => {
    write(
      'cjs.cjs',
      `const { tensor, relu } = require('myelin');
console.log(JSON.stringify(relu(tensor([[-1.5, 1.5]])).toArray()));
`,
    );
    const out = run('node', ['--no-warnings', 'cjs.cjs'], app);
    expect(JSON.parse(out)).toEqual([[0, 1.5]]);
  });

  it('type-checks a strict TypeScript user with NodeNext resolution', () => {
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          lib: ['es2022', 'dom'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    write(
      'use.ts',
      `import { tensor, relu, matmul, add, createRng, type Tensor } from 'myelin';
import { useWasm } from 'myelin/wasm';

const rng = createRng(7);
const x: Tensor = tensor([[1, -2], [3, 4]]);
const y: Tensor = relu(add(matmul(x, x), x));
const rows: number = y.shape[0] ?? 0;
const u: number = rng.uniform();
const ok: Promise<boolean> = useWasm();
export { rows, u, ok };

// Proves the types are precise, not any: these lines must be errors.
// @ts-expect-error relu takes a Tensor, not a string
relu('not a tensor');
// @ts-expect-error shape is read-only
y.shape = [1];
`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    expect(run('node', [tsc, '-p', 'tsconfig.json'], app)).toBe('');
  });

  it('bundles for the browser with no Node built-ins', async () => {
    const entry = write(
      'browser.mjs',
      `import { tensor, relu } from 'myelin';
import { useWasm } from 'myelin/wasm';
export const out = relu(tensor([-1, 1])).toArray();
export { useWasm };
`,
    );
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: app,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.includes('node_modules/myelin/dist/'))).toBe(true);
    const output = Object.values(result.metafile.outputs)[0];
    expect((output?.imports ?? []).map((i) => i.path)).toEqual([]);
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/["']node:/);
    // Run the bundle to be sure it is complete.
    const bundled = join(app, 'bundle.mjs');
    writeFileSync(bundled, code);
    const mod = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `import { out } from ${JSON.stringify(bundled)}; console.log(JSON.stringify(out));`,
      ],
      app,
    );
    expect(JSON.parse(mod)).toEqual([0, 1]);
    expect(readFileSync(bundled, 'utf8').length).toBeGreaterThan(0);
  });
});
