// Class labels in every accepted form give the same numbers: crossEntropy
// (value and gradient) and fit (the whole training trajectory) take labels
// as [n] or [n, 1], as plain arrays, Int32Array, int32 tensors or float
// tensors holding integers; the metrics (confusionMatrix, classificationReport)
// read them all alike. A label outside [0, classes) is rejected before
// any weight changes, naming the index (crossEntropy) or the row (fit).
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import {
  adam,
  classificationReport,
  confusionMatrix,
  createRng,
  crossEntropy,
  dense,
  evaluate,
  fit,
  graph,
  input,
  mse,
  namedParameters,
  relu,
  sequential,
  tensor,
  valueAndGrad,
  type Model,
  type Tensor,
} from '../../src/index.js';
import { data, expectSame } from './_parity.js';

const classes = [0, 2, 1, 1, 0, 2, 2, 0, 1, 0];
const n = classes.length;

/** Every accepted form of the labels above. */
const forms: [string, () => unknown][] = [
  ['plain array [n]', () => [...classes]],
  ['plain nested array [n, 1]', () => classes.map((c) => [c])],
  ['Int32Array [n]', () => Int32Array.from(classes)],
  ['int32 tensor [n]', () => tensor(classes, { dtype: 'int32' })],
  ['int32 tensor [n, 1]', () => tensor(classes, { dtype: 'int32', shape: [n, 1] })],
  ['float32 tensor of integers [n]', () => tensor(classes)],
  ['float32 tensor of integers [n, 1]', () => tensor(classes, { shape: [n, 1] })],
  ['float64 tensor of integers [n, 1]', () => tensor(classes, { dtype: 'float64', shape: [n, 1] })],
];

describe('crossEntropy takes labels in every form', () => {
  const logits = data([n, 3]);

  it('known value: (log(1 + e⁻²) + log 2) / 2 for logits [[2, 0], [0, 0]] and labels [0, 1]', () => {
    // Row 0: lse = log(e² + 1) = 2 + log(1 + e⁻²), minus x₀ = 2; row 1: log 2 − 0.
    const want = (Math.log(1 + Math.exp(-2)) + Math.log(2)) / 2;
    const l = crossEntropy(
      tensor(
        [
          [2, 0],
          [0, 0],
        ],
        { dtype: 'float64' },
      ),
      [0, 1],
    );
    expect(l.data[0]).toBeCloseTo(want, 15);
  });

  const reference = (): { value: number; grad: Tensor } => {
    const { value, grads } = valueAndGrad((p: Tensor) =>
      crossEntropy(p, tensor(classes, { dtype: 'int32' })),
    )(logits);
    return { value: value.data[0]!, grad: grads[0]! };
  };

  it.each(forms)('%s: the same value and gradient', (_name, labels) => {
    const ref = reference();
    const { value, grads } = valueAndGrad((p: Tensor) => crossEntropy(p, labels() as never))(
      logits,
    );
    expect(value.data[0]).toBe(ref.value);
    expect(Array.from(grads[0]!.data)).toEqual(Array.from(ref.grad.data));
  });

  it.each([
    ['a label equal to the number of classes', [0, 3], 'target[1]', '3'],
    ['a negative label', [-1, 0], 'target[0]', '-1'],
    ['a fractional label', [0, 1.5], 'target[1]', '1.5'],
    ['NaN', [NaN, 0], 'target[0]', 'NaN'],
  ])('rejects %s, naming the index and the value', (_name, labels, where, value) => {
    const two = data([2, 3]);
    // An Int32Array cannot hold 1.5 or NaN: those go as arrays and float tensors only.
    const integral = labels.every((l) => Number.isInteger(l));
    for (const form of [labels, tensor(labels), ...(integral ? [Int32Array.from(labels)] : [])]) {
      const call = (): unknown => crossEntropy(two, form as never);
      expect(call).toThrow(ValueError);
      expect(call).toThrow(`crossEntropy: ${where} must be a class index, an integer in [0, 3)`);
      expect(call).toThrow(`got ${value}`);
    }
  });

  it('rejects labels of the wrong count or shape with a ShapeError', () => {
    const two = data([2, 3]);
    expect(() => crossEntropy(two, [0, 1, 2])).toThrow(ShapeError);
    expect(() => crossEntropy(two, [0, 1, 2])).toThrow(
      'crossEntropy: target must hold 2 class labels (one per row of the prediction), got 3',
    );
    expect(() => crossEntropy(two, tensor([[0, 1]]))).toThrow(
      /^crossEntropy: target must be class labels of shape \[2\].* or probabilities of shape \[2,3\], got shape \[1,2\]$/,
    );
  });
});

describe('the metrics take labels in every form', () => {
  const scores = data([n, 3]);
  it.each(forms)('%s: the same confusion matrix and report', (_name, labels) => {
    const ref = tensor(classes, { dtype: 'int32' });
    expect(confusionMatrix(scores, labels() as never, 3)).toEqual(confusionMatrix(scores, ref, 3));
    expect(classificationReport(scores, labels() as never)).toBe(classificationReport(scores, ref));
  });
});

describe('fit takes labels in every form', () => {
  const x = data([n, 4]);
  const build = (): Model => {
    const rng = createRng(31);
    return sequential([dense(4, 6, { activation: relu, rng }), dense(6, 3, { rng })]);
  };
  const train = async (labels: unknown): Promise<Model> => {
    const m = build();
    await fit(m, x, labels as never, {
      loss: crossEntropy,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 3,
      batchSize: 4,
      rng: createRng(32),
    });
    return m;
  };

  it.each(forms)('%s: the same trajectory as int32 labels', async (_name, labels) => {
    const ref = await train(tensor(classes, { dtype: 'int32' }));
    const m = await train(labels());
    const before = namedParameters(build());
    namedParameters(m).forEach((q, i) => {
      expectSame(q.tensor.data, namedParameters(ref)[i]!.tensor.data, q.name);
      expect(Array.from(q.tensor.data)).not.toEqual(Array.from(before[i]!.tensor.data));
    });
    expect(evaluate(m, x, labels() as never, { loss: crossEntropy }).loss).toBe(
      evaluate(ref, x, classes, { loss: crossEntropy }).loss,
    );
  });

  /** fit must throw `pattern` and leave every weight as it was. */
  async function rejectsUntouched(
    m: Model,
    run: (m: Model) => Promise<unknown>,
    pattern: RegExp | string,
  ): Promise<void> {
    const before = namedParameters(m).map((q) => Array.from(q.tensor.data));
    await expect(run(m)).rejects.toThrow(ValueError);
    await expect(run(m)).rejects.toThrow(pattern);
    namedParameters(m).forEach((q, i) => {
      expect(Array.from(q.tensor.data), q.name).toEqual(before[i]);
    });
  }

  it.each([
    ['3 in the last row (one past the classes)', 9, 3],
    ['-1 in the first row', 0, -1],
    ['2.5 in the middle', 5, 2.5],
  ])('rejects %s before any update, naming the row', async (_name, row, bad) => {
    const labels = [...classes];
    labels[row] = bad;
    for (const form of [labels, tensor(labels), labels.map((l) => [l])]) {
      await rejectsUntouched(
        build(),
        (m) =>
          fit(m, x, form, {
            loss: crossEntropy,
            optimizer: adam(),
            epochs: 2,
            batchSize: 2,
          }),
        `the label of row ${row} is ${bad}; class labels must be integers in [0, 3) for 3 outputs`,
      );
    }
  });

  it('checks the labels of validation data before the first update too', async () => {
    const bad = [...classes];
    bad[4] = 7;
    await rejectsUntouched(
      build(),
      (m) =>
        fit(m, x, classes, {
          loss: crossEntropy,
          optimizer: adam(),
          epochs: 1,
          batchSize: 5,
          validationData: [x, bad],
        }),
      'fit: validationData[1]: crossEntropy: the label of row 4 is 7; class labels must be integers in [0, 3) for 3 outputs',
    );
  });

  it('checks the labels of every output of a graph model, naming the row', async () => {
    const rng = createRng(33);
    const a = input([4]);
    const h = dense(4, 5, { activation: relu, rng }).apply(a);
    const m = graph({
      inputs: a,
      outputs: [dense(5, 1, { rng }).apply(h), dense(5, 3, { rng }).apply(h)],
    });
    const bad = [...classes];
    bad[6] = 4;
    await rejectsUntouched(
      m,
      (model) =>
        fit(model, x, [data([n, 1]), Int32Array.from(bad)], {
          loss: [mse, crossEntropy],
          optimizer: adam(),
          epochs: 1,
          batchSize: 5,
        }),
      'the label of row 6 is 4',
    );
  });
});
