// Pieces written outside src/ as a user would write them (a two-input layer
// with its own kernel, a forward-only layer of the earlier contract, custom
// activations, a regularizer and a loss with no kernel) run on every path
// and give the same numbers there: autograd, predict's plan and fit's step.
import { describe, it } from 'vitest';
import { shapeSize } from '../../src/_lib/shape.js';
import {
  applyLayer,
  createRng,
  defineActivation,
  dense,
  graph,
  input,
  layerForward,
  mse,
  mul,
  sum,
  square,
  sub,
  mean,
  tanh,
  sigmoid,
  sequential,
  tensor,
  exp,
  div,
  crossEntropy,
  type CompiledLayer,
  type Layer,
  type Regularizer,
  type Tensor,
  type Loss,
} from '../../src/index.js';
import { checkParity, data, labels } from './_parity.js';

// A two-input layer: y = a·α + b·(1 − α), α learnable per feature.
function mix(width: number): Layer<'mix', { width: number }> {
  const alpha = tensor(
    Array.from({ length: width }, (_, j) => 0.2 + 0.1 * j),
    { requiresGrad: true },
  );
  const layer: Layer<'mix', { width: number }> = {
    kind: 'mix',
    config: { width },
    params: { alpha },
    trainable: true,
    inputShape: null,
    arity: 2,
    outputShape: (s) => [...s],
    outputShapes: (s) => [...s[0]!],
    compile(shapes): CompiledLayer {
      const n = shapeSize(shapes[0]!);
      return {
        outShapes: [shapes[0]!],
        forward(io) {
          const [a, b] = io.inputs as [Float32Array, Float32Array];
          const y = io.outputs[0]!;
          const al = alpha.data;
          for (let i = 0; i < io.rows * n; i++) {
            const j = i % width;
            y[i] = a[i]! * al[j]! + b[i]! * (1 - al[j]!);
          }
        },
        backward(io) {
          const [a, b] = io.inputs;
          const gy = io.gradOutputs[0]!;
          const [ga, gb] = io.gradInputs;
          const gal = io.gradParams.alpha;
          gal?.fill(0);
          const al = alpha.data;
          for (let i = 0; i < io.rows * n; i++) {
            const j = i % width;
            if (ga) ga[i] = gy[i]! * al[j]!;
            if (gb) gb[i] = gy[i]! * (1 - al[j]!);
            if (gal) gal[j] = gal[j]! + gy[i]! * (a![i]! - b![i]!);
          }
        },
      };
    },
    // Called with the array of inputs at run time (the Layer type names one tensor).
    forward: (xs, ctx) => layerForward(layer, xs, ctx),
  };
  return layer;
}
// legacy: y = tanh(x)·s, s learnable
function legacyScale(width: number): Layer {
  const s = tensor(
    Array.from({ length: width }, (_, j) => 0.5 + 0.25 * j),
    { requiresGrad: true },
  );
  return {
    kind: 'legacyScale',
    config: { width },
    params: { s },
    trainable: true,
    inputShape: [width],
    outputShape: (sh) => [...sh],
    forward: (x) => mul(tanh(x), s),
  };
}
const myL2 = (f: number): Regularizer => ({
  kind: 'myL2',
  config: { factor: f },
  penalty: (w) => mul(sum(square(w)), f),
});
const mish = defineActivation('mySig', (x) => mul(x, sigmoid(x)));
const mySoftmax = defineActivation('mySoftmax', (x) => {
  const e = exp(x);
  return div(e, sum(e, { axis: -1, keepDims: true }));
});
const myLoss = Object.assign((p: Tensor, t: Tensor) => mean(square(sub(p, t))), {
  lossName: 'myLoss',
}) as Loss;

describe('user-written pieces on every path', () => {
  it('a two-input layer with a parameter, in a graph model with a custom activation and regularizer', async () => {
    await checkParity({
      name: 'mix',
      build: () => {
        const rng = createRng(1);
        const a = input([3]);
        const b = input([3]);
        const ha = dense(3, 4, { rng, activation: mish }).apply(a);
        const hb = dense(3, 4, { rng, kernelRegularizer: myL2(0.01) }).apply(b);
        const m = applyLayer(mix(4), [ha, hb]);
        return graph({ inputs: [a, b], outputs: dense(4, 2, { rng }).apply(m) });
      },
      x: [data([10, 3]), data([10, 3], 'float32', 1)],
      y: data([10, 2], 'float32', 2),
      loss: mse,
    });
  });
  it('a forward-only layer with a parameter, and a custom softmax before crossEntropy', async () => {
    await checkParity({
      name: 'legacy',
      build: () => {
        const rng = createRng(1);
        return sequential([
          dense(3, 4, { rng }),
          legacyScale(4),
          dense(4, 3, { rng, activation: mySoftmax }),
        ]);
      },
      x: data([10, 3]),
      y: labels(10, 3),
      loss: crossEntropy,
    });
  });
  it('a loss function with no kernel, and a custom activity regularizer', async () => {
    await checkParity({
      name: 'loss',
      build: () => {
        const rng = createRng(1);
        return sequential([
          dense(3, 4, { rng, activation: tanh, activityRegularizer: myL2(0.1) }),
          dense(4, 2, { rng }),
        ]);
      },
      x: data([10, 3]),
      y: data([10, 2], 'float32', 3),
      loss: myLoss,
    });
  });
});
