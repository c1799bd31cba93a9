import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import type { FloatDType } from '../../src/_lib/typed.js';
import { backward } from '../../src/autograd/backward.js';
import { gradcheck, valueAndGrad } from '../../src/autograd/functional.js';
import { dense } from '../../src/layers/dense.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import {
  crossEntropyLoss,
  type CrossEntropyLossOptions,
} from '../../src/losses/cross-entropy-loss.js';
import { namedParameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import { withMask } from '../../src/tensor/mask.js';
import { Tensor, type NestedArray } from '../../src/tensor/tensor.js';
import { evaluate } from '../../src/training/evaluate.js';
import { fit } from '../../src/training/fit.js';
import { checkParity, labels } from '../engine/_parity.js';
import { expectClose } from '../helpers/expect-close.js';
import reference from '../fixtures/cross-entropy-loss/reference.json' with { type: 'json' };

// Reference values: test/fixtures/cross-entropy-loss/make.py, torch 1.13's
// F.cross_entropy(x.movedim(-1, 1), target, weight=w, ignore_index=i,
// label_smoothing=e, reduction=r) and its gradients, classes last as here.

interface Case {
  readonly name: string;
  readonly dtype: FloatDType;
  readonly logits: NestedArray;
  readonly target: NestedArray;
  readonly kind: 'index' | 'prob';
  readonly options: CrossEntropyLossOptions;
  readonly sampleWeights: number[] | null;
  readonly value: number;
  readonly grad: NestedArray;
  readonly targetGrad?: NestedArray;
}

const cases = reference.cases as unknown as Case[];
const flat = (v: NestedArray): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** float64: to 1e-12; float32: torch's float32 against ours (float64 sums, rounded once). */
const tol = (dtype: FloatDType) =>
  dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 2e-6, rtol: 2e-6 };

const targetOf = (c: Case, requiresGrad = false): Tensor =>
  c.kind === 'index'
    ? tensor(c.target, { dtype: 'int32' })
    : tensor(c.target, { dtype: c.dtype, requiresGrad });

describe('crossEntropyLoss against torch 1.13', () => {
  it('has the whole grid', () => {
    expect(cases.length).toBe(64);
  });

  for (const c of cases.filter((k) => k.sampleWeights === null)) {
    it(`${c.name} (${c.dtype}): value and gradients`, () => {
      const loss = crossEntropyLoss(c.options);
      const x = tensor(c.logits, { dtype: c.dtype, requiresGrad: true });
      const t = targetOf(c, true);
      const out = loss(x, t);
      expect(out.dtype).toBe(c.dtype);
      expectClose([out.item()], [c.value], tol(c.dtype));
      backward(out);
      expectClose(x.grad!, c.grad, tol(c.dtype));
      if (c.targetGrad !== undefined) expectClose(t.grad!, c.targetGrad, tol(c.dtype));
      // The kernel fit runs is the same computation: the same value, bit for bit.
      const g = new Float64Array(x.size);
      const k = loss.kernel.compute(Float64Array.from(x.data), x.shape, t.data, t.shape, g, null);
      if (c.dtype === 'float64') {
        expect(k).toBe(out.item());
        expect(Array.from(g)).toEqual(Array.from(x.grad!.data));
      }
    });
  }

  for (const c of cases.filter((k) => k.sampleWeights !== null)) {
    it(`${c.name}: the kernel with per-sample weights`, () => {
      const loss = crossEntropyLoss(c.options);
      const x = tensor(c.logits, { dtype: 'float64' });
      const t = targetOf(c);
      const g = new Float64Array(x.size);
      const v = loss.kernel.compute(
        x.data as Float64Array,
        x.shape,
        t.data,
        t.shape,
        g,
        c.sampleWeights,
      );
      expectClose([v], [c.value], tol('float64'));
      expectClose(g, c.grad, tol('float64'));
    });
  }

  it('a [n, 1] label column and a plain array read as the [n] labels', () => {
    const c = cases.find((k) => k.name === 'labels ignore=-100 weight=True eps=0.2 mean')!;
    const loss = crossEntropyLoss(c.options);
    const x = tensor(c.logits, { dtype: 'float64' });
    const labelsN = flat(c.target);
    expectClose([loss(x, tensor(labelsN.map((l) => [l]))).item()], [c.value], tol('float64'));
    expectClose([loss(x, labelsN).item()], [c.value], tol('float64'));
    expectClose([loss(x, Int32Array.from(labelsN)).item()], [c.value], tol('float64'));
    expectClose(
      [
        loss(
          x,
          labelsN.map((l) => [l]),
        ).item(),
      ],
      [c.value],
      tol('float64'),
    );
  });

  it("a call's { reduction } overrides the configured one", () => {
    const mean = cases.find((k) => k.name === 'labels ignore=2 weight=True eps=0.2 mean')!;
    const sum = cases.find((k) => k.name === 'labels ignore=2 weight=True eps=0.2 sum')!;
    const loss = crossEntropyLoss(mean.options);
    const x = tensor(mean.logits, { dtype: 'float64' });
    const t = targetOf(mean);
    expectClose([loss(x, t, { reduction: 'sum' }).item()], [sum.value], tol('float64'));
    expectClose([loss(x, t, {}).item()], [mean.value], tol('float64'));
  });

  it('a step mask: PyTorch mean over the real steps (the masked ones dropped)', () => {
    const m = reference.mask;
    const loss = crossEntropyLoss(m.options);
    const x = tensor(m.logits, { dtype: 'float64', requiresGrad: true });
    withMask(x, m.mask);
    const out = loss(x, tensor(m.target, { dtype: 'int32' }));
    expectClose([out.item()], [m.value], tol('float64'));
    backward(out);
    expectClose(x.grad!, m.grad, tol('float64'));
    const y = withMask(tensor(m.logits, { dtype: 'float64' }), m.mask);
    expect(() => loss(y, m.target.flat(), { reduction: 'sum' })).toThrow(
      "crossEntropyLoss: a prediction with a step mask takes the mean over its real steps; reduction 'sum' is not supported with a mask",
    );
  });
});

describe('crossEntropyLoss: degenerate batches as torch 1.13', () => {
  // x = [[1, 2, 3], [0.5, -1, 2]], float64.
  const X = [
    [1, 2, 3],
    [0.5, -1, 2],
  ];
  const run = (options: CrossEntropyLossOptions, labels: number[]) => {
    const x = tensor(X, { dtype: 'float64', requiresGrad: true });
    const out = crossEntropyLoss(options)(x, labels);
    backward(out);
    return { value: out.item(), grad: Array.from(x.grad!.data) };
  };

  it('every row ignored: mean NaN with gradient 0, sum 0', () => {
    // F.cross_entropy(x, [-100, -100], label_smoothing=0.1) -> nan, grad zeros
    // (also with weight=[1, 2, 3]); reduction='sum' -> 0.0, grad zeros
    for (const o of [{ labelSmoothing: 0.1 }, { classWeights: [1, 2, 3] }, {}]) {
      const r = run({ ignoreIndex: -100, ...o }, [-100, -100]);
      expect(r.value).toBeNaN();
      expect(r.grad).toEqual([0, 0, 0, 0, 0, 0]);
    }
    const s = run({ ignoreIndex: -100, labelSmoothing: 0.1, reduction: 'sum' }, [-100, -100]);
    expect(s.value).toBe(0);
    expect(s.grad).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('class weights 0 on every counted label: NaN, NaN gradient on counted rows, 0 on ignored', () => {
    // F.cross_entropy(x, [0, -100], weight=[0, 2, 3], label_smoothing=0.1) -> nan,
    // grad [[nan]*3, [0]*3]; with labels [0, 1] and weight [0, 0, 3]: nan, all nan
    const a = run({ ignoreIndex: -100, classWeights: [0, 2, 3], labelSmoothing: 0.1 }, [0, -100]);
    expect(a.value).toBeNaN();
    expectClose(a.grad, [NaN, NaN, NaN, 0, 0, 0]);
    const b = run({ classWeights: [0, 0, 3], labelSmoothing: 0.1 }, [0, 1]);
    expect(b.value).toBeNaN();
    expectClose(b.grad, [NaN, NaN, NaN, NaN, NaN, NaN]);
  });

  it('an empty batch: mean NaN, sum 0 (torch: nan, 0.0)', () => {
    const x = tensor([], { shape: [0, 3], dtype: 'float64' });
    expect(crossEntropyLoss({ classWeights: [1, 2, 3] })(x, []).item()).toBeNaN();
    expect(crossEntropyLoss({ reduction: 'sum' })(x, []).item()).toBe(0);
  });
});

describe("crossEntropyLoss with fit's per-sample weights", () => {
  const c = cases.find((k) => k.name === 'labels ignore=-100 weight=True eps=0.2 mean')!;
  const x = tensor(c.logits, { dtype: 'float64' });
  const t = targetOf(c);
  const kernelValue = (options: CrossEntropyLossOptions, w: number[] | null, labels = t) =>
    crossEntropyLoss(options).kernel.compute(
      x.data as Float64Array,
      x.shape,
      labels.data,
      labels.shape,
      null,
      w,
    );

  it('a constant weight k multiplies the loss by k; weights all 0 give 0', () => {
    const plain = kernelValue(c.options, null);
    expectClose([kernelValue(c.options, [2.5, 2.5, 2.5, 2.5, 2.5, 2.5])], [2.5 * plain], {
      atol: 1e-12,
    });
    expect(kernelValue(c.options, [0, 0, 0, 0, 0, 0])).toBe(0);
  });

  it("no class weights, nothing ignored: Keras's Σ s·ℓ / N, as crossEntropy's kernel", () => {
    const labels = tensor([0, 3, 1, 2, 3, 0], { dtype: 'int32' });
    const w = [1, 0.5, 2, 0, 3, 1];
    const want = crossEntropy.kernel!.compute(
      x.data as Float64Array,
      x.shape,
      labels.data,
      labels.shape,
      null,
      w,
    );
    expectClose([kernelValue({ labelSmoothing: 0 }, w, labels)], [want], { atol: 1e-14 });
  });

  it('evaluate with sampleWeight gives the weighted reference (a model whose output is x)', () => {
    const r = cases.find((k) => k.name === 'weighted labels mean')!;
    // dense(4, 4) with the identity kernel and zero bias: prediction = input.
    const eye = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
    const model = sequential([dense(4, 4, { kernel: eye, bias: [0, 0, 0, 0], dtype: 'float64' })]);
    const got = evaluate(model, tensor(r.logits, { dtype: 'float64' }), targetOf(r), {
      loss: crossEntropyLoss(r.options),
      sampleWeight: r.sampleWeights!,
    });
    expectClose([got.loss], [r.value], tol('float64'));
  });

  it("fit's classWeight multiplies the loss's own class weights: the imbalance corrected twice", () => {
    // s = c[y], ε = 0: (Σ c_y·w_y·ℓ / Σ c_y·w_y)·mean(c_y) is the loss with class
    // weights c·w (PyTorch's weighted mean), times the mean of c_y.
    const eye = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
    const model = sequential([dense(4, 4, { kernel: eye, bias: [0, 0, 0, 0], dtype: 'float64' })]);
    const y = [0, 3, 1, 2, 3, 0];
    const w = [0.5, 2, 1, 3];
    const cw = [2, 1, 0.5, 4];
    const both = evaluate(model, x, y, {
      loss: crossEntropyLoss({ classWeights: w }),
      classWeight: cw,
    }).loss;
    const product = evaluate(model, x, y, {
      loss: crossEntropyLoss({ classWeights: w.map((v, i) => v * cw[i]!) }),
    }).loss;
    const meanC = y.reduce((acc, l) => acc + cw[l]!, 0) / y.length;
    expectClose([both], [product * meanC], { atol: 1e-12 });
  });
});

describe('crossEntropyLoss in fit', () => {
  const X = [
    [0.5, -1.2, 0.3],
    [1.5, 0.2, -0.7],
    [-0.4, 0.9, 1.1],
    [0.1, -0.3, -1.6],
    [2.0, 1.0, 0.0],
    [-1.0, -0.5, 0.8],
  ];
  const Y = [0, 2, -100, 1, 3, 2];
  const options: CrossEntropyLossOptions = {
    labelSmoothing: 0.1,
    ignoreIndex: -100,
    classWeights: [1, 0.5, 2, 1.5],
  };
  const build = () => sequential([dense(3, 4, { rng: createRng(5), dtype: 'float64' })]);
  const weights = (m: ReturnType<typeof build>) =>
    namedParameters(m).map((p) => Array.from(p.tensor.data));

  for (const o of [options, { ...options, reduction: 'sum' } as const]) {
    it(`one step of fit equals one manual autograd step, bit for bit (float64, ${o.reduction ?? 'mean'})`, async () => {
      const loss = crossEntropyLoss(o);
      const a = build();
      const h = await fit(a, tensor(X, { dtype: 'float64' }), tensor(Y), {
        loss,
        optimizer: sgd({ learningRate: 0.5 }),
        epochs: 1,
        batchSize: 6,
        shuffle: false,
      });
      const b = build();
      const params = namedParameters(b).map((p) => p.tensor);
      const xb = tensor(X, { dtype: 'float64' });
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { value, grads } = valueAndGrad((..._p: Tensor[]) =>
        loss(b.forward(xb, { training: true, rng: createRng(0) }), Y),
      )(...params);
      sgd({ learningRate: 0.5 }).step(params, grads);
      expect(h.loss[0]).toBe(value.item());
      const wa = weights(a);
      const wb = weights(b);
      expect(wa).toEqual(wb);
      wa.flat().forEach((v, i) => {
        expect(Object.is(v, wb.flat()[i]), `weight ${i}`).toBe(true);
      });
      expect(wa).not.toEqual(weights(build()));
    });
  }

  it('trains: the loss goes down', async () => {
    const model = build();
    const h = await fit(model, tensor(X, { dtype: 'float64' }), Y, {
      loss: crossEntropyLoss(options),
      optimizer: sgd({ learningRate: 0.5 }),
      epochs: 30,
      batchSize: 3,
      rng: createRng(2),
    });
    expect(h.loss[29]!).toBeLessThan(0.5 * h.loss[0]!);
  });

  it('runs on every path alike (autograd, fit, float32, several batches)', async () => {
    await checkParity({
      name: 'crossEntropyLoss',
      build: () => sequential([dense(3, 5, { rng: createRng(3) })]),
      x: tensor(
        Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.3)),
        { shape: [10, 3] },
      ),
      y: tensor(
        Array.from(labels(10, 5).data, (l, i) => (i % 4 === 1 ? -1 : l)),
        { dtype: 'int32' },
      ),
      loss: crossEntropyLoss({
        labelSmoothing: 0.2,
        ignoreIndex: -1,
        classWeights: [1, 2, 1, 0.5, 3],
      }),
      batchSize: 4,
    });
  });

  it('a class count that does not fit the model stops fit before any update, naming both sizes', async () => {
    const model = build();
    const before = weights(model);
    await expect(
      fit(model, X, Y, {
        loss: crossEntropyLoss({ ...options, classWeights: [1, 2, 3] }),
        optimizer: sgd(),
      }),
    ).rejects.toThrow(
      'crossEntropyLoss: classWeights has 3 weights but the prediction has 4 classes (shape [6,4]); expected one weight per class',
    );
    await expect(
      fit(model, X, [0, 2, -1, 1, 3, 2], { loss: crossEntropyLoss(options), optimizer: sgd() }),
    ).rejects.toThrow(
      'crossEntropyLoss: the label of row 2 is -1; class labels must be an integer in [0, 4) or the ignoreIndex -100 for 4 outputs',
    );
    expect(weights(model)).toEqual(before);
  });
});

describe('crossEntropyLoss: gradient check (float64, central differences)', () => {
  const x = tensor(
    [
      [0.3, -1.2, 2.0, 0.1],
      [1.5, 0.4, -0.6, 0.9],
      [-0.8, 0.2, 0.7, -1.9],
    ],
    { dtype: 'float64' },
  );
  it('labels with smoothing, an ignored row and class weights', () => {
    const loss = crossEntropyLoss({
      labelSmoothing: 0.15,
      ignoreIndex: 1,
      classWeights: [0.5, 2, 1, 3],
    });
    expect(gradcheck((a: Tensor) => loss(a, [3, 1, 2]), [x]).passed).toBe(true);
  });
  it('probability targets, logits and targets both', () => {
    const loss = crossEntropyLoss({ labelSmoothing: 0.3, classWeights: [0.5, 2, 1, 3] });
    const p = tensor(
      [
        [0.1, 0.2, 0.3, 0.4],
        [0.25, 0.25, 0.25, 0.25],
        [0, 0.5, 0, 0.2],
      ],
      { dtype: 'float64' },
    );
    expect(gradcheck((a: Tensor, b: Tensor) => loss(a, b), [x, p]).passed).toBe(true);
    const sum = crossEntropyLoss({ labelSmoothing: 0.3, reduction: 'sum' });
    expect(gradcheck((a: Tensor, b: Tensor) => sum(a, b), [x, p]).passed).toBe(true);
  });
});

describe('crossEntropyLoss: the plain loss, its name and settings', () => {
  const x = tensor(
    [
      [2, 0, -1],
      [0.5, 0.5, 3],
    ],
    { dtype: 'float64' },
  );
  it('with no options it computes what crossEntropy does', () => {
    const loss = crossEntropyLoss();
    expectClose([loss(x, [0, 2]).item()], [crossEntropy(x, [0, 2]).item()], { atol: 1e-15 });
    const p = tensor(
      [
        [0.2, 0.3, 0.5],
        [1, 0, 0],
      ],
      { dtype: 'float64' },
    );
    expect(loss(x, p).item()).toBe(crossEntropy(x, p).item());
    expect(loss(x, [0, 2], { reduction: 'sum' }).item()).toBeCloseTo(
      crossEntropy(x, [0, 2], { reduction: 'sum' }).item(),
      14,
    );
  });

  it("is named 'crossEntropyLoss', never 'crossEntropy', and carries its settings", () => {
    const w = [1, 2, 3];
    const loss = crossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: -100, classWeights: w });
    expect(loss.lossName).toBe('crossEntropyLoss');
    expect(loss.name).toBe('crossEntropyLoss');
    expect(loss.config).toEqual({
      reduction: 'mean',
      labelSmoothing: 0.1,
      ignoreIndex: -100,
      classWeights: [1, 2, 3],
    });
    expect(JSON.parse(JSON.stringify(loss.config))).toEqual(loss.config);
    expect(crossEntropyLoss().config).toEqual({
      reduction: 'mean',
      labelSmoothing: 0,
      ignoreIndex: null,
      classWeights: null,
    });
    // The weights are copied: changing the array later changes nothing.
    const before = loss(x, [0, 2]).item();
    w[0] = 100;
    expect(loss(x, [0, 2]).item()).toBe(before);
    // A rank-1 tensor of weights is the same as the array.
    expect(
      crossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: -100, classWeights: tensor([1, 2, 3]) })(
        x,
        [0, 2],
      ).item(),
    ).toBe(before);
  });

  it('an int32 prediction computes in floating point', () => {
    const loss = crossEntropyLoss({ classWeights: [1, 2, 3] });
    const xi = tensor(
      [
        [2, 0, -1],
        [0, 1, 3],
      ],
      { dtype: 'int32' },
    );
    const xf = tensor(
      [
        [2, 0, -1],
        [0, 1, 3],
      ],
      { dtype: 'float32' },
    );
    expect(loss(xi, [0, 2]).item()).toBe(loss(xf, [0, 2]).item());
  });
});

describe('crossEntropyLoss: bad input', () => {
  const x = tensor([
    [2, 0, -1],
    [0.5, 0.5, 3],
  ]);
  const rows: [string, () => unknown, typeof ValueError | typeof ShapeError, string][] = [
    [
      'options not an object',
      () => crossEntropyLoss(3 as never),
      ValueError,
      'crossEntropyLoss: options must be an object, got 3',
    ],
    [
      'a PyTorch spelling',
      () => crossEntropyLoss({ weight: [1] } as never),
      ValueError,
      'crossEntropyLoss: unknown option "weight" in options; expected one of labelSmoothing, ignoreIndex, classWeights, reduction',
    ],
    [
      'labelSmoothing above 1',
      () => crossEntropyLoss({ labelSmoothing: 1.5 }),
      ValueError,
      'crossEntropyLoss: labelSmoothing must be a finite number >= 0 and <= 1, got 1.5',
    ],
    [
      'labelSmoothing below 0',
      () => crossEntropyLoss({ labelSmoothing: -0.1 }),
      ValueError,
      'crossEntropyLoss: labelSmoothing must be a finite number >= 0 and <= 1, got -0.1',
    ],
    ['labelSmoothing NaN', () => crossEntropyLoss({ labelSmoothing: NaN }), ValueError, 'got NaN'],
    [
      'labelSmoothing a string',
      () => crossEntropyLoss({ labelSmoothing: '0.1' as never }),
      ValueError,
      'got "0.1"',
    ],
    [
      'ignoreIndex not an integer',
      () => crossEntropyLoss({ ignoreIndex: 1.5 }),
      ValueError,
      'crossEntropyLoss: ignoreIndex must be an integer (the label of rows to leave out, e.g. -100), got 1.5',
    ],
    [
      'ignoreIndex a string',
      () => crossEntropyLoss({ ignoreIndex: '-100' as never }),
      ValueError,
      'got "-100"',
    ],
    [
      'classWeights empty',
      () => crossEntropyLoss({ classWeights: [] }),
      ValueError,
      'crossEntropyLoss: classWeights must be one weight per class (at least one), got []',
    ],
    [
      'a negative class weight',
      () => crossEntropyLoss({ classWeights: [1, -2, 1] }),
      ValueError,
      'crossEntropyLoss: classWeights[1] must be a finite number >= 0, got -2',
    ],
    [
      'an infinite class weight',
      () => crossEntropyLoss({ classWeights: [1, Infinity] }),
      ValueError,
      'classWeights[1] must be a finite number >= 0, got Infinity',
    ],
    [
      'classWeights an object',
      () => crossEntropyLoss({ classWeights: { 0: 1 } as never }),
      ValueError,
      'crossEntropyLoss: classWeights must be an array or a Tensor of one weight per class, got {0: 1}',
    ],
    [
      'classWeights a matrix',
      () => crossEntropyLoss({ classWeights: tensor([[1, 2]]) }),
      ShapeError,
      'crossEntropyLoss: classWeights must be a vector of one weight per class, got a tensor of shape [1,2]',
    ],
    [
      'reduction none',
      () => crossEntropyLoss({ reduction: 'none' as never }),
      ValueError,
      'crossEntropyLoss: reduction must be "mean" or "sum", got "none"',
    ],
    [
      'classWeights too short for the logits',
      () => crossEntropyLoss({ classWeights: [1, 2] })(x, [0, 1]),
      ShapeError,
      'crossEntropyLoss: classWeights has 2 weights but the prediction has 3 classes (shape [2,3]); expected one weight per class',
    ],
    [
      'a label out of range',
      () => crossEntropyLoss({ ignoreIndex: -100 })(x, [0, 3]),
      ValueError,
      'crossEntropyLoss: target[1] must be a class index, an integer in [0, 3) or the ignoreIndex -100, got 3',
    ],
    [
      'a negative label that is not ignoreIndex',
      () => crossEntropyLoss()(x, [-100, 0]),
      ValueError,
      'crossEntropyLoss: target[0] must be a class index, an integer in [0, 3), got -100',
    ],
    [
      'ignoreIndex >= 0 with probabilities',
      () =>
        crossEntropyLoss({ ignoreIndex: 1 })(
          x,
          tensor([
            [1, 0, 0],
            [0, 1, 0],
          ]),
        ),
      ValueError,
      'crossEntropyLoss: ignoreIndex 1 leaves out the rows of one class label, but the target holds probabilities (shape [2,3])',
    ],
    [
      'a per-call labelSmoothing',
      () => crossEntropyLoss()(x, [0, 1], { labelSmoothing: 0.1 } as never),
      ValueError,
      'crossEntropyLoss: labelSmoothing is set when the loss is made, crossEntropyLoss({ labelSmoothing }), not per call',
    ],
    [
      'a per-call reduction none',
      () => crossEntropyLoss()(x, [0, 1], { reduction: 'none' as never }),
      ValueError,
      'crossEntropyLoss: reduction must be "mean" or "sum", got "none"',
    ],
    [
      'a 1-D prediction',
      () => crossEntropyLoss()(tensor([1, 2]), [0]),
      ShapeError,
      'crossEntropyLoss: prediction must be [batch, ..., classes] (classes last), got shape [2]',
    ],
    [
      'too few labels',
      () => crossEntropyLoss()(x, [0]),
      ShapeError,
      'crossEntropyLoss: target must hold 2 class labels (one per row of the prediction), got 1',
    ],
    [
      'a target of another shape',
      () => crossEntropyLoss()(x, tensor([[1, 0]])),
      ShapeError,
      'crossEntropyLoss: target must be class labels of shape [2] (or [2,1]) or probabilities of shape [2,3], got shape [1,2]',
    ],
    [
      'a target that is a string',
      () => crossEntropyLoss()(x, 'abc' as never),
      ValueError,
      'crossEntropyLoss: target must be a Tensor or an array of class labels, got "abc"',
    ],
    [
      'a prediction that is not a tensor',
      () => crossEntropyLoss()([[1, 2]] as never, [0]),
      ValueError,
      'crossEntropyLoss: prediction must be a Tensor, got [[1,2]]',
    ],
  ];
  for (const [name, call, error, message] of rows) {
    it(name, () => {
      expect(call).toThrow(error);
      expect(call).toThrow(message);
    });
  }
});
