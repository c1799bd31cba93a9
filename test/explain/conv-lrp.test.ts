import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { conv2d } from '../../src/layers/conv2d.js';
import { dense } from '../../src/layers/dense.js';
import { flatten } from '../../src/layers/flatten.js';
import { avgPool2d, maxPool2d } from '../../src/layers/pool.js';
import { globalAvgPool2d, globalMaxPool2d } from '../../src/layers/global-pool.js';
import { upSampling2d } from '../../src/layers/up-sampling.js';
import { zeroPadding2d } from '../../src/layers/zero-padding.js';
import { spatialDropout2d } from '../../src/layers/spatial-dropout.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal } from '../../src/tensor/create.js';
import { lrp } from '../../src/explain/lrp.js';
import { gradientTimesInput } from '../../src/explain/gradients.js';
import {
  alphaBetaRule,
  epsilonGammaBox,
  epsilonRule,
  gammaRule,
  proportionalRule,
  zBRule,
  zeroRule,
} from '../../src/explain/rules.js';
import { expectClose } from '../helpers/expect-close.js';

// A 1×3 one-channel image x = (2, 1, 3) through conv2d with a 1×2 kernel w = (1, −1), no bias:
//   y0 = 2·1 + 1·(−1) = 1 (pixels 0, 1), y1 = 1·1 + 3·(−1) = −2 (pixels 1, 2).
// A dense layer then reads y0 only (kernel (1, 0)): the score is 1 and R_y = (1, 0) under LRP-0.
function convNet(head: number[][]) {
  return sequential([
    conv2d(1, 1, [1, 2], {
      kernel: [[[[1]], [[-1]]]],
      useBias: false,
      dtype: 'float64',
      name: 'conv',
    }),
    flatten(),
    dense(2, 1, { kernel: head, useBias: false, dtype: 'float64', name: 'head' }),
  ]);
}
const X = [[[[2], [1], [3]]]]; // [1, 1, 3, 1]

describe('lrp through a convolution, by hand', () => {
  it.each([
    // LRP-0: contributions of y0 (2, −1) over z = 1.
    ['LRP-0', zeroRule(), [2, -1, 0]],
    // LRP-ε (ε = 1): the same over 1 + 1 = 2.
    ['LRP-ε', epsilonRule(1), [1, -0.5, 0]],
    // LRP-γ (γ = 0.5): w' = (1.5, −1): contributions (3, −1) over 2.
    ['LRP-γ', gammaRule(0.5), [1.5, -0.5, 0]],
    // LRP-αβ (2, 1): positive part 2 over z⁺ = 2, times 2; negative part −1 over z⁻ = −1, times −1.
    ['LRP-αβ', alphaBetaRule(2, 1), [2, -1, 0]],
    // zB on [0, 3]: w⁺ = (1, 0), w⁻ = (0, −1): contributions (2 − 0, −1 + 3) = (2, 2) over 4.
    ['zB', zBRule(0, 3), [0.5, 0.5, 0]],
  ] as const)('%s', (_, rule, want) => {
    const r = lrp(convNet([[1], [0]]), X, { rules: zeroRule(), layerRules: { conv: rule } });
    expectClose(r.relevance, [[[[want[0]], [want[1]], [want[2]]]]], { atol: 1e-12 });
  });

  it('adds the shares of overlapping patches', () => {
    // Head (1, 1): score y0 + y1 = −1, R_y = (1·1/(−1)·(−1), −2·1/(−1)·(−1)) = (1, −2).
    // Patch 0 gives (2, −1)·1/1 to pixels 0, 1; patch 1 gives (1, −3)·(−2)/(−2) to pixels 1, 2.
    const r = lrp(convNet([[1], [1]]), X, { rules: zeroRule() });
    expectClose(r.relevance, [[[[2], [0], [-3]]]], { atol: 1e-12 });
    expectClose(r.conservation.input, [-1], { atol: 1e-12 });
  });
});

describe('lrp identities on convolutional networks', () => {
  it('LRP-0 equals gradient × input on relu CNNs without biases (padding, strides, groups, pools)', () => {
    const rng = createRng(4);
    const opts = { activation: relu, useBias: false, dtype: 'float64', rng } as const;
    const model = sequential([
      conv2d(2, 4, 3, { ...opts, padding: 'same', groups: 2 }),
      maxPool2d(2),
      zeroPadding2d(1),
      conv2d(4, 6, 2, { ...opts, strides: 2 }),
      upSampling2d(2),
      avgPool2d(2),
      flatten(),
      dense(54, 3, { useBias: false, dtype: 'float64', rng }),
    ]);
    const x = randomNormal([3, 8, 8, 2], { rng: createRng(5), dtype: 'float64' });
    for (const target of [0, 2]) {
      const r = lrp(model, x, { rules: zeroRule(), target });
      expectClose(r.relevance, gradientTimesInput(model, x, { target }), { atol: 1e-12 });
      expectClose(r.conservation.input, r.conservation.output, { atol: 1e-9 });
    }
  });

  it('conserves through global pools and spatial dropout, and the composite assigns by family', () => {
    const rng = createRng(6);
    const model = sequential([
      conv2d(1, 4, 3, { activation: relu, useBias: false, dtype: 'float64', rng, name: 'c1' }),
      spatialDropout2d(0.3),
      conv2d(4, 4, 3, { activation: relu, useBias: false, dtype: 'float64', rng, name: 'c2' }),
      globalAvgPool2d(),
      dense(4, 2, { useBias: false, dtype: 'float64', rng }),
    ]);
    const x = randomNormal([2, 7, 7, 1], { rng: createRng(7), dtype: 'float64' });
    const r = lrp(model, x, { rules: epsilonGammaBox({ low: -5, high: 5 }) });
    expect(r.conservation.layers.map((l) => [l.layer, l.rule])).toEqual([
      ['c1', 'zB'],
      ['spatialDropout2d', 'epsilon'],
      ['c2', 'gamma'],
      ['globalAvgPool2d', 'epsilon'],
      ['dense', 'epsilon'],
    ]);
    const zero = lrp(model, x, { rules: zeroRule() });
    expectClose(zero.conservation.input, zero.conservation.output, { atol: 1e-9 });
    const maxModel = sequential([
      conv2d(1, 2, 2, { activation: relu, useBias: false, dtype: 'float64', rng }),
      globalMaxPool2d(),
    ]);
    const m = lrp(maxModel, x, { rules: zeroRule() });
    expectClose(m.conservation.input, m.conservation.output, { atol: 1e-9 });
  });

  it('max pooling: winner-take-all by default, proportional on request', () => {
    // One 2×2 window (1, 3, 2, 2): the maximum 3 takes all of R = 3 by default;
    // proportionally it gets 3·3/8 and the others 3·(1, 2, 2)/8.
    const model = sequential([maxPool2d(2, { name: 'pool' })]);
    const x = [
      [
        [[1], [3]],
        [[2], [2]],
      ],
    ];
    expectClose(
      lrp(model, x, { rules: zeroRule() }).relevance,
      [
        [
          [[0], [3]],
          [[0], [0]],
        ],
      ],
      {
        atol: 1e-12,
      },
    );
    expectClose(
      lrp(model, x, { rules: proportionalRule() }).relevance,
      [
        [
          [[3 / 8], [9 / 8]],
          [[6 / 8], [6 / 8]],
        ],
      ],
      { atol: 1e-6 },
    );
    expect(() => lrp(model, x, { rules: zBRule() })).toThrow(
      'lrp: layer "pool" (maxPool2d) has no relevance rule "zB"; it supports winnerTakeAll, proportional, zero, epsilon, gamma, alphaBeta',
    );
  });
});
