import { describe, expect, it } from 'vitest';
import { tanh } from '../../src/activations/tanh.js';
import { saliency, smoothGrad } from '../../src/explain/gradients.js';
import { lrp } from '../../src/explain/lrp.js';
import { zeroRule } from '../../src/explain/rules.js';
import { occlusion } from '../../src/explain/occlusion.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { flatten } from '../../src/layers/flatten.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

// flatten → dense(25, 3, tanh) → dense(3, 2) on 5×5×1 images, float64, with
// weights from closed forms that the Python reference below repeats.
function imageNet() {
  const w1 = Array.from({ length: 25 }, (_, i) =>
    Array.from({ length: 3 }, (_, j) => Math.sin(0.7 * i + 1.3 * j) * 0.5),
  );
  return sequential([
    flatten(),
    dense(25, 3, { activation: tanh, kernel: w1, bias: [0.1, -0.2, 0.05], dtype: 'float64' }),
    dense(3, 2, {
      kernel: [
        [1, -0.5],
        [0.3, 0.8],
        [-1.2, 0.4],
      ],
      bias: [0, 0.1],
      dtype: 'float64',
    }),
  ]);
}

const images = tensor(
  Array.from({ length: 50 }, (_, k) => (Math.cos(0.9 * k) + 1) / 2),
  { shape: [2, 5, 5, 1], dtype: 'float64' },
);

describe('occlusion at the edges', () => {
  it('a window that does not divide the size: the last patch is cut off at the edge, as in Captum', () => {
    // torch 1.13, float64: the same network; Captum's Occlusion rule written
    // out: ceil((5 − 2) / 2) + 1 = 3 patch starts (0, 2, 4) per axis, the
    // last patch [4, 6) cut to [4, 5); each pixel the mean of
    // f(x)[target] − f(x with the patch = 0)[target] over the patches covering it.
    const expected = [
      [
        [
          -0.48166880385262417, -0.48166880385262417, -1.0377301981568938, -1.0377301981568938,
          -0.04874249920914232,
        ],
        [
          -0.48166880385262417, -0.48166880385262417, -1.0377301981568938, -1.0377301981568938,
          -0.04874249920914232,
        ],
        [
          -0.8536401272781924, -0.8536401272781924, 0.7823285498725748, 0.7823285498725748,
          0.03556836656858556,
        ],
        [
          -0.8536401272781924, -0.8536401272781924, 0.7823285498725748, 0.7823285498725748,
          0.03556836656858556,
        ],
        [
          1.6111951637424704, 1.6111951637424704, 0.3232469506195751, 0.3232469506195751,
          -0.03004469903581934,
        ],
      ],
      [
        [
          -0.014240682179631294, -0.014240682179631294, -0.4031953959750236, -0.4031953959750236,
          -0.02667323813877296,
        ],
        [
          -0.014240682179631294, -0.014240682179631294, -0.4031953959750236, -0.4031953959750236,
          -0.02667323813877296,
        ],
        [
          0.34479919016441524, 0.34479919016441524, 0.6857227166553723, 0.6857227166553723,
          0.03269266073487606,
        ],
        [
          0.34479919016441524, 0.34479919016441524, 0.6857227166553723, 0.6857227166553723,
          0.03269266073487606,
        ],
        [
          -0.04131311149114952, -0.04131311149114952, -0.4037512027874906, -0.4037512027874906,
          0.007467274723059775,
        ],
      ],
    ];
    const s = occlusion(imageNet(), images, { window: 2, target: [0, 1] });
    expect(s.shape).toEqual([2, 5, 5, 1]);
    expectClose(s, expected, { atol: 1e-12 });
  });

  it('overlapping patches (window 3, stride 2) with a fill of 0.5', () => {
    // torch 1.13, float64, the same rule: starts 0 and 2, patches [0, 3) and [2, 5).
    const expected = [
      [
        [
          0.5096961503853331, 0.5096961503853331, 0.4744972319176573, 0.4392983134499815,
          0.4392983134499815,
        ],
        [
          0.5096961503853331, 0.5096961503853331, 0.4744972319176573, 0.4392983134499815,
          0.4392983134499815,
        ],
        [
          -0.04932224080483688, -0.04932224080483688, -0.11480297843091647, -0.18028371605699606,
          -0.18028371605699606,
        ],
        [
          -0.6083406319950069, -0.6083406319950069, -0.7041031887794902, -0.7998657455639736,
          -0.7998657455639736,
        ],
        [
          -0.6083406319950069, -0.6083406319950069, -0.7041031887794902, -0.7998657455639736,
          -0.7998657455639736,
        ],
      ],
      [
        [
          -0.31155217475453817, -0.31155217475453817, -0.17461139688568372, -0.03767061901682929,
          -0.03767061901682929,
        ],
        [
          -0.31155217475453817, -0.31155217475453817, -0.17461139688568372, -0.03767061901682929,
          -0.03767061901682929,
        ],
        [
          0.20338895119614606, 0.20338895119614606, 0.2481960798668907, 0.29300320853763534,
          0.29300320853763534,
        ],
        [
          0.7183300771468303, 0.7183300771468303, 0.6710035566194652, 0.6236770360921,
          0.6236770360921,
        ],
        [
          0.7183300771468303, 0.7183300771468303, 0.6710035566194652, 0.6236770360921,
          0.6236770360921,
        ],
      ],
    ];
    const s = occlusion(imageNet(), images, { window: 3, stride: 2, fill: 0.5, target: 1 });
    expectClose(s, expected, { atol: 1e-12 });
  });

  it('the JSDoc example: the cut-off last patch covers the last element', () => {
    // y = x₂; window 3, stride 2 over 4 elements: patches [0, 3) and [2, 4), each dropping y by 1.
    const model = sequential([dense(4, 1, { kernel: [[0], [0], [1], [0]], useBias: false })]);
    expect(occlusion(model, [[1, 1, 1, 1]], { window: 3, stride: 2 }).toArray()).toEqual([
      [1, 1, 1, 1],
    ]);
    // y = x₃, window 3: patches [0, 3) (drop 0) and [3, 4) (drop 1).
    const y3 = sequential([dense(4, 1, { kernel: [[0], [0], [0], [1]], useBias: false })]);
    expect(occlusion(y3, [[1, 1, 1, 1]], { window: 3 }).toArray()).toEqual([[0, 0, 0, 1]]);
    // Only a stride larger than the window leaves elements uncovered (0): [0, 1) and [2, 3).
    expect(occlusion(y3, [[1, 1, 1, 1]], { window: 1, stride: 2 }).toArray()).toEqual([
      [0, 0, 0, 0],
    ]);
  });
});

describe('occlusion of token ids', () => {
  // embedding(10, 4) → flatten → dense(12, 2, tanh), tables from closed forms.
  const table = Array.from({ length: 10 }, (_, i) =>
    Array.from({ length: 4 }, (_, j) => Math.sin(0.37 * i + 0.11 * j)),
  );
  const kernel = Array.from({ length: 12 }, (_, i) =>
    Array.from({ length: 2 }, (_, j) => Math.cos(0.23 * i - 0.5 * j)),
  );
  const model = () =>
    sequential([
      embedding(10, 4, { embeddings: table, dtype: 'float64' }),
      flatten(),
      dense(12, 2, { activation: tanh, kernel, bias: [0.1, -0.1], dtype: 'float64' }),
    ]);

  it('int32 ids are occluded by the fill id (it needs no gradient)', () => {
    // torch 1.13, float64: f(ids) = tanh(E[ids].reshape(n, -1) @ W + b); each
    // position t replaced by id 0, drop f(ids)[r, c] − f(occluded)[r, c], c = [0, 1].
    const expected = [
      [1.1114220531229142, 0.699397433971913, -0.4448111425024366],
      [0.040968333303488924, 0.0002754260296702338, 0.00011833866600807763],
    ];
    const ids = tensor(
      [
        [1, 2, 3],
        [4, 7, 9],
      ],
      { dtype: 'int32' },
    );
    const s = occlusion(model(), ids, { window: 1, target: [0, 1] });
    expect(s.dtype).toBe('float64');
    expectClose(s, expected, { atol: 1e-12 });
  });

  it('a fill that is no int32 value is refused for int32 ids', () => {
    const ids = tensor([[1, 2, 3]], { dtype: 'int32' });
    expect(() => occlusion(model(), ids, { window: 1, fill: 0.5 })).toThrow(
      'occlusion: fill must be an int32 value (such as a padding token id) for int32 x, got 0.5',
    );
  });
});

describe('smoothGrad noise level per row', () => {
  it("a row's noise does not depend on the range of the other rows in the batch", () => {
    // σ = noise × (max − min) of the explained input (Smilkov et al. 2017): per
    // row. With one sample, the rng draws row 0's noise first in both calls, so
    // row 0 must come out the same alone and next to a row of a far wider range.
    const rng = createRng(4);
    const model = sequential([
      dense(3, 4, { activation: tanh, rng, dtype: 'float64' }),
      dense(4, 1, { rng, dtype: 'float64' }),
    ]);
    const a = [0.1, 0.3, 0.2];
    const alone = smoothGrad(model, tensor([a], { dtype: 'float64' }), {
      samples: 1,
      rng: createRng(9),
    });
    const both = smoothGrad(model, tensor([a, [-50, 0, 50]], { dtype: 'float64' }), {
      samples: 1,
      rng: createRng(9),
    });
    expectClose((both.toArray() as number[][])[0]!, (alone.toArray() as number[][])[0]!, {
      atol: 1e-15,
    });
  });
});

describe('target as int32 indices', () => {
  // A linear model y = x·W: the saliency of class c is column c of W, by hand.
  const kernel = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const model = sequential([dense(2, 3, { kernel, useBias: false, dtype: 'float64' })]);
  const x = tensor(
    [
      [0.5, -1],
      [2, 0.25],
    ],
    { dtype: 'float64' },
  );

  it("takes a rank-1 int32 tensor (argmax's output, labels) or an Int32Array, one class per row", () => {
    const expected = [
      [3, 6],
      [1, 4],
    ];
    const classes = tensor([2, 0], { dtype: 'int32' });
    expect(saliency(model, x, { target: classes }).toArray()).toEqual(expected);
    expect(saliency(model, x, { target: Int32Array.from([2, 0]) }).toArray()).toEqual(expected);
    // LRP-0 of a linear model without bias: x_i·w_ic.
    expectClose(lrp(model, x, { rules: zeroRule(), target: classes }).relevance, [
      [1.5, -6],
      [2, 1],
    ]);
  });

  it('checks the tensor as it checks an array', () => {
    expect(() => saliency(model, x, { target: tensor([0, 3], { dtype: 'int32' }) })).toThrow(
      'saliency: target[1] must be a class index in [0, 2] (each row has 3 outputs), got 3',
    );
    expect(() => saliency(model, x, { target: tensor([[0], [1]], { dtype: 'int32' }) })).toThrow(
      'saliency: target must be a class index or one per row (a rank-1 tensor of 2)',
    );
    expect(() => saliency(model, x, { target: tensor([0], { dtype: 'int32' }) })).toThrow(
      'saliency: target must be one class per row (2 rows)',
    );
  });
});
