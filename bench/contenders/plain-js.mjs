// The floor: hand-written JavaScript loops with no library at all.
import { SEED_NET, stats, timePerCall, randomFloats } from '../lib.mjs';

export const W1 = ({ n }) => {
  const a = randomFloats(n * n, 1),
    b = randomFloats(n * n, 2),
    c = new Float32Array(n * n);
  // i-k-j order: the naive loop a careful JS programmer writes.
  const run = () => {
    c.fill(0);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const x = a[i * n + k];
        for (let j = 0; j < n; j++) c[i * n + j] += x * b[k * n + j];
      }
  };
  const s = stats(
    timePerCall(run, { warmup: 1, samples: 3, minMs: 300 }).map((t) => (2 * n ** 3) / t / 1e9),
  );
  return { ...s, unit: 'GFLOPS' };
};

export const W3 = () => {
  const { W1: w1, b1, W2: w2, b2, input } = SEED_NET;
  const W1f = Float64Array.from(w1.flat()),
    W2f = Float64Array.from(w2.flat());
  const h = new Float64Array(4),
    o = new Float64Array(2);
  let sink = 0;
  const run = () => {
    for (let j = 0; j < 4; j++) {
      let z = b1[j];
      for (let i = 0; i < 3; i++) z += W1f[j * 3 + i] * input[i];
      h[j] = 1 / (1 + Math.exp(-z));
    }
    for (let j = 0; j < 2; j++) {
      let z = b2[j];
      for (let i = 0; i < 4; i++) z += W2f[j * 4 + i] * h[i];
      o[j] = 1 / (1 + Math.exp(-z));
    }
    sink += o[0];
  };
  const s = stats(timePerCall(run).map((t) => 1 / t));
  if (Number.isNaN(sink)) throw new Error('unreachable');
  return { ...s, unit: 'predictions/s' };
};
