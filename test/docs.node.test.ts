/// <reference types="node" />
// "Every public export has JSDoc with a runnable example": for every value
// exported from the public entry points (myelin, myelin/node, myelin/wasm),
// find its declaration under src/ and require a JSDoc block with @example
// right above it. (Types are covered by TypeDoc's notDocumented check.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node/index.js';
import * as wasm from '../src/kernels/wasm/index.js';

const src = fileURLToPath(new URL('../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** name -> whether some declaration of it carries a JSDoc block with @example. */
function declarations(): Map<string, boolean> {
  const found = new Map<string, boolean>();
  const decl = /^export (?:async )?(?:function|const|class) (\w+)/gm;
  for (const file of files(src)) {
    if (file.endsWith('.generated.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(decl)) {
      const before = text
        .slice(0, m.index)
        .trimEnd()
        .replace(/\/\* @__\w+__ \*\/$/, '')
        .trimEnd();
      const doc = before.endsWith('*/') ? before.slice(before.lastIndexOf('/**')) : '';
      const name = m[1]!;
      found.set(name, (found.get(name) ?? false) || doc.includes('@example'));
    }
  }
  return found;
}

describe('public API documentation', () => {
  const names = [...new Set([...Object.keys(main), ...Object.keys(node), ...Object.keys(wasm)])];
  const found = declarations();

  it('finds the public exports', () => {
    expect(names.length).toBeGreaterThan(150);
  });

  it('gives every exported value a JSDoc @example', () => {
    const undeclared = names.filter((n) => !found.has(n));
    const withoutExample = names.filter((n) => found.get(n) === false);
    expect(undeclared, 'exports whose declaration was not found').toEqual([]);
    expect(withoutExample, 'exports without an @example').toEqual([]);
  });
});
