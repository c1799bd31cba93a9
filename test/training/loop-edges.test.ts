import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { kFold } from '../../src/data/kfold.js';
import { dense } from '../../src/layers/dense.js';
import { embedding } from '../../src/layers/embedding.js';
import { lstm } from '../../src/layers/lstm.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import type { Loss } from '../../src/losses/loss.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { mean } from '../../src/ops/mean.js';
import { mul } from '../../src/ops/mul.js';
import { sub } from '../../src/ops/sub.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { clipGradients } from '../../src/training/clip.js';
import { crossValidate } from '../../src/training/cross-validate.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';

const X3 = [
  [0.5, -1.0, 2.0],
  [1.5, 0.3, -0.7],
  [-0.2, 0.8, 0.1],
  [0.9, -0.4, 1.1],
  [-1.3, 0.6, 0.2],
];

describe('fit against PyTorch (float64)', () => {
  it('weighs samples by sampleWeight × classWeight over the batch size, the last batch partial', async () => {
    // torch 1.13, float64: W = [[.1,-.2,.3],[0,.4,-.1],[-.3,.2,.2]], b = [.05,-.05,0];
    // per batch of X3[s:s+2] (s = 0, 2, 4), y = [0,2,1,2,0], w = sw · cw[y] with
    // sw = [1,2,.5,1.5,0], cw = [2,1,.5]: L = (cross_entropy(xb@W+b, yb, 'none') · wb).sum() / len(yb);
    // SGD(lr=0.1) for 2 epochs; epoch loss = Σ L·len(yb) / 5.
    const model = sequential([
      dense(3, 3, {
        dtype: 'float64',
        kernel: [
          [0.1, -0.2, 0.3],
          [0.0, 0.4, -0.1],
          [-0.3, 0.2, 0.2],
        ],
        bias: [0.05, -0.05, 0],
      }),
    ]);
    const h = await fit(model, X3, [0, 2, 1, 2, 0], {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 2,
      batchSize: 2,
      shuffle: false,
      sampleWeight: [1, 2, 0.5, 1.5, 0],
      classWeight: [2, 1, 0.5],
    });
    expectClose(h.loss, [1.0966373564403813, 0.8711177853269951], { atol: 0, rtol: 1e-12 });
    expectClose(
      model.layers[0]!.params['kernel']!,
      [
        0.09257155847498541, -0.2730541372589264, 0.38048257878394093, -0.16457346976310844,
        0.47202552598162206, -0.007452056218513596, -0.0011934469428504341, 0.10241574271766272,
        -0.001222295774812216,
      ],
      { atol: 1e-15, rtol: 1e-12 },
    );
  });

  it('clips by global norm, then by value, as clip_grad_norm_ and clip_grad_value_', async () => {
    // torch 1.13, float64: W = [[.1,-.2],[0,.4],[-.3,.2]], b = [.05,-.05], Y below;
    // per batch of 2 rows (shuffle off): mse_loss, backward,
    // clip_grad_norm_([W,b], 0.5), clip_grad_value_([W,b], 0.05), SGD(lr=0.1) step; 2 epochs.
    const model = sequential([
      dense(3, 2, {
        dtype: 'float64',
        kernel: [
          [0.1, -0.2],
          [0.0, 0.4],
          [-0.3, 0.2],
        ],
        bias: [0.05, -0.05],
      }),
    ]);
    const Y = [
      [1.0, -2.0],
      [0.5, 3.0],
      [-1.0, 0.0],
      [2.0, 1.0],
      [0.0, -1.5],
    ];
    await fit(model, X3, Y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 2,
      batchSize: 2,
      shuffle: false,
      clipNorm: 0.5,
      clipValue: 0.05,
    });
    const p = model.layers[0]!.params;
    expectClose(
      [...p['kernel']!.data, ...p['bias']!.data],
      [
        0.11431547261645314, -0.16999999999999998, -0.017467737505816924, 0.39,
        -0.27915591250193894, 0.19, 0.07422043749030514, -0.04000000000000001,
      ],
      { atol: 1e-15, rtol: 1e-12 },
    );
  });
});

describe('clipGradients edge cases', () => {
  it('turns every gradient NaN when the norm is NaN, as clip_grad_norm_', () => {
    // torch 1.13: p.grad = tensor([3., nan]); clip_grad_norm_([p], 1.0) -> nan, p.grad -> [nan, nan]
    const g = [tensor([3, NaN]), tensor([1, 2])];
    const norm = clipGradients(g, { clipNorm: 1 });
    expect(norm).toBeNaN();
    expect(Array.from(g[0]!.data)).toEqual([NaN, NaN]);
    expect(Array.from(g[1]!.data)).toEqual([NaN, NaN]);
  });

  it('refuses int32 tensors, whose scaled values would truncate', () => {
    const g = tensor([3, 4], { dtype: 'int32' });
    expect(() => clipGradients([g], { clipNorm: 1 })).toThrow(
      /clipGradients: grads\[0\] must be a float Tensor, got a int32 Tensor/,
    );
    expect(Array.from(g.data)).toEqual([3, 4]);
  });
});

describe('fit: validation data and aborts', () => {
  it('refuses empty validationData before training, naming it', async () => {
    const model = sequential([dense(2, 1, { rng: createRng(1) })]);
    const before = Array.from(model.layers[0]!.params['kernel']!.data);
    let batches = 0;
    await expect(
      fit(model, [[1, 2]], [[1]], {
        loss: mse,
        optimizer: sgd(),
        validationData: [tensor([], { shape: [0, 2] }), tensor([], { shape: [0, 1] })],
        callbacks: [
          {
            onBatchEnd: () => {
              batches++;
            },
          },
        ],
      }),
    ).rejects.toThrow(/^fit: validationData is empty \(0 rows\)$/);
    expect(batches).toBe(0);
    expect(Array.from(model.layers[0]!.params['kernel']!.data)).toEqual(before);
  });

  it('starts no epoch after an abort seen between epochs', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const h = await fit(sequential([dense(2, 1, { rng: createRng(1) })]), [[1, 2]], [[1]], {
      loss: mse,
      optimizer: sgd(),
      epochs: 3,
      signal: controller.signal,
      callbacks: [
        {
          onTrainBegin: () => void calls.push('trainBegin'),
          onEpochBegin: (c) => void calls.push(`epochBegin ${c.epoch}`),
          onEpochEnd: (c) => {
            calls.push(`epochEnd ${c.epoch}`);
            controller.abort();
          },
          onTrainEnd: (c) => void calls.push(`trainEnd ${c.epoch}`),
        },
      ],
    });
    expect(calls).toEqual(['trainBegin', 'epochBegin 0', 'epochEnd 0', 'trainEnd 0']);
    expect(h.stopped).toBe('aborted');
    expect(h.epoch).toEqual([0]);
  });
});

describe('crossValidate', () => {
  it('gives a float64 model its plain-array data unrounded', async () => {
    // torch 1.13, float64: Linear(1,1) with weight 0.3, bias 0.1; SGD(lr=0.5), 3 full-batch
    // steps of mse_loss on the train rows, then mse_loss on the test rows; X = [.1,.2,.3,.4],
    // Y = [.1,.3,.5,.7]; folds (test [0,1], train [2,3]) and (test [2,3], train [0,1]).
    const cv = await crossValidate(
      () => ({
        model: sequential([dense(1, 1, { dtype: 'float64', kernel: [[0.3]], bias: [0.1] })]),
        optimizer: sgd({ learningRate: 0.5 }),
      }),
      [[0.1], [0.2], [0.3], [0.4]],
      [[0.1], [0.3], [0.5], [0.7]],
      {
        folds: kFold(4, 2, { shuffle: false }),
        loss: mse,
        epochs: 3,
        batchSize: 4,
        shuffle: false,
      },
    );
    // rounded to float32 first, the scores were off by about 1e-8 relative
    expectClose(cv.scores['loss']!, [0.1053838117017212, 0.11945754998272703], {
      atol: 0,
      rtol: 1e-13,
    });
  });

  it('refuses a fold that tests on samples it trains on', async () => {
    const folds = [
      { train: Int32Array.from([0, 1, 2]), test: Int32Array.from([2, 3]) },
      { train: Int32Array.from([2, 3]), test: Int32Array.from([0, 1]) },
    ];
    let built = 0;
    await expect(
      crossValidate(
        () => {
          built++;
          return { model: sequential([dense(1, 1)]), optimizer: sgd() };
        },
        [[0], [1], [2], [3]],
        [[0], [1], [2], [3]],
        { folds, loss: mse },
      ),
    ).rejects.toThrow(/crossValidate: folds\[0\] has sample 2 in both its train and test sets/);
    expect(built).toBe(0);
  });
});

describe('a custom loss (no kernel) where weights are needed', () => {
  const myLoss = Object.assign((p: Tensor, t: Tensor) => mean(mul(sub(p, t), sub(p, t))), {
    lossName: 'myLoss',
  }) as Loss;

  it('evaluate with sampleWeight names the loss, not fit', () => {
    const model = sequential([dense(2, 1, { rng: createRng(1) })]);
    const run = () => evaluate(model, [[1, 2]], [[1]], { loss: myLoss, sampleWeight: [2] });
    expect(run).toThrow(ValueError);
    expect(run).toThrow(/^myLoss: sample weights, class weights and step masks need a loss/);
  });

  it('fit on a masked output says the step mask needs a kernel', async () => {
    const rng = createRng(2);
    const model = sequential([
      embedding(6, 3, { maskZero: true, rng }),
      lstm(3, 2, { returnSequences: true, rng }),
    ]);
    const x = tensor(
      [
        [1, 2, 0],
        [3, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const y = tensor([
      [
        [0, 1],
        [1, 0],
        [0, 0],
      ],
      [
        [1, 1],
        [0, 0],
        [0, 0],
      ],
    ]);
    await expect(fit(model, x, y, { loss: myLoss, optimizer: sgd() })).rejects.toThrow(
      /^fit: at epoch 1, batch 1 \(counting from 1\): myLoss: .*step masks need a loss with a kernel/,
    );
  });
});

describe('a custom loss that returns more than one number', () => {
  it('is named once, by fit and by evaluate alike', async () => {
    const m = sequential([dense(1, 1, { rng: createRng(2) })]);
    const perRow = ((p: Tensor) => p) as unknown as Loss;
    await expect(
      fit(m, [[1], [2]], [[1], [2]], { loss: perRow, optimizer: sgd(), epochs: 1 }),
    ).rejects.toThrow(
      'fit: at epoch 1, batch 1 (counting from 1): the loss must return a one-element tensor, got shape [2,1]',
    );
    expect(() => evaluate(m, [[1], [2]], [[1], [2]], { loss: perRow })).toThrow(
      /^the loss must return a one-element tensor, got shape \[2,1\]$/,
    );
  });
});
