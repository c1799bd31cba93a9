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

export const W2 = async ({ quick, dataDir }) => {
  const d = loadFashionMnist({ quick, dir: dataDir });
  tf.util.seedrandom?.('1');
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  const x = tf.tensor2d(d.xTrain, [d.nTrain, 784]);
  const y = tf.oneHot(tf.tensor1d(d.yTrain, 'int32'), 10).toFloat();
  const t0 = now();
  await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: true, verbose: 0 });
  const seconds = (now() - t0) / 1000;
  const logits = model.predict(tf.tensor2d(d.xTest, [d.nTest, 784]));
  const accuracy = accuracyOf(logits.dataSync(), d.yTest);
  return trainingResult(d, seconds, accuracy);
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
