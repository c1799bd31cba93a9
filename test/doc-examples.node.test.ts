/// <reference types="node" />
// Every JSDoc @example above a public export (myelin, myelin/node, myelin/testing, myelin/wasm)
// must type-check against the repo's compiler options and run without
// throwing. The ```ts blocks are written to .tmp/doc-examples/<name>.ts,
// checked in one tsc run (tsconfig paths map the package names to src/), then
// imported one after another by a single tsx runner process, which reports
// each example's outcome.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicDeclarations } from './helpers/public-api.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.tmp', 'doc-examples');

/** The ```ts code blocks of the @example sections of one JSDoc block. */
function exampleBlocks(doc: string): string[] {
  const lines = doc
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''));
  const blocks: string[] = [];
  let inExample = false;
  let code: string[] | undefined;
  for (const line of lines) {
    if (code !== undefined) {
      if (/^\s*```\s*$/.test(line)) {
        blocks.push(code.join('\n'));
        code = undefined;
      } else code.push(line);
    } else if (/^@example\b/.test(line)) inExample = true;
    else if (/^@\w+/.test(line)) inExample = false;
    else if (inExample && /^\s*```(?:ts|typescript)\s*$/.test(line)) code = [];
  }
  return blocks;
}

/** file name -> example source, for every public value export's @example blocks. */
function examples(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { name, doc } of publicDeclarations()) {
    for (const code of exampleBlocks(doc)) {
      // Case-insensitive keys: Tensor and tensor must not share a file name.
      const taken = (k: string) =>
        [...found.keys()].some((f) => f.toLowerCase() === k.toLowerCase());
      let key = name;
      for (let i = 2; taken(key); i++) key = `${name}-${i}`;
      found.set(key, /^\s*(?:import|export)\b/m.test(code) ? code : `${code}\nexport {};\n`);
    }
  }
  return found;
}

const all = examples();

// Imports every example in turn, in one process; one JSON line per example.
const runner = `import { pathToFileURL } from 'node:url';
const names = ${JSON.stringify([...all.keys()])};
const results = {};
for (const name of names) {
  try {
    await import(pathToFileURL(${JSON.stringify(out)} + '/' + name + '.ts').href);
    results[name] = null;
  } catch (e) {
    results[name] = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
}
process.stdout.write('\\n@@RESULTS@@' + JSON.stringify(results) + '\\n');
process.exit(0);
`;

describe('JSDoc @example code', () => {
  beforeAll(() => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    for (const [name, code] of all) writeFileSync(join(out, `${name}.ts`), code);
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: {
          noUnusedLocals: false,
          noUnusedParameters: false,
          types: ['node'],
          paths: {
            myelin: ['../../src/index.ts'],
            'myelin/node': ['../../src/node/index.ts'],
            'myelin/testing': ['../../src/testing/index.ts'],
            'myelin/onnx': ['../../src/onnx/index.ts'],
            'myelin/wasm': ['../../src/kernels/wasm/node.ts'],
            'myelin/wasm/threads': ['../../src/kernels/wasm/threads/node.ts'],
          },
        },
        include: [...all.keys()].map((n) => `${n}.ts`),
      }),
    );
    writeFileSync(join(out, '_runner.ts'), runner);
  });

  it('finds an example for (almost) every public export', () => {
    expect(all.size).toBeGreaterThan(150);
  });

  it('type-checks every example', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    }).then(
      (r) => ({ ok: true, stdout: r.stdout }),
      (e: unknown) => ({ ok: false, stdout: (e as { stdout?: string }).stdout ?? String(e) }),
    );
    const errors = result.stdout
      .split('\n')
      .filter((l) => /error TS\d+/.test(l))
      .map((l) => l.replace(/^.*doc-examples\//, ''));
    expect(errors, 'examples with type errors').toEqual([]);
    // tsc failed without reporting a type error (crashed, timed out): show why.
    expect(result.ok, result.stdout).toBe(true);
  });

  it('runs every example without throwing', async () => {
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const { stdout } = await run(process.execPath, [tsx, join(out, '_runner.ts')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('@@RESULTS@@'));
    expect(line, 'runner output').toBeDefined();
    const results = JSON.parse(line!.slice('@@RESULTS@@'.length)) as Record<string, string | null>;
    const failed = Object.entries(results)
      .filter(([, err]) => err !== null)
      .map(([name, err]) => `${name}: ${err!.split('\n').slice(0, 2).join(' | ')}`);
    expect(Object.keys(results).length).toBe(all.size);
    expect(failed, 'examples that threw').toEqual([]);
  });
});
