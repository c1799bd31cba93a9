/// <reference types="node" />
// docs/ops.md marks the element-wise ops that record no gradient ("(no gradient)"
// for a whole row, "(`op`: no gradient)" for some of it). Every op of such a row is
// called here on inputs that require a gradient: the ones marked must give a result
// that records none, the others one that does (remainder and fmod have gradients,
// as in PyTorch: ∂/∂a = g, ∂/∂b = −g·⌊a/b⌋ or −g·trunc(a/b)).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ops from '../../src/ops/index.js';
import { tensor, type Tensor } from '../../src/tensor/index.js';

const page = readFileSync(new URL('../../docs/ops.md', import.meta.url), 'utf8');

/** The table rows whose first cell says "no gradient", as [ops named, ops marked]. */
function rows(): [string[], string[]][] {
  return page
    .split('\n')
    .filter((l) => l.startsWith('|') && l.includes('no gradient'))
    .map((l) => {
      const cell = l.split('|')[1]!;
      const named = [...cell.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      const some = /\(((?:`\w+`\s*)+): no gradient\)/.exec(cell);
      const marked = some ? [...some[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!) : named;
      return [named, marked];
    });
}

describe('docs/ops.md: "no gradient" marks', () => {
  it('match the ops that record no gradient, and only them', () => {
    const found = rows();
    expect(found.length).toBeGreaterThan(0);
    const table = ops as unknown as Record<string, (...args: Tensor[]) => Tensor>;
    const a = tensor([7.5, -7.5], { dtype: 'float64', requiresGrad: true });
    const b = tensor([2, 2], { dtype: 'float64', requiresGrad: true });
    let checked = 0;
    for (const [named, marked] of found) {
      for (const name of named) {
        const fn = table[name];
        expect(typeof fn, name).toBe('function');
        const y = fn!.length >= 2 ? fn!(a, b) : fn!(a);
        expect(y.requiresGrad, `${name} records a gradient`).toBe(!marked.includes(name));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
    // The row of the division remainders names all three and marks floorDiv alone.
    const divRow = found.find(([named]) => named.includes('floorDiv'));
    expect(divRow?.[1]).toEqual(['floorDiv']);
  });
});
