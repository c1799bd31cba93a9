// TensorFlow.js 4.22 with its cpu backend or its wasm backend (SIMD, XNNPACK; one thread in Node).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  SEED_NET,
  stats,
  timePerCall,
  randomFloats,
  loadFashionMnist,
  accuracyOf,
  now,
  trainingResult,
  W2S_BATCH,
  W2B,
  W4_SIZES,
  W6_SIZES,
  w6Data,
  mseOf,
  timeW6Steps,
  timeW6Predict,
  W5_SIZES,
  peakRssMb,
  W7_SIZES,
  w7Data,
} from '../lib.mjs';

export async function setup(backend) {
  await tf.setBackend(backend);
  await tf.ready();
}

export const W1 = ({ n }) => {
  const a = tf.tensor2d(randomFloats(n * n, 1), [n, n]);
  const b = tf.tensor2d(randomFloats(n * n, 2), [n, n]);
  const run = () => {
    const c = tf.matMul(a, b);
    c.dataSync(); // force the computation
    c.dispose();
  };
  const s = stats(
    timePerCall(run, { warmup: 2, samples: 5, minMs: 300 }).map((t) => (2 * n ** 3) / t / 1e9),
  );
  return { ...s, unit: 'GFLOPS' };
};

// W2 and its variants: the 784-128-10 MLP, one epoch of Adam over the data.
async function trainMlp({ quick, dataDir }, { batchSize = 64, regularized = false } = {}) {
  const d = loadFashionMnist({ quick, dir: dataDir });
  tf.util.seedrandom?.('1');
  const hidden = { inputShape: [784], units: 128, activation: 'relu' };
  const model = tf.sequential({
    layers: regularized
      ? [
          tf.layers.dense({ ...hidden, kernelRegularizer: tf.regularizers.l2({ l2: W2B.l2 }) }),
          tf.layers.dropout({ rate: W2B.dropout }),
          tf.layers.dense({ units: 10 }),
        ]
      : [tf.layers.dense(hidden), tf.layers.dense({ units: 10 })],
  });
  return timeFit(d, model, batchSize);
}

// One timed epoch of `model.fit` on `d`, then the test accuracy.
async function timeFit(d, model, batchSize) {
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const x = tf.tensor2d(d.xTrain, [d.nTrain, 784]);
  const y = tf.oneHot(tf.tensor1d(d.yTrain, 'int32'), 10).toFloat();
  const t0 = now();
  await model.fit(x, y, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
  const seconds = (now() - t0) / 1000;
  const logits = model.predict(tf.tensor2d(d.xTest, [d.nTest, 784]));
  const accuracy = accuracyOf(logits.dataSync(), d.yTest);
  return trainingResult(d, seconds, accuracy);
}

export const W2 = (opts) => trainMlp(opts);
export const W2s = (opts) => trainMlp(opts, { batchSize: W2S_BATCH });
export const W2b = (opts) => trainMlp(opts, { regularized: true });

// The residual MLP through the functional API (bench/README.md, W4): tf.model with tf.layers.add.
export const W4 = async ({ quick, dataDir }) => {
  const d = loadFashionMnist({
    quick,
    dir: dataDir,
    train: quick ? W4_SIZES.quickTrain : W4_SIZES.train,
  });
  tf.util.seedrandom?.('1');
  const units = W4_SIZES.width;
  const x = tf.input({ shape: [784] });
  let h = tf.layers.dense({ units, activation: 'relu' }).apply(x);
  for (let b = 0; b < W4_SIZES.blocks; b++) {
    const f = tf.layers.dense({ units, activation: 'relu' }).apply(h);
    const g = tf.layers.dense({ units }).apply(f);
    h = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([g, h]));
  }
  const model = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 10 }).apply(h) });
  return timeFit(d, model, 64);
};

export const W3 = () => {
  const { W1: w1, b1, W2: w2, b2, input } = SEED_NET;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 4, activation: 'sigmoid' }),
      tf.layers.dense({ units: 2, activation: 'sigmoid' }),
    ],
  });
  // Keras kernels are [in, out]: the transpose of the article's [out, in].
  const T = (m) => m[0].map((_, j) => m.map((r) => r[j]));
  model.layers[0].setWeights([tf.tensor2d(T(w1)), tf.tensor1d(b1)]);
  model.layers[1].setWeights([tf.tensor2d(T(w2)), tf.tensor1d(b2)]);
  const run = () => {
    const out = tf.tidy(() => model.predict(tf.tensor2d([input])));
    out.dataSync();
    out.dispose();
  };
  const s = stats(timePerCall(run).map((t) => 1 / t));
  return { ...s, unit: 'predictions/s' };
};

// W6 / W6g: tf.layers.lstm (or gru) 64 units, last output, then dense(1); MSE, Adam 1e-3, batch 32.
async function trainW6(opts, cell) {
  const { train, evaluation } = w6Data();
  const { steps: T, features: F, units, batch } = W6_SIZES;
  tf.util.seedrandom?.('1');
  const rec = cell === 'gru' ? tf.layers.gru : tf.layers.lstm;
  const model = tf.sequential({
    layers: [rec({ units, inputShape: [T, F] }), tf.layers.dense({ units: 1 })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const xs = [];
  const ys = [];
  for (let b = 0; b < train.n / batch; b++) {
    xs.push(
      tf.tensor3d(train.x.subarray(b * batch * T * F, (b + 1) * batch * T * F), [batch, T, F]),
    );
    ys.push(tf.tensor2d(train.y.subarray(b * batch, (b + 1) * batch), [batch, 1]));
  }
  const xEval = tf.tensor3d(evaluation.x, [evaluation.n, T, F]);
  const evalMse = () => {
    const p = model.predict(xEval);
    const v = mseOf(p.dataSync(), evaluation.y);
    p.dispose();
    return v;
  };
  const before = evalMse();
  const step = (k) => model.trainOnBatch(xs[k % xs.length], ys[k % ys.length]);
  const t = await timeW6Steps(step, opts);
  return { ...t, unit: 'sequences/s', mseBefore: before, mseAfter: evalMse() };
}

export const W6 = (opts) => trainW6(opts, 'lstm');
export const W6g = (opts) => trainW6(opts, 'gru');

export const W6i = () => {
  const { train } = w6Data();
  const { steps: T, features: F, units } = W6_SIZES;
  const model = tf.sequential({
    layers: [tf.layers.lstm({ units, inputShape: [T, F] }), tf.layers.dense({ units: 1 })],
  });
  const x = tf.tensor3d(train.x.subarray(0, T * F), [1, T, F]);
  let sink = 0;
  const r = timeW6Predict(() => {
    const p = model.predict(x);
    sink += p.dataSync()[0];
    p.dispose();
  });
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return r;
};

// W5: the same CNN with tf.layers (Glorot uniform kernels and zero biases are its defaults).
function cnn() {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

// TF.js's wasm backend has no Conv2DBackpropFilter kernel: it cannot train this model.
export const W5 = async ({ quick, dataDir }) => {
  const d = loadFashionMnist({
    quick,
    dir: dataDir,
    train: quick ? W5_SIZES.quickTrain : W5_SIZES.train,
    test: W5_SIZES.test,
  });
  tf.util.seedrandom?.('1');
  const model = cnn();
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const x = tf.tensor4d(d.xTrain, [d.nTrain, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(d.yTrain, 'int32'), 10).toFloat();
  const t0 = now();
  await model.fit(x, y, { epochs: 1, batchSize: W5_SIZES.batch, shuffle: true, verbose: 0 });
  const seconds = (now() - t0) / 1000;
  const logits = model.predict(tf.tensor4d(d.xTest, [d.nTest, 28, 28, 1]), {
    batchSize: W5_SIZES.predictBatch,
  });
  return trainingResult(d, seconds, accuracyOf(logits.dataSync(), d.yTest));
};

// W5i: model.predict on the 10,000 test images in batches of 256, the result read back.
export const W5i = ({ quick, dataDir }) => {
  const d = loadFashionMnist({ quick, dir: dataDir, train: 1, test: W5_SIZES.test });
  const model = cnn();
  const x = tf.tensor4d(d.xTest, [d.nTest, 28, 28, 1]);
  const run = () => {
    const out = model.predict(x, { batchSize: W5_SIZES.predictBatch });
    out.dataSync();
    out.dispose();
  };
  const s = stats(timePerCall(run, { warmup: 2, samples: 5, minMs: 0 }).map((t) => d.nTest / t));
  return { ...s, unit: 'images/s', peakRssMb: peakRssMb() };
};

// W7 / W7i: TF.js has no public attention layer (tf.layers has no
// MultiHeadAttention), so the block is written by hand from tf ops, with the
// same sizes and math as myelin's transformerEncoderBlock (post-norm, relu
// feed-forward, no dropout, layer-norm epsilon 1e-5): projections by
// tf.matMul on [n·T, D], heads split by reshape + transpose to [n, H, T, dk],
// scores by a batched tf.matMul with the key transposed, tf.softmax over the
// keys, heads merged by transpose + reshape, layer norm by tf.moments over
// the last axis and tf.rsqrt; then mean over time and dense(1). Glorot
// uniform kernels, zero biases, gamma ones, beta zeros (myelin's defaults).
// Trained with tf.variableGrads on the MSE and tf.train.adam(1e-3)'s
// applyGradients, inside tf.tidy, one batch of 32 per step.
function w7Params() {
  const { width: D, ff } = W7_SIZES;
  const glorot = (fanIn, fanOut) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', 1));
  };
  const zeros = (n) => tf.variable(tf.zeros([n]));
  const ones = (n) => tf.variable(tf.ones([n]));
  return {
    wq: glorot(D, D),
    bq: zeros(D),
    wk: glorot(D, D),
    bk: zeros(D),
    wv: glorot(D, D),
    bv: zeros(D),
    wo: glorot(D, D),
    bo: zeros(D),
    g1: ones(D),
    be1: zeros(D),
    w1: glorot(D, ff),
    b1: zeros(ff),
    w2: glorot(ff, D),
    b2: zeros(D),
    g2: ones(D),
    be2: zeros(D),
    wd: glorot(D, 1),
    bd: zeros(1),
  };
}

function w7Forward(p, x, n) {
  const { steps: T, width: D, heads: H } = W7_SIZES;
  const dk = D / H;
  const x2 = x.reshape([n * T, D]);
  const heads = (t) => t.reshape([n, T, H, dk]).transpose([0, 2, 1, 3]);
  const q = heads(tf.matMul(x2, p.wq).add(p.bq));
  const k = heads(tf.matMul(x2, p.wk).add(p.bk));
  const v = heads(tf.matMul(x2, p.wv).add(p.bv));
  const weights = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dk)));
  const ctx = tf
    .matMul(weights, v)
    .transpose([0, 2, 1, 3])
    .reshape([n * T, D]);
  const norm = (z, g, b) => {
    const { mean, variance } = tf.moments(z, -1, true);
    return z
      .sub(mean)
      .mul(tf.rsqrt(variance.add(1e-5)))
      .mul(g)
      .add(b);
  };
  const h = norm(x2.add(tf.matMul(ctx, p.wo).add(p.bo)), p.g1, p.be1);
  const f = tf.matMul(tf.relu(tf.matMul(h, p.w1).add(p.b1)), p.w2).add(p.b2);
  const y = norm(h.add(f), p.g2, p.be2);
  return tf.matMul(y.reshape([n, T, D]).mean(1), p.wd).add(p.bd);
}

export const W7 = async (opts) => {
  const d = w7Data();
  const { steps: T, width: D, batch } = W7_SIZES;
  const p = w7Params();
  const vars = Object.values(p);
  const optimizer = tf.train.adam(1e-3);
  const xs = [];
  const ys = [];
  for (let b = 0; b < d.n / batch; b++) {
    xs.push(tf.tensor3d(d.x.subarray(b * batch * T * D, (b + 1) * batch * T * D), [batch, T, D]));
    ys.push(tf.tensor2d(d.y.subarray(b * batch, (b + 1) * batch), [batch, 1]));
  }
  const step = (k) =>
    tf.tidy(() => {
      const x = xs[k % xs.length];
      const y = ys[k % ys.length];
      const { value, grads } = tf.variableGrads(
        () => tf.losses.meanSquaredError(y, w7Forward(p, x, batch)),
        vars,
      );
      optimizer.applyGradients(grads);
      value.dataSync(); // wait for the step, as myelin's fit returns its loss
    });
  const t = await timeW6Steps(step, opts);
  return { ...t, unit: 'sequences/s' };
};

export const W7i = () => {
  const d = w7Data();
  const { steps: T, width: D } = W7_SIZES;
  const p = w7Params();
  const x = tf.tensor3d(d.x.subarray(0, T * D), [1, T, D]);
  let sink = 0;
  const r = timeW6Predict(() => {
    const out = tf.tidy(() => w7Forward(p, x, 1));
    sink += out.dataSync()[0];
    out.dispose();
  });
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return r;
};
