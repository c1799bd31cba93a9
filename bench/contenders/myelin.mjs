// myelin from its built package (dist/), on the JS kernels or the WebAssembly SIMD kernels.
import * as my from '../../dist/index.js';
import {
  SEED_NET,
  stats,
  timePerCall,
  randomFloats,
  loadFashionMnist,
  accuracyOf,
  now,
  trainingResult,
  peakRssMb,
  W2S_BATCH,
  W2B,
  W4_SIZES,
  W6_SIZES,
  w6Data,
  mseOf,
  timeW6Steps,
  timeW6Predict,
  W5_SIZES,
  W7_SIZES,
  w7Data,
} from '../lib.mjs';

let kernelThreads = 1;
/** Threads the kernels use (myelin-wasm-t2: 2, from myelin/wasm/threads). */
export const threads = () => kernelThreads;

export async function setup(backend, variant) {
  if (backend === 'wasm' && variant?.startsWith('t')) {
    const { useWasm, getThreads } = await import('../../dist/kernels/wasm/threads/node.js');
    if (!(await useWasm({ threads: Number(variant.slice(1)) })))
      throw new Error('WebAssembly SIMD is not available here');
    kernelThreads = getThreads().threads;
  } else if (backend === 'wasm') {
    // myelin/wasm as Node resolves it (the package's `node` condition)
    const { useWasm } = await import('../../dist/kernels/wasm/node.js');
    if (!(await useWasm())) throw new Error('WebAssembly SIMD is not available here');
  }
}

export const W1 = ({ n }) => {
  const a = my.tensor(randomFloats(n * n, 1), { shape: [n, n] });
  const b = my.tensor(randomFloats(n * n, 2), { shape: [n, n] });
  const run = () => my.matmul(a, b);
  const s = stats(
    timePerCall(run, { warmup: 2, samples: 5, minMs: 300 }).map((t) => (2 * n ** 3) / t / 1e9),
  );
  return { ...s, unit: 'GFLOPS' };
};

// W2 and its variants: the 784-128-10 MLP, one epoch of Adam over the data.
async function trainMlp({ quick, dataDir }, { batchSize = 64, regularized = false } = {}) {
  const d = loadFashionMnist({ quick, dir: dataDir });
  const rng = my.createRng(1);
  const model = my.sequential(
    regularized
      ? [
          my.dense(784, 128, { activation: my.relu, kernelRegularizer: my.l2(W2B.l2), rng }),
          my.dropout(W2B.dropout),
          my.dense(128, 10, { rng }),
        ]
      : [my.dense(784, 128, { activation: my.relu, rng }), my.dense(128, 10, { rng })],
  );
  return timeFit(d, model, batchSize, rng);
}

// One timed epoch of `fit` on `d`, then the test accuracy.
async function timeFit(d, model, batchSize, rng) {
  // Wrap the loaded arrays (the Tensor constructor takes the data as is) rather
  // than copy them with tensor(): one copy of the data set in memory, not two.
  const x = new my.Tensor(d.xTrain, [d.nTrain, 784]);
  const y = new my.Tensor(Float32Array.from(d.yTrain), [d.nTrain]);
  const t0 = now();
  await my.fit(model, x, y, {
    loss: my.crossEntropy,
    optimizer: my.adam({ learningRate: 1e-3 }),
    epochs: 1,
    batchSize,
    shuffle: true,
    rng,
  });
  const seconds = (now() - t0) / 1000;
  const logits = my.predict(model, new my.Tensor(d.xTest, [d.nTest, 784]));
  const accuracy = accuracyOf(logits.data, d.yTest);
  return trainingResult(d, seconds, accuracy);
}

export const W2 = (opts) => trainMlp(opts);
export const W2s = (opts) => trainMlp(opts, { batchSize: W2S_BATCH });
export const W2b = (opts) => trainMlp(opts, { regularized: true });

// The residual MLP through the functional API (bench/README.md, W4).
export const W4 = async ({ quick, dataDir }) => {
  const d = loadFashionMnist({
    quick,
    dir: dataDir,
    train: quick ? W4_SIZES.quickTrain : W4_SIZES.train,
  });
  const rng = my.createRng(1);
  const n = W4_SIZES.width;
  const x = my.input([784]);
  let h = my.dense(784, n, { activation: my.relu, rng }).apply(x);
  for (let b = 0; b < W4_SIZES.blocks; b++) {
    const f = my.dense(n, n, { activation: my.relu, rng }).apply(h);
    const g = my.dense(n, n, { rng }).apply(f);
    h = my.activation(my.relu).apply(my.addLayer().apply([g, h]));
  }
  const model = my.graph({ inputs: x, outputs: my.dense(n, 10, { rng }).apply(h) });
  return timeFit(d, model, 64, rng);
};

export const W3 = () => {
  const { W1: w1, b1, W2: w2, b2, input } = SEED_NET;
  const T = (m) => m[0].map((_, j) => m.map((r) => r[j]));
  const model = my.sequential([
    my.dense(3, 4, { activation: my.sigmoid, kernel: T(w1), bias: b1 }),
    my.dense(4, 2, { activation: my.sigmoid, kernel: T(w2), bias: b2 }),
  ]);
  const x = my.tensor([input]);
  let sink = 0;
  const run = () => {
    sink += my.predict(model, x).data[0];
  };
  const s = stats(timePerCall(run).map((t) => 1 / t));
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return { ...s, unit: 'predictions/s' };
};

// W6 / W6g: lstm (or gru) 64 units, last output, then dense(1); MSE, Adam 1e-3, batch 32.
async function trainW6(opts, cell) {
  const { train, evaluation } = w6Data();
  const { steps: T, features: F, units, batch } = W6_SIZES;
  const rng = my.createRng(1);
  const rec = cell === 'gru' ? my.gru(F, units, { rng }) : my.lstm(F, units, { rng });
  const model = my.sequential([rec, my.dense(units, 1, { rng })]);
  const optimizer = my.adam({ learningRate: 1e-3 });
  const xs = [];
  const ys = [];
  for (let b = 0; b < train.n / batch; b++) {
    xs.push(
      new my.Tensor(train.x.subarray(b * batch * T * F, (b + 1) * batch * T * F), [batch, T, F]),
    );
    ys.push(new my.Tensor(train.y.subarray(b * batch, (b + 1) * batch), [batch, 1]));
  }
  const xEval = new my.Tensor(evaluation.x, [evaluation.n, T, F]);
  const evalMse = () => mseOf(my.predict(model, xEval).data, evaluation.y);
  const before = evalMse();
  const step = (k) =>
    my.fit(model, xs[k % xs.length], ys[k % ys.length], {
      loss: my.mse,
      optimizer,
      batchSize: batch,
      shuffle: false,
    });
  const t = await timeW6Steps(step, opts);
  return { ...t, unit: 'sequences/s', mseBefore: before, mseAfter: evalMse() };
}

export const W6 = (opts) => trainW6(opts, 'lstm');
export const W6g = (opts) => trainW6(opts, 'gru');

export const W6i = () => {
  const { train } = w6Data();
  const { steps: T, features: F, units } = W6_SIZES;
  const rng = my.createRng(1);
  const model = my.sequential([my.lstm(F, units, { rng }), my.dense(units, 1, { rng })]);
  const x = new my.Tensor(train.x.subarray(0, T * F), [1, T, F]);
  let sink = 0;
  const r = timeW6Predict(() => {
    sink += my.predict(model, x).data[0];
  });
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return r;
};

// W5: conv2d(8, 3x3, relu) -> maxPool(2) -> flatten -> dense(10), one epoch of Adam, batch 64.
function cnn(rng) {
  return my.sequential([
    my.conv2d(1, 8, 3, { activation: my.relu, rng, inputShape: [28, 28, 1] }),
    my.maxPool2d(2),
    my.flatten(),
    my.dense(13 * 13 * 8, 10, { rng }),
  ]);
}

export const W5 = async ({ quick, dataDir }) => {
  const d = loadFashionMnist({
    quick,
    dir: dataDir,
    train: quick ? W5_SIZES.quickTrain : W5_SIZES.train,
    test: W5_SIZES.test,
  });
  const rng = my.createRng(1);
  const model = cnn(rng);
  const x = new my.Tensor(d.xTrain, [d.nTrain, 28, 28, 1]);
  const y = new my.Tensor(Float32Array.from(d.yTrain), [d.nTrain]);
  const t0 = now();
  await my.fit(model, x, y, {
    loss: my.crossEntropy,
    optimizer: my.adam({ learningRate: 1e-3 }),
    epochs: 1,
    batchSize: W5_SIZES.batch,
    shuffle: true,
    rng,
  });
  const seconds = (now() - t0) / 1000;
  const logits = my.predict(model, new my.Tensor(d.xTest, [d.nTest, 28, 28, 1]), {
    batchSize: W5_SIZES.predictBatch,
  });
  return trainingResult(d, seconds, accuracyOf(logits.data, d.yTest));
};

// W5i: predict on the 10,000 test images in batches of 256 (the weights do not change the time).
export const W5i = ({ quick, dataDir }) => {
  const d = loadFashionMnist({ quick, dir: dataDir, train: 1, test: W5_SIZES.test });
  const model = cnn(my.createRng(1));
  const x = new my.Tensor(d.xTest, [d.nTest, 28, 28, 1]);
  const run = () => my.predict(model, x, { batchSize: W5_SIZES.predictBatch });
  const s = stats(timePerCall(run, { warmup: 2, samples: 5, minMs: 0 }).map((t) => d.nTest / t));
  return { ...s, unit: 'images/s', peakRssMb: peakRssMb() };
};

// W7: one transformerEncoderBlock (width 64, 4 heads, ff 128, post-norm, no
// dropout), mean over time, dense(1); MSE, Adam 1e-3, batch 32; timed like W6.
function w7Model() {
  const { steps: T, width: D, heads, ff } = W7_SIZES;
  const rng = my.createRng(1);
  const x = my.input([T, D]);
  const h = my.transformerEncoderBlock(x, { numHeads: heads, ffDim: ff, rng });
  const out = my.dense(D, 1, { rng }).apply(my.globalAvgPool1d().apply(h));
  return my.graph({ inputs: x, outputs: out });
}

export const W7 = async (opts) => {
  const d = w7Data();
  const { steps: T, width: D, batch } = W7_SIZES;
  const model = w7Model();
  const optimizer = my.adam({ learningRate: 1e-3 });
  const xs = [];
  const ys = [];
  for (let b = 0; b < d.n / batch; b++) {
    xs.push(new my.Tensor(d.x.subarray(b * batch * T * D, (b + 1) * batch * T * D), [batch, T, D]));
    ys.push(new my.Tensor(d.y.subarray(b * batch, (b + 1) * batch), [batch, 1]));
  }
  const step = (k) =>
    my.fit(model, xs[k % xs.length], ys[k % ys.length], {
      loss: my.mse,
      optimizer,
      batchSize: batch,
      shuffle: false,
    });
  const t = await timeW6Steps(step, opts);
  return { ...t, unit: 'sequences/s' };
};

export const W7i = () => {
  const d = w7Data();
  const { steps: T, width: D } = W7_SIZES;
  const model = w7Model();
  const x = new my.Tensor(d.x.subarray(0, T * D), [1, T, D]);
  let sink = 0;
  const r = timeW6Predict(() => {
    sink += my.predict(model, x).data[0];
  });
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return r;
};
