// A layer of your own with its own kernel: a learnable scale and shift per
// feature, y = x·γ + β. Its math is written once, over buffers; fit, predict
// and autograd all run it. Run: npx tsx examples/custom-layer.ts
import { accuracy, activation, adam, argmax, createRng, crossEntropy, dense } from 'myelin';
import { evaluate, fit, fromJSON, layerForward, predict, randomUniform, relu } from 'myelin';
import { sequential, tensor, toJSON, type CompiledLayer, type Layer, type Tensor } from 'myelin';

type ScaleShift = Layer<'scaleShift', { width: number }>;

function scaleShift(width: number, saved: { gamma?: Tensor; beta?: Tensor } = {}): ScaleShift {
  const gamma = saved.gamma ?? tensor(new Float32Array(width).fill(1), { requiresGrad: true });
  const beta = saved.beta ?? tensor(new Float32Array(width), { requiresGrad: true });
  const layer: ScaleShift = {
    kind: 'scaleShift',
    config: { width },
    params: { gamma, beta },
    trainable: true,
    inputShape: [width],
    outputShape: (shape) => [...shape],
    compile: (shapes): CompiledLayer => {
      const n = shapes[0]!.reduce((a, b) => a * b, 1); // elements per sample
      return {
        outShapes: [shapes[0]!],
        forward(io) {
          const [x, y, g, b] = [io.inputs[0]!, io.outputs[0]!, gamma.data, beta.data];
          for (let i = 0; i < io.rows * n; i++) y[i] = x[i]! * g[i % width]! + b[i % width]!;
        },
        // ∂x = ∂y·γ, ∂γ = Σ ∂y·x, ∂β = Σ ∂y over the batch; null means "not needed".
        backward(io) {
          const [x, dy, dx] = [io.inputs[0]!, io.gradOutputs[0]!, io.gradInputs[0]];
          const { gamma: dg, beta: db } = io.gradParams;
          dg?.fill(0);
          db?.fill(0);
          for (let i = 0; i < io.rows * n; i++) {
            const j = i % width;
            if (dx) dx[i] = dy[i]! * gamma.data[j]!;
            if (dg) dg[j] = dg[j]! + dy[i]! * x[i]!;
            if (db) db[j] = db[j]! + dy[i]!;
          }
        },
      };
    },
    forward: (x, ctx) => layerForward(layer, x, ctx), // autograd: one node, the backward above
  };
  return layer;
}

// Three features in [0, 1); the label is the index of the largest.
const rng = createRng(7);
const x = randomUniform([600, 3], { rng });
const y = argmax(x, { axis: -1 });
const model = sequential([
  dense(3, 16, { rng }),
  scaleShift(16),
  activation(relu),
  dense(16, 3, { rng }),
]);
await fit(model, x, y, {
  loss: crossEntropy,
  optimizer: adam({ learningRate: 0.02 }),
  epochs: 20,
  rng,
});
const { metrics } = evaluate(model, x, y, { loss: crossEntropy, metrics: [accuracy] });
console.log(`accuracy ${metrics.accuracy!.toFixed(3)}`);

// Saving needs nothing; loading is told how to rebuild the kind from its config and weights.
const copy = fromJSON(JSON.parse(JSON.stringify(toJSON(model))), {
  layers: { scaleShift: (config, weights) => scaleShift(config.width as number, weights) },
});
const [mine, theirs] = [predict(model, x).data, predict(copy, x).data];
const same = mine.every((v, i) => v === theirs[i]);
console.log(`the loaded copy predicts the same: ${same}`);
