// Shared by the Node and the browser tests of the thread pool: the kernel
// calls whose results must be the same bits on 1 and 2 threads.
import { afterAll, beforeAll, expect } from 'vitest';
import type { ConvGeometry } from '../../src/kernels/js/conv.js';
import type { PoolGeometry } from '../../src/kernels/js/pool.js';
import { convBackwardWasm, convForwardWasm } from '../../src/kernels/wasm/conv.js';
import { useJs } from '../../src/kernels/wasm/index.js';
import { adamWasm, limits, matmulWasm, sgdWasm } from '../../src/kernels/wasm/kernels.js';
import { closeThreads, threadLimits } from '../../src/kernels/wasm/threads/runtime.js';
import { adamResident, syncResident } from '../../src/kernels/wasm/resident.js';
import { maxPoolBackwardWasm, maxPoolWasm } from '../../src/kernels/wasm/pool.js';
import { dense } from '../../src/layers/dense.js';
import { gru } from '../../src/layers/gru.js';
import { lstm } from '../../src/layers/lstm.js';
import { simpleRnn } from '../../src/layers/simple-rnn.js';
import { mse } from '../../src/losses/mse.js';
import { namedParameters } from '../../src/models/parameters.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { createRng } from '../../src/random/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/training/fit.js';

/**
 * Registers hooks that send every size through the SIMD code and, with 2
 * threads, through the split (restored after the file, with the JS kernels
 * back and the pool closed).
 */
export function everySizeThroughThreads(): void {
  const saved = { ...limits, ...threadLimits };
  beforeAll(() => {
    limits.matmulWork = 0;
    limits.elements = 0;
    threadLimits.matmulWork = 0;
    threadLimits.matmulWorkInMemory = 0;
    threadLimits.convWork = 0;
    threadLimits.poolWork = 0;
    threadLimits.updateElements = 0;
  });
  afterAll(() => {
    Object.assign(limits, { matmulWork: saved.matmulWork, elements: saved.elements });
    Object.assign(threadLimits, {
      matmulWork: saved.matmulWork,
      matmulWorkInMemory: saved.matmulWorkInMemory,
      convWork: saved.convWork,
      poolWork: saved.poolWork,
      updateElements: saved.updateElements,
    });
    closeThreads();
    useJs();
  });
}

export function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

export const SIZES = [0, 1, 3, 17, 129, 1000];
// [m, k, n]: square, tall (split by rows), wide (split by columns), k = 0 and 1;
// then products of several packed blocks (depth above KC = 512, columns above
// NC = 1024), split by rows and by columns
export const SHAPES: [number, number, number][] = [
  ...SIZES.flatMap((s): [number, number, number][] => [
    [s, s, s],
    [s, 33, 5],
    [5, 33, s],
    [s, 0, 17],
    [17, 1, s],
  ]),
  [129, 600, 17],
  [1032, 9, 1030],
  [20, 520, 1100],
  [17, 1100, 129],
];

/** Every product (NN, NT, TN, TT) of every shape, as one list of outputs. */
export function products(): Float32Array[] {
  const out: Float32Array[] = [];
  let seed = 1;
  for (const [m, k, n] of SHAPES) {
    const a = random(m * k, seed++);
    const b = random(k * n, seed++);
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const c = new Float32Array(m * n).fill(Number.NaN); // overwritten, never read
      matmulWasm(a, b, c, m, k, n, ta, tb);
      out.push(c);
    }
  }
  return out;
}

export function sameBits(x: Float32Array[], y: Float32Array[]): void {
  expect(y.length).toBe(x.length);
  for (let i = 0; i < x.length; i++) {
    const a = new Uint32Array((x[i] as Float32Array).buffer);
    const b = new Uint32Array((y[i] as Float32Array).buffer);
    expect(b.length, `product ${i}`).toBe(a.length);
    let diff = -1;
    for (let j = 0; j < a.length && diff < 0; j++) if (a[j] !== b[j]) diff = j;
    expect(diff, `product ${i}: first differing element`).toBe(-1);
  }
}

// Direct convolutions (3x3 over 1 and 3 channels, 8 filters, 6x6 images, padding 1)
// and 2x2 max pooling over 5 channels (SIMD lanes plus a scalar tail), at batch sizes 0, 1, 3, 17, 129, 1000.
export function convGeometry(inC: number): ConvGeometry {
  return {
    inH: 6,
    inW: 6,
    inC,
    outH: 6,
    outW: 6,
    outC: 8,
    kH: 3,
    kW: 3,
    strideH: 1,
    strideW: 1,
    dilH: 1,
    dilW: 1,
    padTop: 1,
    padLeft: 1,
    groups: 1,
  };
}
export const POOL: PoolGeometry = {
  inH: 6,
  inW: 6,
  channels: 5,
  poolH: 2,
  poolW: 2,
  strideH: 2,
  strideW: 2,
  padTop: 0,
  padLeft: 0,
  outH: 3,
  outW: 3,
};

export function convAndPool(): Float32Array[] {
  const out: Float32Array[] = [];
  let seed = 100;
  for (const rows of SIZES) {
    for (const inC of [1, 3]) {
      const g = convGeometry(inC);
      const x = random(rows * 36 * inC, seed++);
      const w = random(9 * inC * 8, seed++);
      const bias = random(8, seed++);
      const y = new Float32Array(rows * 36 * 8);
      convForwardWasm(x, w, bias, y, rows, g, true);
      const gy = random(rows * 36 * 8, seed++);
      const gw = new Float32Array(9 * inC * 8);
      convBackwardWasm(x, w, gy, null, gw, rows, g);
      out.push(y, gw);
    }
    const x = random(rows * 36 * 5, seed++);
    const y = new Float32Array(rows * 9 * 5);
    const arg = new Float32Array(rows * 9 * 5);
    maxPoolWasm(x, y, arg, rows, POOL);
    const gx = new Float32Array(rows * 36 * 5);
    maxPoolBackwardWasm(random(rows * 9 * 5, seed++), arg, gx, rows, POOL);
    out.push(y, arg, gx);
  }
  return out;
}

// Stacked recurrent layers trained for one epoch: the batched products over
// all T·B rows (input projections, weight gradients, the input gradient the
// lower layer needs) go through the pool. [features, units, batch, steps].
export const RNN_SIZES: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [3, 17, 3, 5],
  [17, 3, 17, 3],
  [5, 129, 4, 2],
];

export async function trainRecurrent(): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  let seed = 300;
  for (const [F, U, B, T] of RNN_SIZES) {
    const rng = createRng(seed++);
    const model = sequential([
      lstm(F, U, { rng, returnSequences: true }),
      gru(U, U, { rng, returnSequences: true }),
      simpleRnn(U, U, { rng }),
      dense(U, 1, { rng }),
    ]);
    const n = 2 * B;
    const x = new Tensor(random(n * T * F, seed++), [n, T, F]);
    const y = new Tensor(random(n, seed++), [n, 1]);
    await fit(model, x, y, {
      loss: mse,
      optimizer: sgd({ learningRate: 0.1 }),
      epochs: 1,
      batchSize: B,
      shuffle: false,
      verbose: false,
    });
    for (const p of namedParameters(model)) out.push(Float32Array.from(p.tensor.data));
    out.push(Float32Array.from(predict(model, x).data));
  }
  return out;
}

// Optimizer updates over flat arrays (Adam with its moments copied in and
// out, Adam with resident moments, SGD with and without momentum), three
// steps each, at every size: the parameters and the optimizer state.
export function updates(): Float32Array[] {
  const out: Float32Array[] = [];
  let seed = 500;
  for (const len of [...SIZES, 40_000]) {
    const p = [random(len, seed++), random(len, seed++), random(len, seed++), random(len, seed++)];
    const m = [new Float32Array(len), new Float32Array(len)];
    const v = [new Float32Array(len), new Float32Array(len)];
    const buf = new Float32Array(len);
    for (let step = 1; step <= 3; step++) {
      const h = {
        lr: 0.01,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.1,
        decoupled: step === 2,
        step,
      };
      adamWasm(p[0]!, random(len, seed++), m[0]!, v[0]!, len, h);
      adamResident(p[1]!, random(len, seed++), m[1]!, v[1]!, len, h);
      sgdWasm(p[2]!, random(len, seed++), buf, len, {
        lr: 0.1,
        momentum: 0.9,
        weightDecay: 0.01,
        nesterov: step === 3,
      });
      sgdWasm(p[3]!, random(len, seed++), new Float32Array(len), len, {
        lr: 0.1,
        momentum: 0,
        weightDecay: 0,
        nesterov: false,
      });
    }
    syncResident(m[1]!);
    syncResident(v[1]!);
    out.push(...p, ...m, ...v, buf);
  }
  return out;
}
