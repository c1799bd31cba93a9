import { describe, it } from 'vitest';
import { hardSigmoid } from '../../src/activations/hard-sigmoid.js';
import { identity } from '../../src/activations/identity.js';
import { lrp } from '../../src/explain/lrp.js';
import { zeroRule } from '../../src/explain/rules.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

// The relevance rules of the recurrent cells recompute the forward pass; with
// hardSigmoid (Keras 2's hard_sigmoid, clip(0.2z + 0.5, 0, 1)) as a gate or
// signal activation, that recomputation must use the hard sigmoid too, not
// the identity. One feature, one unit, two steps, x = (1, 2), no biases.
// Reference values: numpy, the LRP-0 rules of Arras et al. 2017 written out
// step by step:
//   hs = clip(0.2z + 0.5, 0, 1); lstm: c = f·c₋₁ + i·g split by value,
//   g = w_c·x + u_c·h₋₁ split by value; gru: h = z·h₋₁ + (1 − z)·h̃ split by
//   value, h̃ = w_h·x + r·u_h·h₋₁ split by value.
describe('lrp through recurrent layers with a hard sigmoid', () => {
  const x = tensor([1, 2], { shape: [1, 2, 1], dtype: 'float64' });
  const lin = { activation: identity, useBias: false, dtype: 'float64' } as const;

  it('lstm with hardSigmoid gates', () => {
    // t1: i = hs(0.5) = 0.6, f = hs(−1) = 0.3, g = 1, o = hs(1) = 0.7: c1 = 0.6, h1 = 0.42.
    // t2: i = 0.7, f = 0.1, g = 2 + 0.42, o = 0.9: c2 = 0.06 + 1.694 = 1.754, y = 1.5786.
    const m = sequential([
      lstm(1, 1, {
        ...lin,
        recurrentActivation: hardSigmoid,
        kernel: [[0.5, -1, 1, 1]],
        recurrentKernel: [[0, 0, 1, 0]],
      }),
    ]);
    expectClose(predict(m, x), [[1.5786]], { atol: 1e-12 });
    // numpy: [0.3186, 1.26] (with identity gates instead, [-0.5262, 2.1048])
    expectClose(lrp(m, x, { rules: zeroRule() }).relevance, [[[0.3186], [1.26]]], { atol: 1e-12 });
  });

  it.each([true, false])('gru (resetAfter %s) with hardSigmoid gates', (resetAfter) => {
    // t1: z = hs(0.5) = 0.6, r = hs(−1) = 0.3, h̃ = 1: h1 = 0.4.
    // t2: z = 0.7, r = 0.1, h̃ = 2 + 0.1·0.4 = 2.04: y = 0.28 + 0.612 = 0.892.
    const m = sequential([
      gru(1, 1, {
        ...lin,
        resetAfter,
        recurrentActivation: hardSigmoid,
        kernel: [[0.5, -1, 1]],
        recurrentKernel: [[0, 0, 1]],
      }),
    ]);
    expectClose(predict(m, x), [[0.892]], { atol: 1e-12 });
    // numpy: [0.292, 0.6]
    expectClose(lrp(m, x, { rules: zeroRule() }).relevance, [[[0.292], [0.6]]], { atol: 1e-12 });
  });

  it('simpleRnn with a hardSigmoid activation', () => {
    // w = 1, u = 0.5: h1 = hs(1) = 0.7; z2 = 2 + 0.35 = 2.35, y = hs(2.35) = 0.97.
    // The activation passes relevance through; z2 splits it: R_x2 = 2/2.35·y, R_x1 = 0.35/2.35·y.
    const m = sequential([
      simpleRnn(1, 1, {
        activation: hardSigmoid,
        useBias: false,
        dtype: 'float64',
        kernel: [[1]],
        recurrentKernel: [[0.5]],
      }),
    ]);
    expectClose(predict(m, x), [[0.97]], { atol: 1e-12 });
    expectClose(
      lrp(m, x, { rules: zeroRule() }).relevance,
      [[[(0.35 / 2.35) * 0.97], [(2 / 2.35) * 0.97]]],
      { atol: 1e-12 },
    );
  });
});
