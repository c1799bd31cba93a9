import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { gelu } from '../../src/activations/gelu.js';
import { masking } from '../../src/layers/masking.js';
import { multiHeadAttention } from '../../src/layers/multi-head-attention.js';
import { input } from '../../src/layers/symbolic.js';
import { transformerEncoderBlock } from '../../src/layers/transformer.js';
import { graph } from '../../src/models/graph.js';
import { predict } from '../../src/models/predict.js';
import { createRng, defaultRng, seed } from '../../src/random/rng.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';
import { expectClose } from '../helpers/expect-close.js';

const infer = { training: false, rng: createRng(0) };

describe('multiHeadAttention: a NaN score makes its row NaN, as PyTorch', () => {
  // One head of width 2 with identity projections and no biases, so
  // Q = query, K = key, V = value. Query step 0 holds a NaN: its scores are
  // NaN, and so are its weights and output; query step 1 is finite.
  // torch 1.13, float64: q = [[nan, 0], [1, 0]], k = v = [[1, 2], [0, 1]],
  //   w = torch.softmax(q @ k.T / math.sqrt(2), -1); out = w @ v
  //   w   = [[nan, nan], [0.6697615493266569, 0.33023845067334306]]
  //   out = [[nan, nan], [0.6697615493266569, 1.6697615493266569]]
  // (The old JS kernel skipped NaN in its row maximum, took the row for one
  // that sees no key and returned zero weights and a zero output; the
  // WebAssembly kernel, whose max propagates NaN, returned NaN.)
  const eye = [
    [1, 0],
    [0, 1],
  ];
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: output and returned weights`, () => {
      const mha = multiHeadAttention(2, 1, {
        useBias: false,
        returnAttentionScores: true,
        dtype,
        weights: { queryKernel: eye, keyKernel: eye, valueKernel: eye, outputKernel: eye },
      });
      const q = tensor(
        [
          [
            [NaN, 0],
            [1, 0],
          ],
        ],
        { dtype },
      );
      const kv = tensor(
        [
          [
            [1, 2],
            [0, 1],
          ],
        ],
        { dtype },
      );
      const [y, w] = mha.forwardWithScores([q, kv, kv], infer);
      const atol = dtype === 'float64' ? 1e-14 : 1e-6;
      expectClose(w, [NaN, NaN, 0.6697615493266569, 0.33023845067334306], { atol });
      expectClose(y, [NaN, NaN, 0.6697615493266569, 1.6697615493266569], { atol });
      expectClose(mha.attentionScores([q, kv, kv]), w);
    });
  }
});

describe('multiHeadAttention: masks on both key and value are ANDed, as Keras', () => {
  // Keras's MultiHeadAttention._compute_attention_mask merges the value's
  // and the key's masks with a logical AND. Key mask [1, 1, 1, 0], value
  // mask [1, 0, 1, 1]: only key steps 0 and 2 are visible. (The old layer
  // read the key's mask alone and let step 1 through.)
  // torch 1.13, float64, one head of width 2, no biases:
  //   Q, K, V = xq @ Wq, xk @ Wk, xv @ Wv; s = Q @ K.T / math.sqrt(2)
  //   w = torch.softmax(s.masked_fill(~(km & vm), -inf), -1); out = (w @ V) @ Wo
  const weights = {
    queryKernel: [
      [0.5, -0.3],
      [0.2, 0.8],
    ],
    keyKernel: [
      [-0.4, 0.6],
      [0.7, 0.1],
    ],
    valueKernel: [
      [0.3, 0.9],
      [-0.6, 0.2],
    ],
    outputKernel: [
      [1.0, -0.5],
      [0.25, 0.75],
    ],
  };
  const xq = [
    [
      [0.1, -0.2],
      [0.4, 0.3],
    ],
  ];
  // Masked steps hold zeros (what `masking()` looks for); their values do
  // not enter the result.
  const xk = [
    [
      [0.5, 0.6],
      [-0.7, 0.8],
      [0.9, -1.0],
      [0, 0],
    ],
  ];
  const xv = [
    [
      [1.1, 0.2],
      [0, 0],
      [0.5, 0.6],
      [0.7, -0.8],
    ],
  ];
  const wantW = [
    0.5049495857828933, 0, 0.4950504142171067, 0, 0.5568868473493558, 0, 0.4431131526506442, 0,
  ];
  const wantY = [0.20264802839384793, 0.6006681940806907, 0.23043446333190537, 0.607679724392163];

  it('forward (autograd driver) and attentionScores', () => {
    const mha = multiHeadAttention(2, 1, {
      useBias: false,
      returnAttentionScores: true,
      dtype: 'float64',
      weights,
    });
    const q = tensor(xq, { dtype: 'float64' });
    const k = withMask(tensor(xk, { dtype: 'float64' }), [[1, 1, 1, 0]]);
    const v = withMask(tensor(xv, { dtype: 'float64' }), [[1, 0, 1, 1]]);
    const [y, w] = mha.forwardWithScores([q, k, v], infer);
    expectClose(w, wantW, { atol: 1e-14 });
    expectClose(y, wantY, { atol: 1e-14 });
    expectClose(mha.attentionScores([q, k, v]), wantW, { atol: 1e-14 });
  });

  it('predict on a graph whose key and value pass through masking layers', () => {
    const mha = multiHeadAttention(2, 1, { useBias: false, dtype: 'float64', weights });
    const iq = input([2, 2], { dtype: 'float64' });
    const ik = input([4, 2], { dtype: 'float64' });
    const iv = input([4, 2], { dtype: 'float64' });
    const out = mha.apply([iq, masking().apply(ik), masking().apply(iv)]);
    const model = graph({ inputs: [iq, ik, iv], outputs: out });
    const y = predict(model, [
      tensor(xq, { dtype: 'float64' }),
      tensor(xk, { dtype: 'float64' }),
      tensor(xv, { dtype: 'float64' }),
    ]);
    expectClose(y, wantY, { atol: 1e-14 });
  });
});

describe('multiHeadAttention: attentionScores checks its inputs as forward does', () => {
  it('different batch sizes are a ShapeError, not a read past the key', () => {
    const mha = multiHeadAttention(4, 2, { rng: createRng(1), name: 'att' });
    const q = zeros([2, 2, 4]);
    const k = zeros([1, 2, 4]);
    // The old method returned a [2, 2, 2, 2] tensor computed from reads past k's data.
    expect(() => mha.attentionScores([q, k, k])).toThrow(ShapeError);
    expect(() => mha.attentionScores([q, k, k])).toThrow(
      /multiHeadAttention "att": inputs have different batch sizes: \[2,2,4\], \[1,2,4\], \[1,2,4\]/,
    );
    const s = tensor(1);
    expect(() => mha.attentionScores([s, s, s])).toThrow(/input must be batch first/);
  });
});

describe('transformerEncoderBlock: bad options are named by the block', () => {
  const x = input([3, 4]);
  it('dtype, rng and activation', () => {
    // The old block passed these on unchecked, so the error named an inner
    // layer ("multiHeadAttention: dtype ...", "dense: activation ...").
    expect(() =>
      transformerEncoderBlock(x, { numHeads: 2, ffDim: 4, dtype: 'int32' as 'float32' }),
    ).toThrow(/^transformerEncoderBlock: dtype must be "float32" or "float64", got "int32"/);
    expect(() =>
      transformerEncoderBlock(x, { numHeads: 2, ffDim: 4, rng: 5 as unknown as never }),
    ).toThrow(/^transformerEncoderBlock: rng must be an Rng, got 5/);
    expect(() =>
      transformerEncoderBlock(x, { numHeads: 2, ffDim: 4, activation: 'relu' as never }),
    ).toThrow(ValueError);
    expect(() =>
      transformerEncoderBlock(x, { numHeads: 2, ffDim: 4, activation: 'relu' as never }),
    ).toThrow(/^transformerEncoderBlock: activation must be an activation function/);
  });
  it('a refused pre-norm block draws nothing from the default stream', () => {
    // Pre-norm builds (and the old code drew) the attention's weights before
    // the feed-forward layers checked the activation.
    seed(5);
    expect(() =>
      transformerEncoderBlock(x, {
        numHeads: 2,
        ffDim: 4,
        normFirst: true,
        activation: 'gelu' as never,
      }),
    ).toThrow(ValueError);
    const after = defaultRng().uniform();
    seed(5);
    expect(after).toBe(defaultRng().uniform());
    // A good activation still builds.
    expect(transformerEncoderBlock(x, { numHeads: 2, ffDim: 4, activation: gelu }).shape).toEqual([
      3, 4,
    ]);
  });
});
