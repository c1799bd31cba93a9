import { describe, expect, it } from 'vitest';
import { relu } from '../../src/activations/relu.js';
import { tanh } from '../../src/activations/tanh.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { flatten } from '../../src/layers/flatten.js';
import { globalAvgPool1d } from '../../src/layers/global-pool.js';
import { reshapeLayer } from '../../src/layers/reshape.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { randomNormal, tensor } from '../../src/tensor/create.js';
import {
  gradientTimesInput,
  integratedGradients,
  saliency,
  smoothGrad,
} from '../../src/explain/gradients.js';
import { occlusion } from '../../src/explain/occlusion.js';
import { expectClose } from '../helpers/expect-close.js';

function tanhNet(seed: number) {
  const rng = createRng(seed);
  return sequential([
    dense(4, 8, { activation: tanh, dtype: 'float64', rng }),
    dense(8, 3, { activation: tanh, dtype: 'float64', rng }),
  ]);
}

describe('gradient attributions', () => {
  it('saliency of y = tanh(x·w) is (1 − y²)·w, by hand', () => {
    // x·w = 0.5·1 + 0.25·2 = 1, y = tanh(1), dy/dx = (1 − tanh²(1))·(1, 2)
    const model = sequential([
      dense(2, 1, { activation: tanh, kernel: [[1], [2]], useBias: false, dtype: 'float64' }),
    ]);
    const x = tensor([[0.5, 0.25]], { dtype: 'float64' });
    const d = 1 - Math.tanh(1) ** 2;
    expectClose(saliency(model, x), [[d, 2 * d]], { atol: 1e-12 });
    expectClose(gradientTimesInput(model, x), [[0.5 * d, 0.5 * d]], { atol: 1e-12 });
  });

  it('explains each row for its own target, and a weighting of the outputs', () => {
    // y = (2·x0, −x1): the gradient of class 0 is (2, 0), of class 1 (0, −1).
    const model = sequential([
      dense(2, 2, {
        kernel: [
          [2, 0],
          [0, -1],
        ],
        useBias: false,
        dtype: 'float64',
      }),
    ]);
    const x = tensor(
      [
        [1, 1],
        [1, 1],
      ],
      { dtype: 'float64' },
    );
    expect(saliency(model, x, { target: [0, 1] }).toArray()).toEqual([
      [2, 0],
      [0, -1],
    ]);
    expect(saliency(model, x, { outputWeights: [1, 3] }).toArray()).toEqual([
      [2, -3],
      [2, -3],
    ]);
  });

  it('integrated gradients: attributions sum to f(x) − f(baseline) within the gap, which shrinks with steps', () => {
    const model = tanhNet(1);
    const x = randomNormal([3, 4], { rng: createRng(2), dtype: 'float64' });
    const baseline = [0.1, -0.2, 0, 0.3];
    const gaps = [2, 8, 32, 128].map((steps) => {
      const ig = integratedGradients(model, x, { steps, baseline, target: 1 });
      const rows = ig.attributions.toArray() as number[][];
      rows.forEach((row, r) => {
        const sum = row.reduce((a, b) => a + b, 0);
        const want = ig.scores[r]! - ig.baselineScores[r]!;
        expect(Math.abs(sum - want)).toBeCloseTo(ig.gap[r]!, 12);
      });
      return Math.max(...ig.gap);
    });
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThan(gaps[i - 1]!);
    // The midpoint rule's error falls as 1/steps²: 128 steps leave little.
    expect(gaps[3]!).toBeLessThan(1e-4);
  });

  it('integrated gradients of a linear model are exact at any number of steps: (x − x′)·w', () => {
    const model = sequential([dense(2, 1, { kernel: [[2], [-3]], bias: [1], dtype: 'float64' })]);
    const ig = integratedGradients(model, tensor([[5, 7]], { dtype: 'float64' }), {
      steps: 1,
      baseline: [1, 1],
    });
    expectClose(ig.attributions, [[8, -18]], { atol: 1e-12 });
    expectClose(ig.gap, [0], { atol: 1e-12 });
  });

  it('SmoothGrad averages gradients of noisy copies, reproducibly from its rng', () => {
    const model = tanhNet(4);
    const x = randomNormal([2, 4], { rng: createRng(5), dtype: 'float64' });
    const a = smoothGrad(model, x, { samples: 10, noise: 0.2, rng: createRng(7) });
    const b = smoothGrad(model, x, { samples: 10, noise: 0.2, rng: createRng(7) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.toArray()).not.toEqual(saliency(model, x).toArray());
    // No noise: every copy is x itself, so the result is the saliency map.
    expectClose(smoothGrad(model, x, { samples: 3, noise: 0 }), saliency(model, x), {
      atol: 1e-12,
    });
  });
});

describe('occlusion', () => {
  it('finds exactly the one region a model depends on', () => {
    // 6×6 one-channel images; the output reads only pixels (2..3, 2..3) with weights 1, 2, 3, 4.
    const kernel = Array.from({ length: 36 }, () => [0]);
    kernel[2 * 6 + 2]![0] = 1;
    kernel[2 * 6 + 3]![0] = 2;
    kernel[3 * 6 + 2]![0] = 3;
    kernel[3 * 6 + 3]![0] = 4;
    const model = sequential([flatten(), dense(36, 1, { kernel, useBias: false })]);
    const x = tensor(
      Array.from({ length: 2 * 36 }, (_, i) => 1 + (i % 5)),
      { shape: [2, 6, 6, 1] },
    );
    for (const [window, stride] of [
      [2, 2],
      [2, 1],
      [3, 1],
    ] as const) {
      const s = occlusion(model, x, { window, stride }).toArray() as number[][][][];
      for (let r = 0; r < 2; r++)
        for (let i = 0; i < 6; i++)
          for (let j = 0; j < 6; j++) {
            const v = s[r]![i]![j]![0]!;
            // A patch that covers no pixel the model reads changes nothing; one that does lowers it.
            const near =
              i >= 2 - window + 1 &&
              i <= 3 + window - 1 &&
              j >= 2 - window + 1 &&
              j <= 3 + window - 1;
            if (!near) expect(v, `row ${r} (${i},${j})`).toBe(0);
          }
      if (window === 2 && stride === 2) {
        // Side by side patches: only the patch at (2, 2) matters, and its drop is the score of its pixels.
        const xs = x.toArray() as number[][][][];
        for (let r = 0; r < 2; r++) {
          const drop =
            xs[r]![2]![2]![0]! +
            2 * xs[r]![2]![3]![0]! +
            3 * xs[r]![3]![2]![0]! +
            4 * xs[r]![3]![3]![0]!;
          for (let i = 0; i < 6; i++)
            for (let j = 0; j < 6; j++) {
              const inside = i >= 2 && i <= 3 && j >= 2 && j <= 3;
              expect(s[r]![i]![j]![0]).toBeCloseTo(inside ? drop : 0, 4);
            }
        }
      }
    }
  });

  it('covers trailing axes whole and fills with the given value', () => {
    // y = x0 + x1 + ... over a [2, 2] sample; a window of [1] covers one row of two.
    const model = sequential([
      flatten(),
      dense(4, 1, { kernel: [[1], [1], [1], [1]], useBias: false }),
    ]);
    const s = occlusion(
      model,
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      { window: [1], fill: 1 },
    );
    // Row 0 filled with 1: drop (1 + 2) − (1 + 1) = 1; row 1: (3 + 4) − 2 = 5.
    expectClose(
      s,
      [
        [
          [1, 1],
          [5, 5],
        ],
      ],
      { atol: 1e-6 },
    );
  });
});

describe('attribution bad input', () => {
  const model = sequential([dense(2, 2, { activation: relu })]);
  it.each([
    [
      () => integratedGradients(model, [[1, 2]], { baseline: [1, 2, 3] }),
      "integratedGradients: baseline must have the per-sample shape [2] or the input's shape [1,2], got [3]",
    ],
    [
      () => integratedGradients(model, [[1, 2]], { steps: 0 }),
      'integratedGradients: steps must be a positive integer',
    ],
    [
      () => smoothGrad(model, [[1, 2]], { samples: 0 }),
      'smoothGrad: samples must be a positive integer',
    ],
    [
      () => smoothGrad(model, [[1, 2]], { noise: -1 }),
      'smoothGrad: noise must be a finite number >= 0, got -1',
    ],
    [
      () => saliency(model, [[1, 2]], { target: 2 }),
      'saliency: target must be a class index in [0, 1] (each row has 2 outputs), got 2',
    ],
    [
      () => saliency(model, [[1, 2]], { output: 1 }),
      'saliency: output must be an output index in [0, 0]',
    ],
    [
      () => occlusion(model, [[1, 2]], { window: 3 }),
      "occlusion: window [3] is larger than the input's per-sample shape [2] (axis 0: 3 > 2)",
    ],
    [
      () => occlusion(model, [[1, 2]], { window: [1, 1] }),
      'occlusion: window must be a positive integer or an array of 1 to 1 of them',
    ],
    [
      () => occlusion(model, [[1, 2]], { window: 0 }),
      'occlusion: window[0] must be a positive integer, got 0',
    ],
    [() => occlusion(model, [[1, 2]], {} as never), 'occlusion: window must be a patch size'],
    [
      () => gradientTimesInput(model, [[1, 2]], { steps: 3 } as never),
      'gradientTimesInput: unknown option "steps"',
    ],
    [
      () => saliency(model, tensor([[1, 2]], { dtype: 'int32' })),
      'saliency: x must hold float values',
    ],
  ])('%#', (f, message) => {
    expect(f).toThrow(message);
  });
});

describe('gradient attributions refuse token ids, whatever their dtype', () => {
  // Nested arrays become float32: ids that reach an embedding layer have no
  // gradient (saliency, gradientTimesInput would be all zeros) and no path
  // between them (integratedGradients, smoothGrad would look up 0.03).
  const rng = createRng(1);
  const model = sequential([
    embedding(20, 4, { maskZero: true, rng, name: 'words' }),
    globalAvgPool1d(),
    dense(4, 2, { rng }),
  ]);
  const ids = [
    [3, 4, 5, 0],
    [1, 2, 0, 0],
  ];
  const explainers = [
    ['saliency', (x: unknown) => saliency(model, x as never)],
    ['gradientTimesInput', (x: unknown) => gradientTimesInput(model, x as never)],
    ['integratedGradients', (x: unknown) => integratedGradients(model, x as never)],
    ['smoothGrad', (x: unknown) => smoothGrad(model, x as never, { rng: createRng(0) })],
  ] as const;

  it.each(explainers)('%s: float ids and int32 ids get the same refusal', (name, f) => {
    const why = `${name}: x must hold float values (gradients of integer inputs such as token ids are undefined; explain token ids with lrp through an embedding layer, with occlusion (fill: the padding id), or with attentionRollout for attention models), got `;
    expect(() => f(tensor(ids, { dtype: 'int32' }))).toThrow(`${why}an int32 tensor`);
    expect(() => f(ids)).toThrow(
      `${why}float values that feed layer "words" (embedding), which looks up token ids`,
    );
    expect(() => f(tensor(ids, { dtype: 'float64' }))).toThrow(why);
  });

  it('also through a parameter-free layer before the embedding', () => {
    const m = sequential([
      reshapeLayer([4]),
      embedding(20, 4, { rng }),
      flatten(),
      dense(16, 2, { rng }),
    ]);
    expect(() => saliency(m, [[[3], [4], [5], [0]]])).toThrow(
      'saliency: x must hold float values (gradients of integer inputs such as token ids are undefined',
    );
  });

  it('still explains float inputs of a model without an embedding', () => {
    const m = sequential([dense(2, 1, { kernel: [[2], [-3]], bias: [1] })]);
    expect(saliency(m, [[5, 7]]).toArray()).toEqual([[2, -3]]);
  });
});
