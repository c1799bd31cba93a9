/// <reference types="node" />
// Reads the import graph under src/ and enforces the dependency direction of
// DESIGN.md section 2: a folder imports only from folders on lower tiers (no
// upward or sideways edges, so no cycles), nothing imports npm packages, and
// only src/node/ may import Node built-ins. Uses node:fs, hence *.node.test.ts.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** DESIGN.md section 2. `src/index.ts` is tier 10; subfolders (kernels/js, kernels/wasm) belong to their top folder. */
const TIERS: Record<string, number> = {
  _lib: 0,
  random: 1,
  kernels: 1,
  tensor: 2,
  autograd: 3,
  ops: 4,
  activations: 5,
  losses: 5,
  init: 5,
  regularizers: 5,
  layers: 6,
  optimizers: 6,
  data: 6,
  models: 7,
  training: 8,
  explain: 8,
  io: 8,
  onnx: 8,
  plots: 8,
  network: 9,
  node: 9,
  // myelin/testing: above io (fixtures share the model format's exact-bytes
  // tensor encoding and its untrusted-input checks) and models (predict).
  testing: 9,
  'index.ts': 10,
};

/** Removes // and /* *\/ comments (JSDoc examples are full of `import ... from 'myelin'`), keeping string literals intact. */
export function stripComments(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    const next = code[i + 1];
    if (c === '/' && next === '/') {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? code.length : end + 2;
      out += ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      out += code.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Every module specifier a file imports: static imports, `export ... from`, side-effect imports and literal dynamic `import()`. */
export function importSpecifiers(code: string): string[] {
  const src = stripComments(code);
  const specs: string[] = [];
  const staticRe =
    /(?:^|[;}\s])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g;
  const dynamicRe = /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*[,)]/g;
  for (const m of src.matchAll(staticRe)) specs.push(m[1]!);
  for (const m of src.matchAll(dynamicRe)) specs.push(m[1]!);
  return specs;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|js|mjs)$/.test(name) ? [p] : [];
  });
}

/** The tier key of a path under src/: its top folder, or the file name for top-level files. */
function unitOf(file: string): string {
  const rel = relative(SRC, file).split(sep);
  return rel[0]!;
}

interface Edge {
  from: string;
  to: string;
  reason: string;
}

function offendingEdges(): { files: number; edges: number; bad: Edge[] } {
  const files = walk(SRC);
  const bad: Edge[] = [];
  let edges = 0;
  for (const file of files) {
    const from = relative(SRC, file);
    const unit = unitOf(file);
    const tier = TIERS[unit];
    if (tier === undefined) {
      bad.push({
        from,
        to: '-',
        reason: `src/${unit} is not a folder listed in DESIGN.md section 2`,
      });
      continue;
    }
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      edges++;
      if (spec.startsWith('node:')) {
        // The Node build of myelin/wasm/threads: only the package's `node`
        // export condition selects it, so browser bundles never see it.
        const nodeBuild = from.split(sep).join('/') === 'kernels/wasm/threads/node.ts';
        if (unit !== 'node' && !nodeBuild)
          bad.push({ from, to: spec, reason: 'Node built-ins are only allowed in src/node/' });
        continue;
      }
      if (!spec.startsWith('.')) {
        bad.push({
          from,
          to: spec,
          reason:
            'bare import: src/ has zero runtime dependencies (and Node built-ins need the node: prefix, in src/node/ only)',
        });
        continue;
      }
      const target = resolve(dirname(file), spec);
      const to = relative(SRC, target);
      if (to.startsWith('..')) {
        bad.push({ from, to: spec, reason: 'import from outside src/' });
        continue;
      }
      const targetUnit = unitOf(target);
      if (targetUnit === unit) continue;
      const targetTier = TIERS[targetUnit];
      if (targetTier === undefined)
        bad.push({ from, to, reason: `src/${targetUnit} is not a known folder` });
      else if (targetTier > tier)
        bad.push({
          from,
          to,
          reason: `upward: tier ${tier} (${unit}) imports tier ${targetTier} (${targetUnit})`,
        });
      else if (targetTier === tier)
        bad.push({ from, to, reason: `sideways: ${unit} and ${targetUnit} are both tier ${tier}` });
    }
  }
  return { files: files.length, edges, bad };
}

describe('architecture', () => {
  it('the import scanner sees every kind of import and ignores comments', () => {
    const code = [
      "import { a } from '../tensor/a.js';",
      'import type {',
      '  B,',
      '  C,',
      '} from "../ops/b.js";',
      "import '../side/effect.js';",
      "export { d } from './d.js';",
      "export * from '../layers/index.js';",
      "export type * as t from '../x/t.js';",
      "const m = await import('../io/lazy.js');",
      "/** @example import { e } from 'myelin'; */",
      "// import { f } from '../network/f.js';",
      'const s = \'import { g } from "nope"\'; // not an import: the quote before it is no statement boundary',
      'const url = "https://example.org/x"; import { h } from \'node:fs\';',
    ].join('\n');
    expect(importSpecifiers(code)).toEqual([
      '../tensor/a.js',
      '../ops/b.js',
      '../side/effect.js',
      './d.js',
      '../layers/index.js',
      '../x/t.js',
      'node:fs',
      '../io/lazy.js',
    ]);
  });

  it('no import goes up a tier or sideways, to npm, or to node: outside src/node/', () => {
    const { files, edges, bad } = offendingEdges();
    // The scan really ran over the tree.
    expect(files).toBeGreaterThan(50);
    expect(edges).toBeGreaterThan(100);
    const report = bad.map((e) => `  src/${e.from} -> ${e.to}: ${e.reason}`).join('\n');
    if (bad.length > 0) console.error(`Offending import edges:\n${report}`);
    expect(bad, `offending import edges:\n${report}`).toEqual([]);
  });
});
