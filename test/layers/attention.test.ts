import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { multiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { scaledDotProductAttention } from '../../src/ops/attention.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

const infer = { training: false, rng: createRng(0) };
const sig = (z: number): number => 1 / (1 + Math.exp(-z));

/** Deterministic values in (-1, 1). */
function wave(shape: number[], phase = 0, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(0.91 * i + 0.3 + phase)),
    { shape, dtype, requiresGrad: true },
  );
}

describe('multiHeadAttention: known values', () => {
  it('2 tokens, 2 heads, identity projections, worked by hand', () => {
    // modelDim 2, 2 heads of width 1: head 0 sees feature 0, head 1 feature 1;
    // q = k = v = that feature; scale 1/√1 = 1.
    // x = [[1, 0], [0, 2]].
    // Head 0 (values [1, 0]): query 0 scores [1·1, 1·0] = [1, 0] → weights
    //   [σ(1), σ(−1)], out σ(1)·1 = σ(1); query 1 scores [0, 0] → [½, ½], out ½.
    // Head 1 (values [0, 2]): query 0 scores [0, 0] → [½, ½], out 1; query 1
    //   scores [2·0, 2·2] = [0, 4] → [σ(−4), σ(4)], out 2σ(4).
    // Output projection identity: [[σ(1), 1], [½, 2σ(4)]].
    const eye = [
      [1, 0],
      [0, 1],
    ];
    const mha = multiHeadAttention(2, 2, {
      returnAttentionScores: true,
      dtype: 'float64',
      weights: { queryKernel: eye, keyKernel: eye, valueKernel: eye, outputKernel: eye },
    });
    const x = tensor(
      [
        [
          [1, 0],
          [0, 2],
        ],
      ],
      { dtype: 'float64' },
    );
    const [y, w] = mha.forwardWithScores([x, x, x], infer);
    expectClose(
      y,
      [
        [
          [sig(1), 1],
          [0.5, 2 * sig(4)],
        ],
      ],
      { atol: 1e-12 },
    );
    expectClose(
      w,
      [
        [
          [
            [sig(1), sig(-1)],
            [0.5, 0.5],
          ],
          [
            [0.5, 0.5],
            [sig(-4), sig(4)],
          ],
        ],
      ],
      { atol: 1e-12 },
    );
    expect(mha.forward([x, x, x], infer).toArray()).toEqual(y.toArray());
  });

  it('the op: q·k scaled by 1/√dk, causal and mask mean true = attend', () => {
    // dk = 4, q = [2, 0, 0, 0], keys [1, 0, 0, 0] and [0, 0, 0, 0]:
    // scores [2/2, 0] = [1, 0] → weights [σ(1), σ(−1)]; values [1] and [3]:
    // out σ(1) + 3σ(−1).
    const q = tensor([[[[2, 0, 0, 0]]]], { dtype: 'float64' });
    const k = tensor(
      [
        [
          [
            [1, 0, 0, 0],
            [0, 0, 0, 0],
          ],
        ],
      ],
      { dtype: 'float64' },
    );
    const v = tensor([[[[1], [3]]]], { dtype: 'float64' });
    expectClose(scaledDotProductAttention(q, k, v), [[[[sig(1) + 3 * sig(-1)]]]], {
      atol: 1e-12,
    });
    // Masking key 0 leaves only key 1: out 3.
    expectClose(scaledDotProductAttention(q, k, v, { mask: [[false, true]] }), [[[[3]]]]);
    // Masking both: a zero output and zero weights (never NaN).
    const none = scaledDotProductAttention(q, k, v, {
      mask: [[false, false]],
      returnWeights: true,
    });
    expect(none.output.toArray()).toEqual([[[[0]]]]);
    expect(none.weights.toArray()).toEqual([[[[0, 0]]]]);
  });

  it('dropout drops weights after the softmax and scales the rest by 1/(1 − rate)', () => {
    const q = wave([1, 1, 3, 2], 0, 'float64');
    const k = wave([1, 1, 3, 2], 1, 'float64');
    const v = tensor([[[[1], [1], [1]]]], { dtype: 'float64' });
    // With all values 1 each output is (Σ over kept weights)·2 for rate ½.
    const { output, weights } = scaledDotProductAttention(q, k, v, {
      dropout: 0.5,
      rng: createRng(7),
      returnWeights: true,
    });
    const w = weights.toArray() as number[][][][];
    const out = output.data;
    for (let i = 0; i < 3; i++) {
      const o = out[i]! / 2;
      // o is a sum of a subset of row i's weights.
      const row = w[0]![0]![i]!;
      const sums = [0, 1, 2, 3, 4, 5, 6, 7].map((m) =>
        row.reduce((s, p, j) => s + ((m >> j) & 1 ? p : 0), 0),
      );
      expect(sums.some((s) => Math.abs(s - o) < 1e-12)).toBe(true);
    }
  });
});

describe('multiHeadAttention: gradients (float64)', () => {
  for (const variant of ['plain', 'causal + key padding', 'cross attention'] as const) {
    it(`${variant}: query, key, value and every weight`, () => {
      const causal = variant === 'causal + key padding';
      const cross = variant === 'cross attention';
      const kIn = cross ? 3 : 4,
        vIn = cross ? 5 : 4;
      const mha = multiHeadAttention(4, 2, {
        dtype: 'float64',
        causal,
        rng: createRng(3),
        ...(cross ? { keyInputDim: 3, valueInputDim: 5, valueDim: 3, outputDim: 2 } : {}),
      });
      // Nonzero biases, so their gradients are checked away from a special point.
      for (const [name, p] of Object.entries(mha.params))
        if (name.endsWith('Bias')) p.data.forEach((_, i) => (p.data[i] = 0.1 * Math.cos(i + 1)));
      const q = wave([2, 3, 4]);
      const k = wave([2, cross ? 4 : 3, kIn], 1);
      const v = wave([2, cross ? 4 : 3, vIn], 2);
      const keyMask = causal
        ? [
            [1, 1, 0],
            [1, 0, 1],
          ]
        : null;
      const run = (a: Tensor, b: Tensor, c: Tensor): Tensor =>
        mha.forward([a, keyMask === null ? b : withMask(b, keyMask), c], infer);
      expect(gradcheck(run, [q, k, v]).passed).toBe(true);
      expect(gradcheck(() => run(q, k, v), Object.values(mha.params)).passed).toBe(true);
    });
  }
});

describe('multiHeadAttention: masks', () => {
  it('causal: changing a later token leaves earlier outputs bit-identical', () => {
    const mha = multiHeadAttention(4, 2, { causal: true, rng: createRng(5) });
    const a = wave([1, 5, 4], 0, 'float32');
    const b = tensor(a.data.slice(), { shape: [1, 5, 4] });
    for (let c = 0; c < 4; c++) b.data[3 * 4 + c] = 9 - c; // token 3 changes
    const ya = mha.forward([a, a, a], infer).data;
    const yb = mha.forward([b, b, b], infer).data;
    expect(Array.from(yb.subarray(0, 12))).toEqual(Array.from(ya.subarray(0, 12)));
    expect(Array.from(yb.subarray(12, 16))).not.toEqual(Array.from(ya.subarray(12, 16)));
  });

  it('a padding mask gives the outputs of the unpadded sequence', () => {
    const mha = multiHeadAttention(4, 2, { rng: createRng(6) });
    const x = wave([1, 3, 4], 0, 'float32');
    const padded = tensor([...x.data, 5, -5, 5, -5, 7, 7, 7, 7], { shape: [1, 5, 4] });
    const m = withMask(padded, [[1, 1, 1, 0, 0]]);
    const y = mha.forward([x, x, x], infer);
    const yp = mha.forward([m, m, m], infer);
    expectClose(yp.data.subarray(0, 12), y.data, { atol: 1e-6 });
  });
});

describe('multiHeadAttention: bad input', () => {
  it('model width not divisible by the number of heads', () => {
    expect(() => multiHeadAttention(10, 3)).toThrow(
      /multiHeadAttention: modelDim 10 is not divisible by numHeads 3/,
    );
  });
  it('key and value of different lengths, query of the wrong width', () => {
    const mha = multiHeadAttention(4, 2, { name: 'att' });
    const q = tensor(new Float32Array(12), { shape: [1, 3, 4] });
    const k = tensor(new Float32Array(8), { shape: [1, 2, 4] });
    const v = tensor(new Float32Array(12), { shape: [1, 3, 4] });
    expect(() => mha.forward([q, k, v], infer)).toThrow(ShapeError);
    expect(() => mha.forward([q, k, v], infer)).toThrow(
      /multiHeadAttention "att": key and value must have the same number of steps, got key \[2,4\] and value \[3,4\]/,
    );
    const q5 = tensor(new Float32Array(15), { shape: [1, 3, 5] });
    expect(() => mha.forward([q5, v, v], infer)).toThrow(
      /multiHeadAttention "att": query must be \[steps, 4\] per sample, got \[3,5\]/,
    );
    expect(() => mha.forward(q, infer)).toThrow(ValueError);
  });
  it('masks of the wrong shape or values', () => {
    const q = tensor(new Float32Array(8), { shape: [1, 1, 2, 4] });
    expect(() => scaledDotProductAttention(q, q, q, { mask: [[true, false, true]] })).toThrow(
      /scaledDotProductAttention: mask must have shape \[2, 2\], \[1, 2, 2\] or \[1, 1, 2, 2\], got \[1,3\]/,
    );
    expect(() =>
      scaledDotProductAttention(q, q, q, {
        mask: tensor([
          [0.5, 1],
          [1, 1],
        ]),
      }),
    ).toThrow(/mask must contain only 0 and 1/);
    const k3 = tensor(new Float32Array(12), { shape: [1, 1, 3, 4] });
    expect(() => scaledDotProductAttention(q, q, k3)).toThrow(
      /scaledDotProductAttention: v must be \[1, 1, 2, dim\]/,
    );
    expect(() => scaledDotProductAttention(q, q, q, { dropout: 1 })).toThrow(ValueError);
  });
});
