// brain.js 1.6.1: per-sample training of its NeuralNetwork class. Its closest
// configuration to W2: one hidden layer of 128 sigmoid units (with relu it does
// not learn), its own SGD-with-momentum trainer, one pass over the data.
import brain from 'brain.js';
import { SEED_NET, stats, timePerCall, loadFashionMnist, now, trainingResult } from '../lib.mjs';

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
