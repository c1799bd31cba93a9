// docs/explain.md: for embedded text whose padded steps are zero vectors that a
// masking() layer marks as padding, integratedGradients' baseline must equal
// the input (0) on the padded steps and be nonzero on the real ones. A constant
// baseline on every step makes the padded steps real along the path and padding
// again only at x, so the completeness gap stays put however many steps are taken.
import { describe, expect, it } from 'vitest';
import { integratedGradients } from '../../src/explain/gradients.js';
import { dense } from '../../src/layers/dense.js';
import { lstm } from '../../src/layers/lstm.js';
import { masking } from '../../src/layers/masking.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { mul } from '../../src/ops/mul.js';
import { createRng } from '../../src/random/rng.js';
import { full, tensor } from '../../src/tensor/create.js';

const rng = createRng(0);
const x = input([4, 3]);
const model = graph({
  inputs: x,
  outputs: dense(5, 2, { rng }).apply(lstm(3, 5, { rng }).apply(masking().apply(x))),
});
// Two sentences' embedded vectors, 2 and 1 real steps, the padded steps zeroed.
const v = tensor([
  [
    [0.3, -0.2, 0.5],
    [0.1, 0.4, -0.3],
    [0, 0, 0],
    [0, 0, 0],
  ],
  [
    [0.2, 0.2, -0.1],
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ],
]);
const realMask = tensor([
  [[1], [1], [0], [0]],
  [[1], [0], [0], [0]],
]);
const gaps = (steps: number, baseline: ReturnType<typeof full>): readonly number[] =>
  integratedGradients(model, v, { steps, baseline, target: 0 }).gap;

describe('integratedGradients on masked sequences: the baseline on padded steps', () => {
  it('a small constant times the mask of real steps: the gap is tiny, as for any smooth path', () => {
    for (const g of gaps(64, mul(full([2, 4, 3], 0.01), realMask))) expect(g).toBeLessThan(1e-6);
  });

  it('a constant on every step: the gap stays large and does not shrink from 64 to 1024 steps', () => {
    const constant = full([2, 4, 3], 0.01);
    const at64 = gaps(64, constant);
    const at1024 = gaps(1024, constant);
    // A smooth path's gap falls about as 1/steps² (256 times here); this one jumps at x.
    at64.forEach((g, i) => {
      expect(g).toBeGreaterThan(1e-3);
      expect(at1024[i]!).toBeGreaterThan(g / 2);
    });
  });
});
