import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { computeClassWeight } from '../../src/data/weights.js';
import { dense } from '../../src/layers/dense.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
} from '../../src/losses/binary-cross-entropy.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { huber } from '../../src/losses/huber.js';
import type { Loss } from '../../src/losses/loss.js';
import { mae } from '../../src/losses/mae.js';
import { mse } from '../../src/losses/mse.js';
import { input } from '../../src/layers/symbolic.js';
import { graph } from '../../src/models/graph.js';
import { namedParameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { crossValidate } from '../../src/training/cross-validate.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import type { Metric } from '../../src/training/metrics.js';
import type { Model } from '../../src/models/model.js';

const LN2 = Math.log(2);

/**
 * Weighted losses, Keras's semantics: loss = Σ_r w_r·ℓ_r / n, where ℓ_r is
 * sample r's loss (the mean over its elements) and n the number of samples.
 */
const cases: {
  name: string;
  loss: Loss;
  p: number[][];
  t: number[][] | number[];
  w: number[];
  want: number;
}[] = [
  // per-sample squared errors 1 and 4: (2·1 + 0.5·4) / 2
  { name: 'mse', loss: mse, p: [[1], [3]], t: [[0], [1]], w: [2, 0.5], want: 2 },
  // two columns: sample means (1 + 4)/2 = 2.5 and (1 + 1)/2 = 1: (1·2.5 + 3·1) / 2
  {
    name: 'mse, two columns',
    loss: mse,
    p: [
      [1, 2],
      [0, 0],
    ],
    t: [
      [0, 0],
      [1, 1],
    ],
    w: [1, 3],
    want: 2.75,
  },
  // |1| and |2|: (2·1 + 0.5·2) / 2
  { name: 'mae', loss: mae, p: [[1], [3]], t: [[0], [1]], w: [2, 0.5], want: 1.5 },
  // errors 0.5 (quadratic: 0.5·0.25) and 3 (linear: 3 − 0.5), δ = 1: (4·0.125 + 1·2.5) / 2
  { name: 'huber', loss: huber, p: [[0.5], [3]], t: [[0], [0]], w: [4, 1], want: 1.5 },
  // −ln 0.8 and −ln 0.6: (1·(−ln 0.8) + 2·(−ln 0.6)) / 2
  {
    name: 'binaryCrossEntropy',
    loss: binaryCrossEntropy,
    p: [[0.8], [0.4]],
    t: [[1], [0]],
    w: [1, 2],
    want: (-Math.log(0.8) - 2 * Math.log(0.6)) / 2,
  },
  // −ln σ(0) = ln 2 and −ln(1 − σ(ln 3)) = ln 4: (3·ln 2 + 1·ln 4) / 2
  {
    name: 'binaryCrossEntropyWithLogits',
    loss: binaryCrossEntropyWithLogits,
    p: [[0], [Math.log(3)]],
    t: [[1], [0]],
    w: [3, 1],
    want: 2.5 * LN2,
  },
  // softmax([0, 0])[0] = 1/2 and softmax([ln 3, 0])[1] = 1/4: (1·ln 2 + 3·ln 4) / 2
  {
    name: 'crossEntropy, labels',
    loss: crossEntropy,
    p: [
      [0, 0],
      [Math.log(3), 0],
    ],
    t: [0, 1],
    w: [1, 3],
    want: 3.5 * LN2,
  },
  {
    name: 'crossEntropy, one-hot targets',
    loss: crossEntropy,
    p: [
      [0, 0],
      [Math.log(3), 0],
    ],
    t: [
      [1, 0],
      [0, 1],
    ],
    w: [1, 3],
    want: 3.5 * LN2,
  },
];

/** An identity model of `width` float64 columns: evaluate then scores the inputs themselves. */
function identity(width: number): Model {
  const kernel = Array.from({ length: width }, (_, i) =>
    Array.from({ length: width }, (_, j) => (i === j ? 1 : 0)),
  );
  return sequential([dense(width, width, { kernel, bias: Array<number>(width).fill(0) })]);
}

describe('weighted losses', () => {
  it.each(cases)('$name: Σ w·loss / n by hand, in the kernel and through evaluate', (c) => {
    const p = tensor(c.p, { dtype: 'float64' });
    const t = tensor(c.t, { dtype: 'float64' });
    const kernel = c.loss.kernel!;
    expect(kernel.compute(p.data as Float64Array, p.shape, t.data, t.shape, null, c.w)).toBeCloseTo(
      c.want,
      14,
    );
    // weights of 1 give the unweighted loss; weights of k scale it by k
    const plain = c.loss(p, t).data[0]!;
    expect(
      kernel.compute(p.data as Float64Array, p.shape, t.data, t.shape, null, [1, 1]),
    ).toBeCloseTo(plain, 14);
    expect(
      kernel.compute(p.data as Float64Array, p.shape, t.data, t.shape, null, [3, 3]),
    ).toBeCloseTo(3 * plain, 13);
    // the same through evaluate's sampleWeight (a Tensor of weights works too)
    const model = identity(c.p[0]!.length);
    expect(evaluate(model, p, t, { loss: c.loss, sampleWeight: c.w }).loss).toBeCloseTo(c.want, 6);
    expect(evaluate(model, p, t, { loss: c.loss, sampleWeight: tensor(c.w) }).loss).toBeCloseTo(
      c.want,
      6,
    );
  });

  it.each(cases)('$name: the weighted gradient is the derivative of the weighted loss', (c) => {
    // central differences in float64 on the prediction
    const p = tensor(c.p, { dtype: 'float64' });
    const t = tensor(c.t, { dtype: 'float64' });
    const kernel = c.loss.kernel!;
    const g = new Float64Array(p.size);
    kernel.compute(p.data as Float64Array, p.shape, t.data, t.shape, g, c.w);
    const h = 1e-6;
    for (let i = 0; i < p.size; i++) {
      const at = (d: number): number => {
        const q = Float64Array.from(p.data);
        q[i]! += d;
        return kernel.compute(q, p.shape, t.data, t.shape, null, c.w);
      };
      expect(g[i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 6);
    }
  });
});

/** dense(1, 1) with kernel 0 and bias 0, float32. */
const zeroModel = (): Model => sequential([dense(1, 1, { kernel: [[0]], bias: [0] })]);
const params = (m: Model): number[][] => namedParameters(m).map((q) => Array.from(q.tensor.data));

describe('fit with sampleWeight and classWeight', () => {
  it('takes one SGD step on the weighted loss, worked out by hand', async () => {
    // p = k·x + b = 0 for x = [1, 2], t = [1, 1], w = [1, 3]; loss = Σ w (p − t)² / 2 = (1 + 3) / 2 = 2
    // dL/dk = (1/2)·Σ w·2(p − t)·x = (1/2)(−2 − 12) = −7; dL/db = (1/2)(−2 − 6) = −4
    // SGD, lr 0.1: k = 0.7, b = 0.4
    const model = zeroModel();
    const h = await fit(model, [[1], [2]], [[1], [1]], {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      batchSize: 2,
      shuffle: false,
      sampleWeight: [1, 3],
    });
    expect(h.loss[0]).toBe(2);
    expect(params(model)[0]![0]).toBeCloseTo(0.7, 6);
    expect(params(model)[1]![0]).toBeCloseTo(0.4, 6);
  });

  const x = [[0.5], [-1], [2], [0.25], [1.5], [-0.5]];
  const labels = [0, 1, 1, 0, 1, 1];
  const twoClass = (): Model => sequential([dense(1, 2, { rng: createRng(4) })]);
  const train = async (extra: object, y: unknown = labels): Promise<number[][]> => {
    const model = twoClass();
    await fit(model, x, y as never, {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 3,
      batchSize: 4,
      rng: createRng(9),
      ...extra,
    });
    return params(model);
  };

  it('classWeight is sampleWeight = classWeight[label], in every form', async () => {
    const byClass = labels.map((c) => [2, 0.5][c]!);
    const reference = await train({ sampleWeight: byClass });
    expect(await train({ classWeight: [2, 0.5] })).toEqual(reference);
    expect(await train({ classWeight: { 0: 2, 1: 0.5 } })).toEqual(reference);
    // classes an object leaves out weigh 1
    expect(await train({ classWeight: { 1: 0.5 } })).toEqual(
      await train({ sampleWeight: labels.map((c) => [1, 0.5][c]!) }),
    );
    // one-hot targets give the same classes (the loss then takes its
    // probability-target path, equal to the label path up to float32 rounding)
    const oneHot = labels.map((c) => (c === 0 ? [1, 0] : [0, 1]));
    expect(await train({ classWeight: [2, 0.5] }, oneHot)).toEqual(
      await train({ sampleWeight: byClass }, oneHot),
    );
    // 'balanced' is computeClassWeight's: counts [2, 4] → [6/4, 6/8]
    expect(computeClassWeight('balanced', labels)).toEqual([1.5, 0.75]);
    expect(await train({ classWeight: 'balanced' })).toEqual(
      await train({ sampleWeight: labels.map((c) => [1.5, 0.75][c]!) }),
    );
    // with both, the weights multiply
    const sw = [1, 2, 3, 1, 2, 3];
    expect(await train({ classWeight: [2, 0.5], sampleWeight: sw })).toEqual(
      await train({ sampleWeight: sw.map((v, i) => v * byClass[i]!) }),
    );
    // and they matter
    expect(await train({})).not.toEqual(reference);
  });

  it("counts 'balanced' classes over the training rows only, and leaves the validation loss unweighted", async () => {
    // validationSplit 1/3 holds out the last 2 rows: training labels [0, 1, 1, 0] → balanced [1, 1]
    const withSplit = twoClass();
    const h = await fit(withSplit, x, labels, {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 2,
      batchSize: 4,
      shuffle: false,
      validationSplit: 1 / 3,
      classWeight: 'balanced',
    });
    const plain = twoClass();
    await fit(plain, x.slice(0, 4), labels.slice(0, 4), {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 2,
      batchSize: 4,
      shuffle: false,
    });
    expect(params(withSplit)).toEqual(params(plain));
    expect(h.valLoss!.at(-1)).toBeCloseTo(
      evaluate(withSplit, x.slice(4), labels.slice(4), { loss: crossEntropy }).loss,
      6,
    );
  });

  it('weighs a binary model (one output column) by class 0 / 1', async () => {
    const y = labels.map((c) => [c]);
    const run = async (extra: object): Promise<number[][]> => {
      const model = sequential([dense(1, 1, { rng: createRng(2) })]);
      await fit(model, x, y, {
        loss: binaryCrossEntropyWithLogits,
        optimizer: sgd({ learningRate: 0.5 }),
        epochs: 2,
        batchSize: 3,
        rng: createRng(1),
        ...extra,
      });
      return params(model);
    };
    expect(await run({ classWeight: [3, 1] })).toEqual(
      await run({ sampleWeight: labels.map((c) => (c === 0 ? 3 : 1)) }),
    );
  });

  it('evaluate takes classWeight too', () => {
    // identity model on logits [[0, 0], [ln 3, 0]], labels [0, 1]: losses ln 2 and ln 4
    // classWeight [1, 3]: (ln 2 + 3 ln 4) / 2; metrics unweighted
    const logits = [
      [0, 0],
      [Math.log(3), 0],
    ];
    const r = evaluate(identity(2), logits, [0, 1], { loss: crossEntropy, classWeight: [1, 3] });
    expect(r.loss).toBeCloseTo(3.5 * LN2, 6);
  });

  it('balancedBatches feeds every batch the classes in equal numbers', async () => {
    // 10 of class 0, 2 of class 1: plain batches of 4 hold mostly class 0
    const xs = Array.from({ length: 12 }, (_, i) => [i / 12]);
    const ys = xs.map((_, i) => (i % 6 === 5 ? 1 : 0));
    const seen: number[][] = [];
    // A metric sees the epoch's targets in visiting order: record their classes.
    const spy: Metric = {
      name: 'spy',
      compute(_p: Tensor, t: Tensor) {
        seen.push(Array.from(t.data));
        return 0;
      },
    };
    await fit(twoClass(), xs, ys, {
      loss: crossEntropy,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 3,
      batchSize: 4,
      rng: createRng(5),
      metrics: [spy],
      balancedBatches: true,
    });
    expect(seen).toHaveLength(3);
    for (const epoch of seen) {
      expect(epoch).toHaveLength(12);
      for (let b = 0; b < 12; b += 4) {
        const batch = epoch.slice(b, b + 4);
        expect(batch.filter((c) => c === 1)).toHaveLength(2);
      }
    }
  });

  it('crossValidate passes each fold its rows of sampleWeight', async () => {
    const xs = Array.from({ length: 12 }, (_, i) => [Math.sin(i)]);
    const ys = xs.map(([v]) => (v! > 0 ? 1 : 0));
    const cv = await crossValidate(
      () => ({ model: twoClass(), optimizer: sgd({ learningRate: 0.1 }) }),
      xs,
      ys,
      {
        folds: 3,
        loss: crossEntropy,
        epochs: 1,
        rng: createRng(1),
        sampleWeight: xs.map((_, i) => 1 + i),
        classWeight: 'balanced',
      },
    );
    expect(cv.folds).toHaveLength(3);
    await expect(
      crossValidate(() => ({ model: twoClass(), optimizer: sgd() }), xs, ys, {
        folds: 3,
        loss: crossEntropy,
        sampleWeight: [1, 2],
      }),
    ).rejects.toThrow(
      'crossValidate: sampleWeight has 2 weights but x has 12 samples; expected one weight per sample',
    );
  });

  const base = { loss: crossEntropy, optimizer: sgd(), epochs: 1 };
  it.each([
    [
      { sampleWeight: [1, 2] },
      ShapeError,
      'fit: sampleWeight has 2 weights but x has 6 samples; expected one weight per sample',
    ],
    [
      { sampleWeight: [1, 1, -1, 1, 1, 1] },
      ValueError,
      'fit: sampleWeight[2] must be a finite number >= 0, got -1',
    ],
    [
      { sampleWeight: [1, 1, NaN, 1, 1, 1] },
      ValueError,
      'fit: sampleWeight[2] must be a finite number >= 0, got NaN',
    ],
    [
      { sampleWeight: 'heavy' },
      ValueError,
      'fit: sampleWeight must be an array or a Tensor of one weight per sample, got "heavy"',
    ],
    [
      { classWeight: [1, -2] },
      ValueError,
      'fit: classWeight[1] must be a finite number >= 0, got -2',
    ],
    [
      { classWeight: [1, NaN] },
      ValueError,
      'fit: classWeight[1] must be a finite number >= 0, got NaN',
    ],
    [
      { classWeight: [1, 2, 3] },
      ShapeError,
      'fit: classWeight has 3 weights but there are 2 classes; expected one weight per class',
    ],
    [
      { classWeight: { 5: 2 } },
      ValueError,
      'fit: classWeight has a weight for class 5, but the classes are 0..1',
    ],
    [
      { classWeight: 'even' },
      ValueError,
      'fit: classWeight must be "balanced", an array of weights or an object { class: weight }, got "even"',
    ],
    [{ balancedBatches: 'yes' }, ValueError, 'fit: balancedBatches must be a boolean, got "yes"'],
    [
      { balancedBatches: true, shuffle: false },
      ValueError,
      'fit: balancedBatches draws a random class-balanced order every epoch; it cannot be combined with shuffle: false',
    ],
  ])('rejects %j', async (extra, cls, message) => {
    const call = fit(twoClass(), x, labels, { ...base, ...extra } as never);
    await expect(call).rejects.toThrow(cls);
    await expect(fit(twoClass(), x, labels, { ...base, ...extra } as never)).rejects.toThrow(
      message,
    );
  });

  it('rejects classWeight without class labels or with several outputs', async () => {
    // soft targets are not class labels
    await expect(
      fit(sequential([dense(1, 1)]), x, x, { loss: mse, optimizer: sgd(), classWeight: [1, 2] }),
    ).rejects.toThrow('fit: y[0] must be a non-negative integer class label, got 0.5');
    // labels beyond the model's classes
    await expect(
      fit(
        sequential([dense(1, 1)]),
        x,
        labels.map((c) => [c * 3]),
        {
          loss: mse,
          optimizer: sgd(),
          classWeight: [1, 2],
        },
      ),
    ).rejects.toThrow(
      'fit: y[1] is class 3, but the model predicts 2 classes; classWeight needs class labels in [0, 2)',
    );
    const a = input([1]);
    const two = graph({ inputs: a, outputs: [dense(1, 2).apply(a), dense(1, 2).apply(a)] });
    await expect(
      fit(two, x, [labels, labels], {
        loss: [crossEntropy, crossEntropy],
        optimizer: sgd(),
        classWeight: [1, 2],
      }),
    ).rejects.toThrow(
      'fit: classWeight needs a model with one output, got 2; pass sampleWeight instead',
    );
    expect(() =>
      evaluate(identity(2), [[0, 1]], [0], { loss: crossEntropy, classWeight: { 2: 1 } }),
    ).toThrow('evaluate: classWeight has a weight for class 2, but the classes are 0..1');
  });
});
