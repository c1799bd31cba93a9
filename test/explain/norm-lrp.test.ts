import { describe, expect, it } from 'vitest';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { sequential } from '../../src/models/sequential.js';
import { lrp } from '../../src/explain/lrp.js';
import { epsilonGammaBox, identityRule, zeroRule, gammaRule } from '../../src/explain/rules.js';
import { expectClose } from '../helpers/expect-close.js';

// dense(1, 1) with w = 1 and no bias, then batch norm in inference with γ = 2, β = 1, μ = 0.5,
// σ² + ε = 4: y = 2·(h − 0.5)/2 + 1 = h + 0.5, so a = 1 and the shift s = 0.5.
// x = 2: h = 2, y = 2.5, the seeded relevance.
function model() {
  return sequential([
    dense(1, 1, { kernel: [[1]], useBias: false, dtype: 'float64', name: 'd' }),
    batchNorm(1, {
      gamma: [2],
      beta: [1],
      movingMean: [0.5],
      movingVariance: [4 - 1e-3],
      epsilon: 1e-3,
      dtype: 'float64',
      name: 'bn',
    }),
  ]);
}

describe('lrp through batch normalization', () => {
  it('identity passes relevance through; LRP-0 gives the shift its share', () => {
    // identity: R_h = 2.5, and dense (LRP-0, no bias) hands all of it to x.
    expectClose(
      lrp(model(), [[2]], { rules: zeroRule(), layerRules: { bn: identityRule() } }).relevance,
      [[2.5]],
      { atol: 1e-12 },
    );
    // LRP-0: R_h = a·h / y · R = 2/2.5 · 2.5 = 2 (the shift keeps 0.5).
    expectClose(lrp(model(), [[2]], { rules: zeroRule() }).relevance, [[2]], { atol: 1e-12 });
  });

  it('the composites give it the identity rule; other rules are errors', () => {
    const r = lrp(model(), [[2]], { rules: epsilonGammaBox() });
    expect(r.conservation.layers.map((l) => [l.layer, l.rule])).toEqual([
      ['d', 'zB'],
      ['bn', 'identity'],
    ]);
    expect(() => lrp(model(), [[2]], { rules: gammaRule() })).toThrow(
      'lrp: layer "bn" (batchNorm) has no relevance rule "gamma"; it supports identity, zero, epsilon',
    );
  });
});
