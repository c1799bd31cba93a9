/// <reference types="node" />
// The public value exports (of myelin, myelin/node, myelin/testing and myelin/wasm) and the
// JSDoc block right above each of their declarations under src/. Node-only:
// used by the documentation tests (*.node.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as main from '../../src/index.js';
import * as node from '../../src/node/index.js';
import * as testing from '../../src/testing/index.js';
import * as wasm from '../../src/kernels/wasm/index.js';
import * as wasmThreads from '../../src/kernels/wasm/threads/node.js';
import * as onnx from '../../src/onnx/index.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Every value exported by a public entry point. */
export const publicNames: readonly string[] = [
  ...new Set([
    ...Object.keys(main),
    ...Object.keys(node),
    ...Object.keys(testing),
    ...Object.keys(wasm),
    ...Object.keys(wasmThreads),
    ...Object.keys(onnx),
  ]),
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** A declaration of a public value and the JSDoc block above it ('' when there is none). */
export interface PublicDeclaration {
  readonly name: string;
  readonly doc: string;
}

/**
 * Every `export function|const|class` of a public name under src/ (overloads
 * and re-declarations each count), with the JSDoc block directly above it,
 * looking past a `/* @__NO_SIDE_EFFECTS__ *\/`-style annotation.
 */
export function publicDeclarations(): PublicDeclaration[] {
  const names = new Set(publicNames);
  const found: PublicDeclaration[] = [];
  const decl = /^export (?:async )?(?:function|const|class) (\w+)/gm;
  for (const file of files(src)) {
    if (file.endsWith('.generated.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(decl)) {
      const name = m[1]!;
      if (!names.has(name)) continue;
      const before = text
        .slice(0, m.index)
        .trimEnd()
        .replace(/\/\* @__\w+__ \*\/$/, '')
        .trimEnd();
      found.push({
        name,
        doc: before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : '',
      });
    }
  }
  return found;
}
