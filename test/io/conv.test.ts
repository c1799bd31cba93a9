// The convolution layers through toJSON/fromJSON: configs and weights come
// back bit for bit (so predictions do), for every option the factories take;
// tampered files fail with a ModelFormatError naming the field.
import { describe, expect, it } from 'vitest';
import { fromJSON, toJSON } from '../../src/io/index.js';
import {
  avgPool2d,
  conv1d,
  conv2d,
  conv2dTranspose,
  createRng,
  dense,
  flatten,
  graph,
  input,
  l1,
  l2,
  leakyRelu,
  predict,
  relu,
  sequential,
  tanh,
  tensor,
  type Model,
  type Tensor,
} from '../../src/index.js';
import { expectBitEqual, formatErrorOf, viaText } from './_helpers.js';

function images(n: number, h: number, w: number, c: number): ReturnType<typeof tensor> {
  const v = Array.from({ length: n * h * w * c }, (_, i) => Math.sin(0.91 * i + 0.2));
  return tensor(v, { shape: [n, h, w, c] });
}

function roundTrip(model: Model, x: ReturnType<typeof tensor>): void {
  const json = viaText(toJSON(model));
  const copy = fromJSON(json);
  expect(viaText(toJSON(copy))).toEqual(json);
  const before: unknown = predict(model, x);
  const after: unknown = predict(copy, x);
  expectBitEqual(after as Tensor, before as Tensor);
}

describe('conv layers: toJSON/fromJSON', () => {
  it('a CNN with every conv2d option round-trips bit for bit', () => {
    const rng = createRng(3);
    const model = sequential([
      conv2d(3, 6, [3, 2], {
        strides: [2, 1],
        padding: [
          [1, 0],
          [2, 1],
        ],
        dilation: [1, 2],
        activation: leakyRelu.with({ alpha: 0.2 }),
        kernelRegularizer: l2(1e-3),
        biasRegularizer: l1(1e-4),
        activityRegularizer: l2(1e-5),
        name: 'first',
        inputShape: [9, 8, 3],
        rng,
      }),
      conv2d(6, 6, 3, { groups: 3, padding: 'same', activation: relu, useBias: false, rng }),
      conv2dTranspose(6, 4, 2, { strides: 2, outputPadding: [1, 0], activation: tanh, rng }),
      avgPool2d(2),
      flatten(),
      dense(4 * 9 * 4, 3, { rng }), // 9x8 -> 4x9 (conv) -> 4x9 -> 9x18 (transposed) -> 4x9 (pool)
    ]);
    roundTrip(model, images(2, 9, 8, 3));
  });
  it('conv1d and conv2dTranspose in a graph, float64', () => {
    const rng = createRng(4);
    const x = input([10, 2], { dtype: 'float64' });
    const h = conv1d(2, 4, 3, {
      strides: 2,
      padding: [1, 2],
      dilation: 1,
      groups: 2,
      dtype: 'float64',
      rng,
    }).apply(x);
    const out = dense(4, 2, { dtype: 'float64', rng }).apply(h);
    const model = graph({ inputs: x, outputs: out });
    const xs = tensor(
      Array.from({ length: 3 * 10 * 2 }, (_, i) => Math.cos(i)),
      { shape: [3, 10, 2], dtype: 'float64' },
    );
    roundTrip(model, xs);
  });
  it('tampered files fail naming the field', () => {
    const model = sequential([conv2d(2, 4, 3, { rng: createRng(1) })]);
    const good = viaText(toJSON(model)) as unknown as {
      model: { layers: { config: Record<string, unknown>; weights: Record<string, unknown> }[] };
    };
    const tamper = (f: (d: typeof good) => void): string => {
      const d = viaText(good);
      f(d);
      return formatErrorOf(() => fromJSON(d as never));
    };
    expect(tamper((d) => (d.model.layers[0]!.config.strides = [0, 1]))).toMatch(
      /layers\[0\]\.config\.strides\[0\]/,
    );
    expect(tamper((d) => (d.model.layers[0]!.config.groups = 3))).toMatch(
      /config\.groups must divide inChannels 2, got 3/,
    );
    expect(tamper((d) => (d.model.layers[0]!.config.padding = 'full'))).toMatch(
      /config\.padding must be 'valid', 'same'/,
    );
    expect(tamper((d) => (d.model.layers[0]!.config.kernelSize = [5, 5]))).toMatch(
      /weights\.kernel.*\[5,5,2,4\]|kernel/,
    );
    expect(tamper((d) => (d.model.layers[0]!.config.filters = 5))).toMatch(/weights/);
  });
});
