// Float64 gradient checks (central differences, gradcheck from autograd) of
// the merge layers, the reshape layer, dense on rank-3 input and a residual
// graph model: each layer's declared backward, as its autograd node runs it,
// against the numerical derivative of its declared forward.
import { describe, expect, it } from 'vitest';
import {
  addLayer,
  averageLayer,
  concatenateLayer,
  createRng,
  dense,
  gelu,
  gradcheck,
  graph,
  identity,
  input,
  multiplyLayer,
  relu,
  reshapeLayer,
  sigmoid,
  softmax,
  tanh,
  tensor,
  type Activation,
  type Merge,
  type Tensor,
} from '../../src/index.js';

const ctx = { training: true, rng: createRng(0) };

/** float64 values from a smooth function of the index: both signs, no zeros. */
function f64(shape: readonly number[], phase = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => 1.5 * Math.sin(0.9 * i + 0.3 + phase) + 0.05),
    { shape, dtype: 'float64' },
  );
}

describe('gradcheck: merge layers (float64)', () => {
  const merges: [string, () => Merge, number][] = [
    ['addLayer', () => addLayer(), 2],
    ['addLayer of 3', () => addLayer({ inputs: 3 }), 3],
    ['multiplyLayer', () => multiplyLayer(), 2],
    ['multiplyLayer of 3', () => multiplyLayer({ inputs: 3 }), 3],
    ['averageLayer', () => averageLayer(), 2],
    ['averageLayer of 4', () => averageLayer({ inputs: 4 }), 4],
    ['concatenateLayer', () => concatenateLayer(), 2],
  ];
  it.each(merges)('%s', (_name, make, n) => {
    const layer = make();
    const xs = Array.from({ length: n }, (_, k) => f64([3, 2, 4], k));
    const res = gradcheck((...ins) => layer.forward(ins, ctx), xs);
    expect(res.passed).toBe(true);
    expect(res.worst).not.toBeNull();
  });

  it.each([0, 1, -1, -2])('concatenateLayer along per-sample axis %i', (axis) => {
    // Per-sample shapes that differ only on the joined axis.
    const a = [2, 3];
    const b = a.map((d, i) => (i === (axis + 2) % 2 ? d + 2 : d));
    const layer = concatenateLayer({ axis });
    const res = gradcheck(
      (x, y) => layer.forward([x, y], ctx),
      [f64([2, ...a]), f64([2, ...b], 1)],
    );
    expect(res.passed).toBe(true);
  });

  it('known values: the product rule and the averages', () => {
    const a = tensor([[2, -3]], { dtype: 'float64' });
    const b = tensor([[0.5, 4]], { dtype: 'float64' });
    const c = tensor([[1, -1]], { dtype: 'float64' });
    // Π = [2·0.5·1, −3·4·(−1)] = [1, 12]; mean = [(2 + 0.5 + 1)/3, (−3 + 4 − 1)/3] = [7/6, 0].
    expect(multiplyLayer({ inputs: 3 }).forward([a, b, c], ctx).toArray()).toEqual([[1, 12]]);
    expect(averageLayer({ inputs: 3 }).forward([a, b, c], ctx).toArray()).toEqual([[3.5 / 3, 0]]);
    expect(concatenateLayer({ inputs: 3 }).forward([a, b, c], ctx).toArray()).toEqual([
      [2, -3, 0.5, 4, 1, -1],
    ]);
  });
});

describe('gradcheck: dense on rank-3 input (float64)', () => {
  const acts: [string, Activation][] = [
    ['identity', identity],
    ['relu (fused into the product)', relu],
    ['sigmoid', sigmoid],
    ['tanh', tanh],
    ['gelu', gelu],
    ['softmax (along the last axis of a rank-3 output)', softmax],
  ];
  it.each(acts)('%s', (_name, activation) => {
    const layer = dense(4, 3, { activation, dtype: 'float64', rng: createRng(4) });
    const x = f64([2, 5, 4]);
    if (activation === relu) {
      // Central differences straddling relu's corner are meaningless: the
      // pre-activations must keep clear of 0 (by more than the step, 1e-6).
      const z = dense(4, 3, {
        dtype: 'float64',
        kernel: layer.kernel,
        bias: layer.bias!,
      }).forward(x, ctx);
      expect(Math.min(...Array.from(z.data, Math.abs))).toBeGreaterThan(1e-3);
      expect(Array.from(z.data).some((v) => v < 0)).toBe(true);
    }
    const res = gradcheck(
      (xi, k, b) => {
        // The layer's own parameters are perturbed in place (gradcheck uses leaves as they are).
        expect(k).toBe(layer.kernel);
        expect(b).toBe(layer.bias);
        return layer.forward(xi, ctx);
      },
      [x, layer.kernel, layer.bias!],
    );
    expect(res.passed).toBe(true);
  });

  it('acts on the last axis: row (i, t) of a rank-3 batch is dense on that row', () => {
    const layer = dense(2, 1, { kernel: [[1], [2]], bias: [0.5], dtype: 'float64' });
    // y = x₀ + 2x₁ + 0.5 for each of the 2 × 2 rows.
    const y = layer.forward(
      tensor(
        [
          [
            [1, 1],
            [0, -1],
          ],
          [
            [2, 0.5],
            [-3, 4],
          ],
        ],
        { dtype: 'float64' },
      ),
      ctx,
    );
    expect(y.shape).toEqual([2, 2, 1]);
    expect(y.toArray()).toEqual([
      [[3.5], [-1.5]],
      [[3.5], [5.5]],
    ]);
  });
});

describe('gradcheck: reshape and a residual graph model (float64)', () => {
  it('reshapeLayer', () => {
    const layer = reshapeLayer([3, -1]);
    const res = gradcheck((x) => layer.forward(x, ctx), [f64([2, 2, 3])]);
    expect(res.passed).toBe(true);
  });

  it('a graph with a residual and a shared layer, through model.forward', () => {
    const rng = createRng(5);
    const x = input([3], { dtype: 'float64' });
    const shared = dense(3, 3, { activation: tanh, rng, dtype: 'float64' });
    const h = shared.apply(x);
    const r = addLayer().apply([x, shared.apply(h)]);
    const out = dense(6, 2, { activation: sigmoid, rng, dtype: 'float64' }).apply(
      concatenateLayer().apply([r, multiplyLayer().apply([h, r])]),
    );
    const model = graph({ inputs: x, outputs: out });
    const params = model.layers.flatMap((l) => Object.values(l.params));
    expect(params).toHaveLength(4);
    const res = gradcheck((xi) => model.forward(xi, ctx), [f64([4, 3]), ...params]);
    expect(res.passed).toBe(true);
  });
});
