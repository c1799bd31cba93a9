/// <reference types="node" />
// "Every public export has JSDoc with a runnable example": for every value
// exported from the public entry points (myelin, myelin/node, myelin/testing, myelin/wasm),
// find its declaration under src/ and require a JSDoc block with @example
// right above it. (Types are covered by TypeDoc's notDocumented check.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publicDeclarations, publicNames } from './helpers/public-api.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('public API documentation', () => {
  const names = publicNames;
  // name -> whether some declaration of it carries a JSDoc block with @example
  const found = new Map<string, boolean>();
  for (const { name, doc } of publicDeclarations()) {
    found.set(name, (found.get(name) ?? false) || doc.includes('@example'));
  }

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

describe('documentation claims', () => {
  // A feature the docs mention must exist: a phrase, and the public names that make it true.
  const claims = [
    { phrase: /batch[ -]?norm/i, exists: (n: string) => /batchnorm/i.test(n) },
    {
      phrase: /binary (?:model )?(?:format|file)|JSON or binary/i,
      // toBinary, saveModelBinary, binaryFormat, ... (not binaryAccuracy or binaryCrossEntropy)
      exists: (n: string) => /(?:to|from|save|load)\w*binary|binary\w*(?:model|format)/i.test(n),
    },
  ];

  it('mention no layer or model format that does not exist yet', () => {
    const found: string[] = [];
    for (const file of sources(join(root, 'src'))) {
      const name = relative(root, file).split('\\').join('/');
      const comments = readFileSync(file, 'utf8').match(/\/\*[\s\S]*?\*\/|\/\/.*$/gm) ?? [];
      for (const { phrase, exists } of claims) {
        if (publicNames.some(exists)) continue;
        for (const c of comments) {
          const m = phrase.exec(c);
          if (m !== null) found.push(`${name}: "${m[0]}"`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
