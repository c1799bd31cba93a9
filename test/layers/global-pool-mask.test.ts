// Masked global pooling over time (globalAvgPool1d, globalMaxPool1d): only
// real steps count, on every path (predict, model.forward under autograd,
// fit, relevance). Known values are worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/backward.js';
import { gradcheck } from '../../src/autograd/functional.js';
import { lrp } from '../../src/explain/lrp.js';
import { proportionalRule, winnerTakeAllRule, zeroRule } from '../../src/explain/rules.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { globalAvgPool1d, globalMaxPool1d } from '../../src/layers/global-pool.js';
import type { BuiltinLayer, Layer, RelevanceRule } from '../../src/layers/layer.js';
import { masking } from '../../src/layers/masking.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import type { Sequential } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { mul } from '../../src/ops/mul.js';
import { sum } from '../../src/ops/sum.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { maskOf, withMask } from '../../src/tensor/mask.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { checkParity } from '../engine/_parity.js';

const infer = { training: false, rng: createRng(0) };
const train = { training: true, rng: createRng(0) };

// Embedding table, id 0 = padding with a row far from the others, as a trained row would be.
const TABLE = [
  [10, -10],
  [1, 4],
  [2, -3],
  [3, 0],
  [3, 8],
];
// Row 0: ids 1, 3 → (1, 4), (3, 0); row 1: ids 2, 4, 1 → (2, -3), (3, 8), (1, 4); row 2: all padding.
const IDS = [
  [1, 3, 0, 0],
  [2, 4, 1, 0],
  [0, 0, 0, 0],
];
// avg: row 0 (1+3)/2, (4+0)/2 = 2, 2; row 1 (2+3+1)/3, (-3+8+4)/3 = 2, 3; row 2 (no real step) 0, 0
const AVG = [
  [2, 2],
  [2, 3],
  [0, 0],
];
// max: row 0 3, 4; row 1 3, 8; row 2 0, 0 (padding's 10 never wins)
const MAX = [
  [3, 4],
  [3, 8],
  [0, 0],
];

function embedThen(pool: Layer): Sequential {
  return sequential([embedding(5, 2, { embeddings: TABLE, maskZero: true }), pool]);
}

const ids = (): Tensor => tensor(IDS, { dtype: 'int32' });

// Masking layer input: steps of all zeros are padding (and come out as zeros).
// Row 0: real steps (1, -2), (3, -4); row 1: real steps (-1, -1), (-3, -5), at the front and middle.
const SEQ = [
  [
    [1, -2],
    [0, 0],
    [3, -4],
    [0, 0],
  ],
  [
    [-1, -1],
    [-3, -5],
    [0, 0],
    [0, 0],
  ],
];
// avg: row 0 (1+3)/2, (-2-4)/2 = 2, -3; row 1 (-1-3)/2, (-1-5)/2 = -2, -3
// max: row 0 3, -2; row 1 -1, -1 (the zeros of the padded steps must not win)
const SEQ_AVG = [
  [2, -3],
  [-2, -3],
];
const SEQ_MAX = [
  [3, -2],
  [-1, -1],
];

describe('masked global pooling over time', () => {
  it('predict: a mask from embedding maskZero; an all-padding row gives 0', () => {
    expect(predict(embedThen(globalAvgPool1d()), ids()).toArray()).toEqual(AVG);
    expect(predict(embedThen(globalMaxPool1d()), ids()).toArray()).toEqual(MAX);
  });

  it('predict: a mask from a masking layer', () => {
    expect(predict(sequential([masking(), globalAvgPool1d()]), tensor(SEQ)).toArray()).toEqual(
      SEQ_AVG,
    );
    expect(predict(sequential([masking(), globalMaxPool1d()]), tensor(SEQ)).toArray()).toEqual(
      SEQ_MAX,
    );
  });

  it('model.forward under autograd: the same values, and the mask ends here', () => {
    for (const [pool, want] of [
      [globalAvgPool1d(), AVG],
      [globalMaxPool1d(), MAX],
    ] as const) {
      const model = embedThen(pool);
      const y = model.forward(ids(), train);
      expect(y.toArray()).toEqual(want);
      expect(y.requiresGrad).toBe(true);
      expect(maskOf(y)).toBeNull();
    }
    for (const [pool, want] of [
      [globalAvgPool1d(), SEQ_AVG],
      [globalMaxPool1d(), SEQ_MAX],
    ] as const) {
      const y = sequential([masking(), pool]).forward(tensor(SEQ), infer);
      expect(y.toArray()).toEqual(want);
      expect(maskOf(y)).toBeNull();
    }
  });

  it('gradients: real steps only; padded steps and all-padding rows get exactly 0', () => {
    // x [3 rows, 3 steps, 2 channels], masks: row 0 steps 0, 2; row 1 step 1; row 2 none.
    const x = tensor(
      [
        [
          [1, 6],
          [9, 9],
          [5, 2],
        ],
        [
          [9, 9],
          [-4, -7],
          [9, 9],
        ],
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
      { requiresGrad: true },
    );
    const mask = [
      [1, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
    ];
    // Output weights 1, 2 | 3, 4 | 5, 6 (objective Σ w ⊙ y).
    const w = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const gradOf = (pool: Layer): number[] => {
      x.grad = null;
      const y = pool.forward(withMask(x, mask), train);
      backward(sum(mul(y, w)));
      return Array.from(x.grad!.data);
    };
    // avg: row 0 has 2 real steps → w/2 = 0.5, 1 on steps 0 and 2; row 1 one real step → 3, 4.
    expect(gradOf(globalAvgPool1d())).toEqual([
      0.5, 1, 0, 0, 0.5, 1, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    // max: row 0 channel 0 max 5 at step 2, channel 1 max 6 at step 0 (the 9s are padding).
    expect(gradOf(globalMaxPool1d())).toEqual([
      0, 2, 0, 0, 1, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it.each([
    ['globalAvgPool1d', globalAvgPool1d()],
    ['globalMaxPool1d', globalMaxPool1d()],
  ] as [string, Layer][])('%s: float64 gradcheck with a mask', (_n, layer) => {
    const shape = [3, 5, 3];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tensor(
      Array.from({ length: n }, (_, i) => 1.5 * Math.sin(0.9 * i + 0.3) + 0.01 * i),
      { shape, dtype: 'float64' },
    );
    const mask = [
      [1, 0, 1, 1, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0],
    ];
    const r = gradcheck((t) => layer.forward(withMask(t, mask), train), [x]);
    expect(r.passed).toBe(true);
    // The check is not vacuous: the masked output differs from the unmasked one.
    const masked = layer.forward(withMask(tensor(Array.from(x.data), { shape }), mask), infer);
    const plain = layer.forward(tensor(Array.from(x.data), { shape }), infer);
    expect(Array.from(masked.data)).not.toEqual(Array.from(plain.data));
  });

  it('fit: padding (post or pre) does not change the losses or the trained weights', async () => {
    // 8 sequences of lengths 1..4 over ids 1..5.
    const seqs = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 1 + (i % 4) }, (_, t) => 1 + ((i * 3 + t * 2) % 5)),
    );
    const labels = tensor(
      seqs.map((s) => s[0]! % 2),
      { dtype: 'int32' },
    );
    const pad = (len: number, pre: boolean): Tensor =>
      tensor(
        seqs.map((s) => {
          const z = new Array<number>(len - s.length).fill(0);
          return pre ? [...z, ...s] : [...s, ...z];
        }),
        { dtype: 'int32' },
      );
    for (const pool of [globalAvgPool1d, globalMaxPool1d]) {
      const run = async (x: Tensor): Promise<{ loss: number[]; weights: number[][] }> => {
        const rng = createRng(3);
        const model = sequential([
          embedding(6, 3, { maskZero: true, rng }),
          pool(),
          dense(3, 2, { rng }),
        ]);
        const h = await fit(model, x, labels, {
          loss: crossEntropy,
          optimizer: adam({ learningRate: 0.05 }),
          epochs: 3,
          batchSize: 4,
          shuffle: false,
          rng,
        });
        return {
          loss: h.loss,
          weights: namedParameters(model).map((q) => Array.from(q.tensor.data)),
        };
      };
      const short = await run(pad(4, false));
      const long = await run(pad(7, false));
      const front = await run(pad(6, true));
      expect(long.loss).toEqual(short.loss);
      expect(front.loss).toEqual(short.loss);
      expect(long.weights).toEqual(short.weights);
      expect(front.weights).toEqual(short.weights);
      // Something trained.
      expect(short.loss[2]!).toBeLessThan(short.loss[0]!);
    }
  });

  it('fit: a masking layer; padded sequences train as the unpadded ones', async () => {
    // 6 sequences of 2 steps with negative features (so a padded 0 would win a max).
    const base = Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 2 }, (_, t) => [-1 - ((i + t) % 3), -0.5 - ((i * t) % 2)]),
    );
    const y = tensor(base.map((s, i) => [s[0]![0]! - s[1]![1]! + i * 0.1]));
    const padded = tensor(base.map((s) => [[0, 0], ...s, [0, 0]]));
    for (const pool of [globalAvgPool1d, globalMaxPool1d]) {
      const run = async (x: Tensor): Promise<number[]> => {
        const rng = createRng(5);
        const model = sequential([masking(), pool(), dense(2, 1, { rng })]);
        const h = await fit(model, x, y, {
          loss: mse,
          optimizer: adam({ learningRate: 0.05 }),
          epochs: 2,
          batchSize: 3,
          shuffle: false,
          rng,
        });
        return h.loss;
      };
      expect(await run(padded)).toEqual(await run(tensor(base)));
    }
  });

  it('fit and autograd agree bit for bit with masked pooling', async () => {
    const x = tensor([
      [1, 2, 0, 0],
      [3, 0, 0, 0],
      [4, 1, 2, 5],
      [0, 0, 0, 0],
      [2, 2, 0, 0],
      [5, 3, 1, 0],
    ]);
    const y = tensor([[0.5], [-1], [2], [0], [1], [0.3]]);
    for (const pool of [globalAvgPool1d, globalMaxPool1d]) {
      await checkParity({
        name: `embedding maskZero + ${pool.name}`,
        build: () => {
          const rng = createRng(9);
          return sequential([
            embedding(6, 3, { maskZero: true, rng }),
            pool(),
            dense(3, 1, { rng }),
          ]);
        },
        x,
        y,
        loss: mse,
        batchSize: 3,
      });
    }
  });
});

/** Forward, then the relevance hook, on compiled buffers with a mask. */
function relevance(
  layer: BuiltinLayer,
  steps: number,
  x: number[],
  mask: number[],
  rOut: number[],
  rule: RelevanceRule,
): number[] | null {
  const c = layer.compile([[steps, 1]], 'float64');
  const io = {
    rows: 1,
    inputs: [Float64Array.from(x)],
    outputs: [new Float64Array(1)],
    saved: new Float64Array(c.savedPerRow ?? 0),
    scratch: new Float64Array(c.scratchPerRow ?? 0),
    training: false,
    rng: createRng(0),
    masks: [Uint8Array.from(mask)],
  };
  c.forward(io);
  const rIn = new Float64Array(x.length).fill(99);
  const ok = c.relevance!(
    { ...io, relevanceOutputs: [Float64Array.from(rOut)], relevanceInputs: [rIn] },
    rule,
  );
  return ok ? Array.from(rIn) : null;
}

describe('masked global pooling relevance', () => {
  // steps 3, 7, 9, 7 with step 2 (the 9) padding; output relevance 17
  const x = [3, 7, 9, 7];
  const m = [1, 1, 0, 1];

  it('winner-take-all goes to the first maximum among real steps', () => {
    expect(relevance(globalMaxPool1d(), 4, x, m, [17], winnerTakeAllRule())).toEqual([0, 17, 0, 0]);
  });

  it('proportional / LRP-ε split over real steps only (3 + 7 + 7 = 17), conserved', () => {
    const eps0: RelevanceRule = { name: 'epsilon', config: { epsilon: 0 } };
    expect(relevance(globalAvgPool1d(), 4, x, m, [17], eps0)).toEqual([3, 7, 0, 7]);
    expect(relevance(globalMaxPool1d(), 4, x, m, [17], proportionalRule())).toEqual([3, 7, 0, 7]);
  });

  it('an all-padding row passes no relevance on', () => {
    const none = [0, 0, 0, 0];
    expect(relevance(globalMaxPool1d(), 4, x, none, [5], winnerTakeAllRule())).toEqual([
      0, 0, 0, 0,
    ]);
    expect(relevance(globalAvgPool1d(), 4, x, none, [5], zeroRule())).toEqual([0, 0, 0, 0]);
  });

  it('lrp through embedding maskZero: padded steps hold nothing and the total is conserved', () => {
    for (const [pool, poolRule] of [
      [globalAvgPool1d({ name: 'pool' }), zeroRule()],
      [globalMaxPool1d({ name: 'pool' }), winnerTakeAllRule()],
      [globalMaxPool1d({ name: 'pool' }), proportionalRule()],
    ] as const) {
      const model = sequential([
        embedding(5, 2, { embeddings: TABLE, maskZero: true, dtype: 'float64' }),
        pool,
        dense(2, 1, { kernel: [[1], [0.5]], useBias: false, dtype: 'float64' }),
      ]);
      const x = tensor(IDS.slice(0, 2), { dtype: 'int32' });
      const out = predict(model, x).toArray() as number[][];
      const r = lrp(model, x, {
        rules: zeroRule(),
        layerRules: { pool: poolRule },
      }).relevance.toArray() as number[][];
      // Padded positions: row 0 steps 2, 3; row 1 step 3.
      expect([r[0]![2], r[0]![3], r[1]![3]]).toEqual([0, 0, 0]);
      r.forEach((row, i) => {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(out[i]![0]!, 10);
      });
    }
  });
});
