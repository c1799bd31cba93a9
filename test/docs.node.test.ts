/// <reference types="node" />
// "Every public export has JSDoc with a runnable example": for every value
// exported from the public entry points (myelin, myelin/node, myelin/testing, myelin/wasm),
// find its declaration under src/ and require a JSDoc block with @example
// right above it. (Types are covered by TypeDoc's notDocumented check.)
import { describe, expect, it } from 'vitest';
import { publicDeclarations, publicNames } from './helpers/public-api.js';

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
