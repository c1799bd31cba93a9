// Graph models (the functional form): shapes checked when layers are applied,
// several inputs and outputs with a loss per output, shared layers, and the
// model format's round trip, bit for bit, including resumed training.
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import {
  adam,
  add,
  addLayer,
  averageLayer,
  concatenateLayer,
  createRng,
  crossEntropy,
  dense,
  dropout,
  evaluate,
  fit,
  fromJSON,
  graph,
  input,
  multiplyLayer,
  mse,
  namedParameters,
  optimizerFromJSON,
  predict,
  relu,
  reshapeLayer,
  sequential,
  sgd,
  tanh,
  toJSON,
  type Model,
  type Optimizer,
  type Tensor,
  type TensorLike,
} from '../../src/index.js';
import { data, expectSame, labels } from './_parity.js';

describe('shapes are checked when a layer is applied', () => {
  it('mismatched merge shapes: a ShapeError naming the layer and both shapes', () => {
    const a = input([3]);
    const b = input([4]);
    expect(() => addLayer().apply([a, b])).toThrow(ShapeError);
    expect(() => addLayer().apply([a, b])).toThrow(
      'an add layer cannot take input shapes [3], [4]: addLayer: inputs must have the same shape, got [3], [4]',
    );
    expect(() => multiplyLayer({ name: 'gate' }).apply([a, b])).toThrow(
      /^multiply "gate" cannot take input shapes \[3\], \[4\]/,
    );
    expect(() => averageLayer().apply([a, input([3, 1])])).toThrow(/\[3\], \[3,1\]/);
    expect(() => concatenateLayer({ axis: 0 }).apply([input([2, 3]), input([2, 4])])).toThrow(
      /concatenateLayer: inputs must agree on every per-sample axis but 0 \(the batch axis is not counted\), got \[2,3\], \[2,4\]/,
    );
  });

  it('a merge given the wrong number of inputs', () => {
    const a = input([3]);
    expect(() => addLayer({ inputs: 3 }).apply([a, a])).toThrow(ValueError);
    expect(() => addLayer({ inputs: 3 }).apply([a, a])).toThrow(
      'addLayer.apply: x must be the 3 inputs the layer was built for, got 2; to merge 2, build it with addLayer({ inputs: 2 })',
    );
    // the default is two: the message names the option that takes more
    expect(() => concatenateLayer().apply([a, a, a, a])).toThrow(
      'concatenateLayer.apply: x must be the 2 inputs the layer was built for, got 4; to merge 4, build it with concatenateLayer({ inputs: 4 })',
    );
  });

  it('a shared layer applied to an incompatible shape: named, with both shapes', () => {
    const shared = dense(3, 2, { name: 'shared' });
    shared.apply(input([3])); // fine: [3] → [2]
    shared.apply(input([5, 3])); // fine: dense acts on the last axis
    expect(() => shared.apply(input([4]))).toThrow(ShapeError);
    expect(() => shared.apply(input([4]))).toThrow(
      'dense "shared" expects input shape [3], got [4]',
    );
  });

  it('a reshape that does not fit', () => {
    expect(() => reshapeLayer([4]).apply(input([2, 3]))).toThrow(
      /reshape layer cannot take input shape \[2,3\]: reshapeLayer: cannot reshape per-sample shape \[2,3\] \(6 elements\) to \[4\]/,
    );
  });

  it('sequential checks the chain the same way, naming both layers', () => {
    expect(() => sequential([dense(2, 4), dense(5, 1)])).toThrow(
      'sequential: layer 1 (dense) expects input shape [5] but layer 0 (dense) outputs [4]',
    );
  });
});

/** Two inputs, a shared trunk, two heads: a regression output and a 3-class one. */
type TwoHeads = Model<readonly [TensorLike, TensorLike], [Tensor, Tensor]>;
function twoHeads(seed: number, rate = 0.2): TwoHeads {
  const rng = createRng(seed);
  const a = input([3], { name: 'a' });
  const b = input([2], { name: 'b' });
  const trunk = dense(5, 6, { activation: relu, rng, name: 'trunk' });
  const h = trunk.apply(concatenateLayer().apply([a, b]));
  const r = addLayer().apply([
    h,
    dense(6, 6, { activation: tanh, rng }).apply(dropout(rate).apply(h)),
  ]);
  return graph({
    inputs: [a, b],
    outputs: [dense(6, 1, { rng, name: 'value' }).apply(r), dense(6, 3, { rng }).apply(r)],
  });
}

const xa = data([20, 3]);
const xb = data([20, 2], 'float32', 1);
const y1 = data([20, 1], 'float32', 2);
const y2 = labels(20, 3);

describe('several inputs and outputs', () => {
  it('predict takes one batch per input and returns one tensor per output', () => {
    const m = twoHeads(1);
    expect(m.inputs.map((i) => i.name)).toEqual(['a', 'b']);
    const [v, c] = predict(m, [xa, xb]);
    expect(v.shape).toEqual([20, 1]);
    expect(c.shape).toEqual([20, 3]);
    expect(() => predict(m, xa as never)).toThrow(
      /predict: x must be an array of 2 inputs \(the model has 2\)/,
    );
    expect(() => predict(m, [xb, xa])).toThrow(
      'predict: x[0] has per-sample shape [2], but the model\'s input "a" is [3]',
    );
  });

  it("fit sums the outputs' losses as the loss tensors add", async () => {
    const m = twoHeads(2, 0); // no dropout: training mode computes what predict does
    const [v, c] = predict(m, [xa, xb]);
    const l1 = mse(v, y1);
    const l2 = crossEntropy(c, y2);
    // The float32 sum of the two float32 losses, as valueAndGrad of their sum would see it.
    const sum = add(l1, l2).data[0]!;
    const logged: number[] = [];
    await fit(m, [xa, xb], [y1, y2], {
      loss: [mse, crossEntropy],
      optimizer: sgd({ learningRate: 0 }),
      epochs: 1,
      batchSize: 20,
      rng: createRng(3),
      callbacks: [{ onBatchEnd: (ctx) => void logged.push(ctx.logs.loss) }],
    });
    expect(logged).toHaveLength(1);
    expectSame(logged[0]!, sum, 'the first batch loss');
    expect(evaluate(m, [xa, xb], [y1, y2], { loss: [mse, crossEntropy] }).loss).toBeCloseTo(sum, 5);
  });

  it('both heads learn from their own loss', async () => {
    const m = twoHeads(2);
    const [v, c] = predict(m, [xa, xb]);
    const l1 = mse(v, y1).data[0]!;
    const l2 = crossEntropy(c, y2).data[0]!;
    await fit(m, [xa, xb], [y1, y2], {
      loss: [mse, crossEntropy],
      optimizer: adam({ learningRate: 0.02 }),
      epochs: 30,
      batchSize: 5,
      rng: createRng(3),
    });
    const [v2, c2] = predict(m, [xa, xb]);
    expect(mse(v2, y1).data[0]!).toBeLessThan(l1 / 2);
    expect(crossEntropy(c2, y2).data[0]!).toBeLessThan(l2 / 2);
  });

  it('fit wants one loss and one target per output', async () => {
    const m = twoHeads(3);
    const opt = sgd({ learningRate: 0.1 });
    await expect(
      fit(m, [xa, xb], [y1, y2], { loss: mse, optimizer: opt, epochs: 1 }),
    ).rejects.toThrow(/fit: loss must be an array of 2 losses, one per model output/);
    await expect(
      fit(m, [xa, xb], y1 as never, { loss: [mse, crossEntropy], optimizer: opt, epochs: 1 }),
    ).rejects.toThrow(/fit: y must be an array of 2 targets, one per model output/);
  });
});

describe('shared layers', () => {
  it('appear once in layers, parameters and names, and learn from every application', async () => {
    const rng = createRng(4);
    const a = input([3]);
    const b = input([3]);
    const shared = dense(3, 3, { activation: tanh, rng });
    const m = graph({
      inputs: [a, b],
      outputs: dense(3, 1, { rng }).apply(
        addLayer().apply([shared.apply(a), shared.apply(shared.apply(b))]),
      ),
    });
    expect(m.nodes.length).toBe(5);
    expect(m.layers.length).toBe(3);
    expect(m.layers.filter((l) => l === shared)).toHaveLength(1);
    expect(m.layerNames).toEqual(['dense', 'add', 'dense_1']); // in order of first application
    expect(namedParameters(m).map((q) => q.name)).toEqual([
      'layers.0.kernel',
      'layers.0.bias',
      'layers.2.kernel',
      'layers.2.bias',
    ]);
    const before = shared.kernel.data.slice();
    await fit(m, [data([8, 3]), data([8, 3], 'float32', 1)], data([8, 1], 'float32', 2), {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 1,
      batchSize: 8,
      rng: createRng(5),
    });
    expect(Array.from(shared.kernel.data)).not.toEqual(Array.from(before));
  });
});

describe('round trip through the model format', () => {
  it('gives the same predictions bit for bit, and resumed training follows the same trajectory', async () => {
    const m = twoHeads(6);
    const opt = adam({ learningRate: 0.01 });
    const train = (model: TwoHeads, o: Optimizer, seed: number) =>
      fit(model, [xa, xb], [y1, y2], {
        loss: [mse, crossEntropy],
        optimizer: o,
        epochs: 2,
        batchSize: 6,
        rng: createRng(seed),
      });
    await train(m, opt, 7);
    const saved = JSON.parse(JSON.stringify(toJSON(m, { optimizer: opt }))) as ReturnType<
      typeof toJSON
    >;
    expect(saved.model.kind).toBe('graph');
    const copy = fromJSON<readonly [TensorLike, TensorLike], [Tensor, Tensor]>(saved);
    expect(copy.layerNames).toEqual(m.layerNames);
    expect(copy.nodes.map((n) => n.layerIndex)).toEqual(m.nodes.map((n) => n.layerIndex));
    const same = (what: string): void => {
      const p = predict(m, [xa, xb]);
      const q = predict(copy, [xa, xb]);
      expectSame(q[0].data, p[0].data, `${what}: output 0`);
      expectSame(q[1].data, p[1].data, `${what}: output 1`);
      namedParameters(copy).forEach((w, i) => {
        expectSame(w.tensor.data, namedParameters(m)[i]!.tensor.data, `${what}: ${w.name}`);
      });
    };
    same('after loading');
    const copyOpt = optimizerFromJSON(saved, copy);
    expect(copyOpt.iterations).toBe(opt.iterations);
    await train(m, opt, 8);
    await train(copy, copyOpt, 8);
    same('after two more epochs each');
    expect(copyOpt.getState(namedParameters(copy).map((q) => q.tensor))).toEqual(
      opt.getState(namedParameters(m).map((q) => q.tensor)),
    );
  });

  it('keeps float64 weights and a float64 graph exact', () => {
    const rng = createRng(9);
    const x = input([2], { dtype: 'float64' });
    const h = dense(2, 3, { activation: tanh, rng, dtype: 'float64' }).apply(x);
    const m = graph({
      inputs: x,
      outputs: multiplyLayer().apply([h, dense(3, 3, { rng, dtype: 'float64' }).apply(h)]),
    });
    const copy = fromJSON(JSON.parse(JSON.stringify(toJSON(m))) as ReturnType<typeof toJSON>);
    const xs = data([5, 2], 'float64');
    expect(predict(copy, xs).dtype).toBe('float64');
    expectSame(predict(copy, xs).data, predict(m, xs).data, 'float64 predictions');
  });
});
