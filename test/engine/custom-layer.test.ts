// The contract is open: layers written here, outside src/, with their own
// kernels declared over buffers, run on every path of the engine (autograd
// through layerForward, predict's plan, fit's step, graph models, the model
// format) with nothing in src/ knowing them, and pass the same parity tests
// as the built-in layers.
//
// - prelu: a parametric relu, y = x for x > 0 and αⱼ·x otherwise, with one
//   learnable slope per feature (the last axis; He et al. 2015,
//   arXiv:1502.01852).
// - runningCenter: y = x − m with m a running mean of the inputs per feature,
//   layer STATE (not a parameter): updated only in training mode, after the
//   output is computed, as m ← μ·m + (1 − μ)·(batch mean); saved with the model.
import { describe, expect, it } from 'vitest';
import { shapeSize } from '../../src/_lib/shape.js';
import type { FloatDType } from '../../src/_lib/typed.js';
import {
  adam,
  addLayer,
  applyLayer,
  createRng,
  crossEntropy,
  dense,
  fit,
  fromJSON,
  gradcheck,
  graph,
  input,
  l1,
  l2,
  layerForward,
  mse,
  namedParameters,
  optimizerFromJSON,
  predict,
  sequential,
  summary,
  tanh,
  tensor,
  toJSON,
  type CompiledLayer,
  type CustomLayerBuilder,
  type Layer,
  type LayerRegularizers,
  type Tensor,
} from '../../src/index.js';
import { changed, checkParity, data, expectSame, labels, type ParityCase } from './_parity.js';

interface PReluConfig {
  readonly width: number;
  readonly dtype: FloatDType;
}

interface PReluOptions {
  alpha?: Tensor;
  dtype?: FloatDType;
  name?: string;
  regularizers?: LayerRegularizers;
}

function prelu(width: number, options: PReluOptions = {}): Layer<'prelu', PReluConfig> {
  const dtype = options.dtype ?? 'float32';
  // Slopes 0.1, 0.15, 0.2, ... unless given (as the loader gives the saved ones).
  const alpha =
    options.alpha ??
    tensor(
      Array.from({ length: width }, (_, j) => 0.1 + 0.05 * j),
      { dtype, requiresGrad: true },
    );
  const layer: Layer<'prelu', PReluConfig> = {
    kind: 'prelu',
    config: { width, dtype },
    params: { alpha },
    trainable: true,
    inputShape: [width],
    dtype,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.regularizers === undefined ? {} : { regularizers: options.regularizers }),
    outputShape: (s) => [...s],
    compile(inShapes): CompiledLayer {
      const per = shapeSize(inShapes[0]!);
      return {
        outShapes: [inShapes[0]!],
        forward(io) {
          const x = io.inputs[0]!,
            y = io.outputs[0]!,
            a = alpha.data;
          for (let i = 0, n = io.rows * per; i < n; i++) {
            const v = x[i]!;
            y[i] = v > 0 ? v : a[i % width]! * v;
          }
        },
        // ∂x = g (x > 0) or αⱼ·g; ∂αⱼ = Σ over rows of g·x where x ≤ 0.
        backward(io) {
          const x = io.inputs[0]!,
            g = io.gradOutputs[0]!,
            a = alpha.data;
          const n = io.rows * per;
          const gx = io.gradInputs[0];
          if (gx !== null && gx !== undefined)
            for (let i = 0; i < n; i++) gx[i] = x[i]! > 0 ? g[i]! : a[i % width]! * g[i]!;
          const ga = io.gradParams.alpha;
          if (ga !== null && ga !== undefined) {
            ga.fill(0);
            for (let i = 0; i < n; i++)
              if (!(x[i]! > 0)) ga[i % width] = ga[i % width]! + g[i]! * x[i]!;
          }
        },
      };
    },
    forward: (x, ctx) => layerForward(layer, x, ctx),
  };
  return layer;
}

interface RunningCenterConfig {
  readonly width: number;
  readonly momentum: number;
}

function runningCenter(width: number, momentum = 0.8): Layer<'runningCenter', RunningCenterConfig> {
  const mean = tensor(new Float32Array(width), { shape: [width] });
  const layer: Layer<'runningCenter', RunningCenterConfig> = {
    kind: 'runningCenter',
    config: { width, momentum },
    params: {},
    state: { mean },
    trainable: true,
    inputShape: [width],
    outputShape: (s) => [...s],
    compile(inShapes): CompiledLayer {
      const per = shapeSize(inShapes[0]!);
      const batchMean = new Float64Array(width);
      return {
        outShapes: [inShapes[0]!],
        forward(io) {
          const x = io.inputs[0]!,
            y = io.outputs[0]!,
            m = mean.data;
          const n = io.rows * per;
          for (let i = 0; i < n; i++) y[i] = x[i]! - m[i % width]!;
          if (!io.training || n === 0) return;
          batchMean.fill(0);
          for (let i = 0; i < n; i++) batchMean[i % width] = batchMean[i % width]! + x[i]!;
          const count = n / width;
          for (let j = 0; j < width; j++)
            m[j] = momentum * m[j]! + (1 - momentum) * (batchMean[j]! / count);
        },
        // m is a constant of the objective: ∂x = g.
        backward(io) {
          io.gradInputs[0]?.set(io.gradOutputs[0]!);
        },
      };
    },
    forward: (x, ctx) => layerForward(layer, x, ctx),
  };
  return layer;
}

// The loader's builders: the layer rebuilt from its config and saved weights
// (the state is copied in by the loader afterwards).
const builders: Record<string, CustomLayerBuilder> = {
  prelu: (config, weights, context) =>
    prelu(config.width as number, {
      alpha: weights.alpha!,
      dtype: config.dtype as FloatDType,
      ...(context.regularizers === undefined ? {} : { regularizers: context.regularizers }),
    }),
  runningCenter: (config) => runningCenter(config.width as number, config.momentum as number),
};

const cases: ParityCase[] = [
  ...(['float32', 'float64'] as const).map((dtype): ParityCase => ({
    name: `prelu between dense layers, ${dtype}`,
    build: () => {
      const rng = createRng(21);
      return sequential([
        dense(3, 5, { rng, dtype }),
        prelu(5, { dtype }),
        dense(5, 2, { rng, dtype }),
      ]);
    },
    x: data([10, 3], dtype),
    y: data([10, 2], dtype, 1),
    loss: mse,
  })),
  {
    name: 'prelu on rank-3 input with an l2 penalty on its slopes and an activity penalty',
    build: () => {
      const rng = createRng(22);
      return sequential([
        dense(4, 3, { rng }),
        prelu(3, { regularizers: { params: { alpha: l2(0.1) }, activity: l1(0.01) } }),
        dense(3, 2, { rng }),
      ]);
    },
    x: data([6, 5, 4]),
    y: data([6, 5, 2], 'float32', 2),
    loss: mse,
  },
  {
    name: 'prelu shared between two branches of a graph, and a residual',
    build: () => {
      const rng = createRng(23);
      const x = input([4]);
      const act = prelu(4, { name: 'shared' });
      const h = applyLayer(act, dense(4, 4, { rng }).apply(x))[0]!;
      const r = addLayer().apply([x, applyLayer(act, dense(4, 4, { rng }).apply(h))[0]!]);
      return graph({ inputs: x, outputs: dense(4, 3, { rng }).apply(r) });
    },
    x: data([10, 4]),
    y: labels(10, 3),
    loss: crossEntropy,
  },
  {
    name: 'a stateful layer (running mean updated in training) before a dense layer',
    build: () => {
      const rng = createRng(24);
      return sequential([
        dense(3, 4, { activation: tanh, rng }),
        runningCenter(4),
        prelu(4),
        dense(4, 2, { rng }),
      ]);
    },
    x: data([11, 3]),
    y: data([11, 2], 'float32', 3),
    loss: mse,
  },
];

describe('a custom layer with its own kernel runs on every path', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(c);
  });

  it('takes the same gradients as central differences (float64 gradcheck)', () => {
    const layer = prelu(3, { dtype: 'float64' });
    const ctx = { training: true, rng: createRng(0) };
    // Inputs away from the kink at 0: both signs in every feature.
    const x = tensor(
      [
        [0.7, -1.3, 0.4],
        [-0.6, 2.1, -0.9],
      ],
      { dtype: 'float64' },
    );
    const res = gradcheck(
      (xi, a) => {
        expect(a).toBe(layer.params.alpha);
        return layer.forward(xi, ctx);
      },
      [x, layer.params.alpha!],
    );
    expect(res.passed).toBe(true);
    // Known values: y = x where x > 0, αⱼ·x elsewhere (α = 0.1, 0.15, 0.2).
    const y = layer.forward(x, ctx).toArray() as number[][];
    expect(y[0]![1]).toBeCloseTo(-1.3 * 0.15, 15);
    expect(y[1]![0]).toBeCloseTo(-0.6 * 0.1, 15);
    expect(y[1]![1]).toBe(2.1);
  });

  it('records one autograd node per call, whose backward is the declared one', () => {
    const layer = prelu(2);
    const y = layer.forward(tensor([[1, -2]]), { training: true, rng: createRng(0) });
    expect(y.node?.op).toBe('prelu');
    expect(y.node?.inputs[1]).toBe(layer.params.alpha);
  });

  it('shows in summary and is named like the built-in layers', () => {
    const m = sequential([dense(2, 3, { rng: createRng(1) }), prelu(3), runningCenter(3)]);
    expect(m.layerNames).toEqual(['dense', 'prelu', 'runningCenter']);
    const text = summary(m);
    expect(text).toContain('prelu');
    expect(text).toContain('runningCenter');
  });
});

describe('layer state', () => {
  const x = data([12, 3]);
  const y = data([12, 2], 'float32', 4);
  const build = (): ReturnType<typeof sequential> => {
    const rng = createRng(25);
    return sequential([dense(3, 4, { rng }), runningCenter(4), prelu(4), dense(4, 2, { rng })]);
  };

  it('changes in training only, and is never handed to the optimizer', async () => {
    const m = build();
    const mean = m.layers[1]!.state!.mean!;
    const before = mean.data.slice();
    predict(m, x);
    m.forward(x, { training: false, rng: createRng(0) });
    expect(mean.data).toEqual(before);
    const seen = new Set<Tensor>();
    const opt = adam({ learningRate: 0.01 });
    const watching = Object.create(opt) as typeof opt;
    Object.defineProperty(watching, 'step', {
      value: (params: readonly Tensor[], grads?: readonly (Tensor | null)[]) => {
        for (const p of params) seen.add(p);
        opt.step(params, grads);
      },
    });
    await fit(m, x, y, {
      loss: mse,
      optimizer: watching,
      epochs: 1,
      batchSize: 4,
      rng: createRng(1),
    });
    expect(changed(before, mean.data)).toBe(true);
    expect(seen.has(mean)).toBe(false);
    expect(seen.size).toBe(5); // two kernels, two biases, the slopes
    expect(namedParameters(m).map((q) => q.name)).toEqual([
      'layers.0.kernel',
      'layers.0.bias',
      'layers.2.alpha',
      'layers.3.kernel',
      'layers.3.bias',
    ]);
  });

  it('round-trips through toJSON/fromJSON bit for bit, and training resumes on the same trajectory', async () => {
    const m = build();
    const opt = adam({ learningRate: 0.02 });
    await fit(m, x, y, { loss: mse, optimizer: opt, epochs: 2, batchSize: 5, rng: createRng(2) });
    const saved = JSON.parse(JSON.stringify(toJSON(m, { optimizer: opt }))) as ReturnType<
      typeof toJSON
    >;
    expect(Object.keys(saved.model.layers[1]!.state ?? {})).toEqual(['mean']);
    // Without the builders the file names the kind it does not know.
    expect(() => fromJSON(saved)).toThrow(
      /register others with options\.layers\), got "runningCenter"/,
    );
    const copy = fromJSON(saved, { layers: builders });
    const copyOpt = optimizerFromJSON(saved, copy);
    expectSame(copy.layers[1]!.state!.mean!.data, m.layers[1]!.state!.mean!.data, 'state');
    expect(m.layers[1]!.state!.mean!.data.some((v) => v !== 0)).toBe(true);
    expectSame(predict(copy, x).data, predict(m, x).data, 'predictions');
    namedParameters(copy).forEach((q, i) => {
      expectSame(q.tensor.data, namedParameters(m)[i]!.tensor.data, q.name);
    });

    // One more epoch on each: the same weights, Adam moments and state.
    await fit(m, x, y, { loss: mse, optimizer: opt, epochs: 1, batchSize: 5, rng: createRng(3) });
    await fit(copy, x, y, {
      loss: mse,
      optimizer: copyOpt,
      epochs: 1,
      batchSize: 5,
      rng: createRng(3),
    });
    namedParameters(copy).forEach((q, i) => {
      expectSame(q.tensor.data, namedParameters(m)[i]!.tensor.data, `${q.name} after resuming`);
    });
    expectSame(
      copy.layers[1]!.state!.mean!.data,
      m.layers[1]!.state!.mean!.data,
      'state after resuming',
    );
    expectSame(predict(copy, x).data, predict(m, x).data, 'predictions after resuming');
  });

  it('refuses a saved state the rebuilt layer does not have', () => {
    const saved = JSON.parse(JSON.stringify(toJSON(build()))) as {
      model: { layers: { state?: Record<string, unknown> }[] };
    };
    const layer = saved.model.layers[1]!;
    layer.state = { ...layer.state, variance: layer.state!.mean };
    expect(() => fromJSON(saved, { layers: builders })).toThrow(
      /model\.layers\[1\]\.state has unknown state "variance"; the runningCenter layer has mean/,
    );
  });
});
