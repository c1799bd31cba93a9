// brain.js 1.6.1: per-sample training of its NeuralNetwork class. Its closest
// configuration to W2: one hidden layer of 128 sigmoid units (with relu it does
// not learn), its own SGD-with-momentum trainer, one pass over the data.
import brain from 'brain.js';
import {
  SEED_NET,
  stats,
  timePerCall,
  loadFashionMnist,
  now,
  trainingResult,
  W6_SIZES,
  w6Data,
  mseOf,
  timeW6Steps,
  timeW6Predict,
} from '../lib.mjs';

export const W2 = async ({ quick, dataDir }) => {
  const d = loadFashionMnist({ quick, dir: dataDir });
  const net = new brain.NeuralNetwork({
    hiddenLayers: [128],
    activation: 'sigmoid',
    learningRate: 0.3,
  });
  const rows = [];
  for (let i = 0; i < d.nTrain; i++) {
    const output = new Array(10).fill(0);
    output[d.yTrain[i]] = 1;
    rows.push({ input: Array.from(d.xTrain.subarray(i * 784, (i + 1) * 784)), output });
  }
  const t0 = now();
  // One pass over the data: iterations 1. brain.js 1.6.1 rejects errorThresh 0
  // ("out of normal training range"), so the smallest positive threshold keeps
  // it from stopping early for a low error instead.
  net.train(rows, { iterations: 1, errorThresh: 1e-9, log: false });
  const seconds = (now() - t0) / 1000;
  let correct = 0;
  for (let i = 0; i < d.nTest; i++) {
    const out = net.run(Array.from(d.xTest.subarray(i * 784, (i + 1) * 784)));
    let best = 0;
    for (let c = 1; c < 10; c++) if (out[c] > out[best]) best = c;
    if (best === d.yTest[i]) correct++;
  }
  return trainingResult(d, seconds, correct / d.nTest, {
    note: 'sigmoid 128, per-sample SGD+momentum (lr 0.3)',
  });
};

export const W3 = () => {
  const net = new brain.NeuralNetwork({ hiddenLayers: [4], activation: 'sigmoid' });
  // Train one tiny step so the network is initialized with the right sizes.
  net.train([{ input: [0, 0, 0], output: [0, 0] }], { iterations: 1 });
  const { input } = SEED_NET;
  let sink = 0;
  const run = () => {
    sink += net.run(input)[0];
  };
  const s = stats(timePerCall(run).map((t) => 1 / t));
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return { ...s, unit: 'predictions/s' };
};

// W6 with brain.js's LSTMTimeStep, its closest configuration: it predicts the
// next vector of a series and needs inputSize = outputSize, so each training
// sequence is the 32 input vectors followed by a 33rd vector [y, 0, ..., 0];
// hidden layer 64, batch 1 (it has no batches), its own trainer (trainPattern,
// one call per sequence, learning rate 1e-3). The prediction is component 0 of
// the vector it predicts after the 32 inputs.
const brainSeq = (x, s) => {
  const { steps: T, features: F } = W6_SIZES;
  return Array.from({ length: T }, (_, t) =>
    Array.from(x.subarray((s * T + t) * F, (s * T + t + 1) * F)),
  );
};

function brainW6Net() {
  const { features: F, units } = W6_SIZES;
  return new brain.recurrent.LSTMTimeStep({
    inputSize: F,
    hiddenLayers: [units],
    outputSize: F,
    learningRate: 1e-3,
  });
}

export const W6 = async (opts) => {
  const { train, evaluation } = w6Data();
  const { features: F, batch } = W6_SIZES;
  const net = brainW6Net();
  const seqs = Array.from({ length: train.n }, (_, s) => {
    const target = new Array(F).fill(0);
    target[0] = train.y[s];
    return [...brainSeq(train.x, s), target];
  });
  // One tiny train() call sizes and initializes the model.
  net.train([seqs[0]], { iterations: 1, log: false });
  const evalMse = () => {
    const pred = new Float32Array(evaluation.n);
    for (let s = 0; s < evaluation.n; s++) pred[s] = net.run(brainSeq(evaluation.x, s))[0];
    return mseOf(pred, evaluation.y);
  };
  const before = evalMse();
  const step = (k) => {
    const b = k % (train.n / batch);
    for (let i = 0; i < batch; i++) net.trainPattern(seqs[b * batch + i]);
  };
  const t = await timeW6Steps(step, opts);
  return {
    ...t,
    unit: 'sequences/s',
    mseBefore: before,
    mseAfter: evalMse(),
    note: 'LSTMTimeStep 16-64-16, batch 1, trainPattern',
  };
};

export const W6i = () => {
  const { train } = w6Data();
  const { features: F } = W6_SIZES;
  const net = brainW6Net();
  const seq = brainSeq(train.x, 0);
  net.train([[...seq, new Array(F).fill(0)]], { iterations: 1, log: false });
  let sink = 0;
  const r = timeW6Predict(() => {
    sink += net.run(seq)[0];
  });
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return r;
};
