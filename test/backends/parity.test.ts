import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType } from '../../src/_lib/typed.js';
import { relu } from '../../src/activations/relu.js';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { logSoftmax, softmax } from '../../src/activations/softmax.js';
import { tanh } from '../../src/activations/tanh.js';
import { valueAndGrad } from '../../src/autograd/functional.js';
import { getBackend } from '../../src/kernels/backend.js';
import { useJs, useWasm } from '../../src/kernels/wasm/index.js';
import { limits } from '../../src/kernels/wasm/kernels.js';
import { dense } from '../../src/layers/dense.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import type { Sequential } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { add } from '../../src/ops/add.js';
import { matmul } from '../../src/ops/matmul.js';
import { sum } from '../../src/ops/sum.js';
import { transpose } from '../../src/ops/transpose.js';
import { adam } from '../../src/optimizers/adam.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';

// The same ops, layers, predictions and training on the JS kernels and on the
// WebAssembly SIMD kernels must agree within float32 tolerance. Every size
// goes through the SIMD code here (the wrappers' small-size thresholds are
// set to 0), including the awkward sizes that exercise the SIMD tails.

const SIZES = [0, 1, 3, 5, 17, 129];
const saved = { ...limits };

beforeAll(async () => {
  expect(await useWasm()).toBe(true);
  useJs();
});
afterAll(() => {
  Object.assign(limits, saved);
  useJs();
});

/** Runs `fn` on the JS kernels, then on WebAssembly (every size through SIMD), and returns both results. */
async function onBoth<T>(fn: () => T | Promise<T>): Promise<{ js: T; wasm: T }> {
  useJs();
  expect(getBackend()).toBe('js');
  const js = await fn();
  await useWasm();
  limits.matmulWork = 0;
  limits.elements = 0;
  expect(getBackend()).toBe('wasm');
  try {
    const wasm = await fn();
    return { js, wasm };
  } finally {
    Object.assign(limits, saved);
    useJs();
  }
}

function rand(shape: number[], seed: number, dtype: DType = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed);
  const d = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniform(-1, 1);
  return new Tensor(d, shape, true);
}

/** float32 tolerance scaled by the length of the sums involved. */
const tol = (k: number) => ({ atol: 1e-5 * Math.max(1, Math.sqrt(k)), rtol: 1e-5 });

function flat(ts: readonly Tensor[]): number[][] {
  return ts.map((t) => Array.from(t.data));
}

describe('backend parity: ops with their gradients', () => {
  it('matmul (forward and both input gradients) for sizes 0, 1, 3, 5, 17, 129', async () => {
    for (const m of SIZES)
      for (const k of [1, 5, 129])
        for (const n of [0, 3, 17]) {
          const a = rand([m, k], m * 100 + k),
            b = rand([k, n], k * 100 + n);
          const f = () => {
            const r = valueAndGrad((x: Tensor, y: Tensor) => sum(matmul(x, y)))(a, b);
            return [Array.from(matmul(a, b).data), ...flat(r.grads)];
          };
          const { js, wasm } = await onBoth(f);
          js.forEach((v, i) => {
            expectClose(wasm[i]!, v, tol(k + m + n));
          });
        }
  });

  it('transposed products through autograd (matmul of a transpose)', async () => {
    const a = rand([17, 5], 1),
      b = rand([17, 3], 2);
    const { js, wasm } = await onBoth(() => {
      const r = valueAndGrad((x: Tensor, y: Tensor) => sum(matmul(transpose(x), y)))(a, b);
      return [Array.from(matmul(transpose(a), b).data), ...flat(r.grads)];
    });
    js.forEach((v, i) => {
      expectClose(wasm[i]!, v, tol(17));
    });
  });

  it('relu, softmax, log-softmax and crossEntropy forward and backward', async () => {
    for (const rows of SIZES)
      for (const cols of [1, 3, 5, 17, 129]) {
        const x = rand([rows, cols], rows * 1000 + cols);
        const labels = Array.from({ length: rows }, (_, i) => (i * 7) % cols);
        const { js, wasm } = await onBoth(() => {
          const out: number[][] = [];
          for (const f of [relu, softmax, logSoftmax, sigmoid, tanh]) {
            out.push(Array.from(f(x).data));
            out.push(...flat(valueAndGrad((t: Tensor) => sum(f(add(t, t))))(x).grads));
          }
          if (rows > 0) {
            const r = valueAndGrad((t: Tensor) => crossEntropy(t, labels))(x);
            out.push(Array.from(r.value.data), ...flat(r.grads));
          }
          return out;
        });
        js.forEach((v, i) => {
          expectClose(wasm[i]!, v, tol(cols));
        });
      }
  });

  it('float64 work runs on the JS kernels under either backend: bit-identical', async () => {
    const a = rand([17, 129], 3, 'float64'),
      b = rand([129, 5], 4, 'float64');
    const { js, wasm } = await onBoth(() => {
      const r = valueAndGrad((x: Tensor, y: Tensor) => sum(relu(matmul(x, y))))(a, b);
      return [Array.from(matmul(a, b).data), ...flat(r.grads)];
    });
    expect(wasm).toEqual(js);
  });
});

describe('backend parity: layers', () => {
  it('dense forward and gradients (relu fused, sigmoid, no bias) at awkward sizes', async () => {
    for (const rows of [1, 3, 17, 129])
      for (const [inputs, units] of [
        [1, 1],
        [5, 3],
        [17, 129],
        [129, 5],
      ] as const) {
        const x = rand([rows, inputs], rows + inputs);
        const { js, wasm } = await onBoth(() => {
          const out: number[][] = [];
          for (const opts of [{ activation: relu }, { activation: sigmoid }, { useBias: false }]) {
            const layer = dense(inputs, units, { ...opts, rng: createRng(7) });
            const ps = Object.values(layer.params);
            // Differentiate with respect to the input and every param (the leaves are the tensors passed).
            const r = valueAndGrad((...args: Tensor[]) =>
              sum(layer.forward(args[0]!, { training: true, rng: createRng(0) })),
            )(x, ...ps);
            out.push(Array.from(r.value.data), ...flat(r.grads));
          }
          return out;
        });
        js.forEach((v, i) => {
          expectClose(wasm[i]!, v, tol(rows * inputs));
        });
      }
  });
});

describe('backend parity: predict and training', () => {
  const mlp = (): Sequential =>
    sequential([
      dense(17, 33, { activation: relu, rng: createRng(1) }),
      dense(33, 5, { activation: tanh, rng: createRng(2) }),
      dense(5, 3, { rng: createRng(3) }),
    ]);

  it('predict (compiled plan) agrees', async () => {
    const x = rand([129, 17], 9);
    const { js, wasm } = await onBoth(() => Array.from(predict(mlp(), x).data));
    expectClose(wasm, js, tol(33));
  });

  it('fit with the fused step agrees: losses and weights after 5 epochs (crossEntropy, Adam)', async () => {
    const x = rand([130, 17], 10);
    const y = new Tensor(
      Float32Array.from({ length: 130 }, (_, i) => i % 3),
      [130],
    );
    const { js, wasm } = await onBoth(async () => {
      const model = mlp();
      const h = await fit(model, x, y, {
        loss: crossEntropy,
        optimizer: adam({ learningRate: 0.01 }),
        epochs: 5,
        batchSize: 17,
        rng: createRng(4),
      });
      return { loss: h.loss, weights: flat(namedParameters(model).map((q) => q.tensor)) };
    });
    expectClose(wasm.loss, js.loss, { atol: 1e-4, rtol: 1e-4 });
    js.weights.forEach((w, i) => {
      expectClose(wasm.weights[i]!, w, { atol: 1e-4, rtol: 1e-4 });
    });
    expect(js.loss.at(-1)!).toBeLessThan(js.loss[0]!);
  });

  it('fit agrees on mse with SGD momentum and weight decay', async () => {
    const x = rand([64, 17], 11);
    const y = rand([64, 3], 12);
    const { js, wasm } = await onBoth(async () => {
      const model = mlp();
      const h = await fit(model, x, y, {
        loss: mse,
        optimizer: sgd({ learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3 }),
        epochs: 4,
        batchSize: 5,
        rng: createRng(6),
      });
      return { loss: h.loss, weights: flat(namedParameters(model).map((q) => q.tensor)) };
    });
    expectClose(wasm.loss, js.loss, { atol: 1e-4, rtol: 1e-4 });
    js.weights.forEach((w, i) => {
      expectClose(wasm.weights[i]!, w, { atol: 1e-4, rtol: 1e-4 });
    });
  });
});
