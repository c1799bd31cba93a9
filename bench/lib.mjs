// Shared helpers for the benchmark workers: timing, data, result records.
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

export const now = () => performance.now();

/** Median, min and max of a list of numbers. */
export function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/**
 * Runs `fn` repeatedly: `warmup` untimed calls (V8 and WebAssembly tier up),
 * then `samples` timed batches of calls, each batch long enough (>= minMs) to
 * swamp timer resolution. Returns the seconds per call of each batch.
 */
export function timePerCall(fn, { warmup = 3, samples = 5, minMs = 200 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  // Calibrate the number of calls per batch.
  let calls = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    const dt = now() - t0;
    if (dt >= minMs / 4 || calls > 1e8) {
      calls = Math.max(1, Math.ceil((calls * minMs) / Math.max(dt, 1e-3)));
      break;
    }
    calls *= 4;
  }
  const out = [];
  for (let s = 0; s < samples; s++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) fn();
    out.push((now() - t0) / 1000 / calls);
  }
  return out;
}

/** Deterministic pseudo-random floats in [-1, 1) (LCG), the same for every contender. */
export function randomFloats(n, seed = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

function readIdx(path) {
  const raw = readFileSync(path);
  const buf = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims = view.getUint8(3);
  const shape = [];
  for (let i = 0; i < dims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  return { shape, bytes: buf.subarray(4 + 4 * dims) };
}

const DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * Fashion-MNIST as float32 pixels in [0, 1] and integer labels; with `quick`,
 * the first 10,000 training and 2,000 test images; `train` and `test` set
 * the counts (the first images of each file) outright. Falls back to
 * synthetic data of the same shape (and says so) when the IDX files are missing.
 */
export function loadFashionMnist({ dir = DEFAULT_DIR, quick = false, train, test } = {}) {
  const file = (stem) => [join(dir, `${stem}.gz`), join(dir, stem)].find(existsSync);
  const names = [
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ];
  const paths = names.map(file);
  const nTrain = train ?? (quick ? 10000 : 60000);
  const nTest = test ?? (quick ? 2000 : 10000);
  if (paths.some((p) => p === undefined)) {
    const xTrain = randomFloats(nTrain * 784, 7).map((v) => (v + 1) / 2);
    const xTest = randomFloats(nTest * 784, 8).map((v) => (v + 1) / 2);
    const yTrain = Int32Array.from({ length: nTrain }, (_, i) => i % 10);
    const yTest = Int32Array.from({ length: nTest }, (_, i) => i % 10);
    return { xTrain, yTrain, xTest, yTest, nTrain, nTest, synthetic: true };
  }
  const [tri, trl, tei, tel] = paths.map(readIdx);
  const toFloat = (bytes, n) => {
    const out = new Float32Array(n * 784);
    for (let i = 0; i < out.length; i++) out[i] = bytes[i] / 255;
    return out;
  };
  return {
    xTrain: toFloat(tri.bytes, nTrain),
    yTrain: Int32Array.from(trl.bytes.subarray(0, nTrain)),
    xTest: toFloat(tei.bytes, nTest),
    yTest: Int32Array.from(tel.bytes.subarray(0, nTest)),
    nTrain,
    nTest,
    synthetic: false,
  };
}

/** The batch size of W2s (W2's per-batch overhead). */
export const W2S_BATCH = 8;
/** W2b's additions to W2: dropout after the hidden layer, an L2 penalty on its kernel. */
export const W2B = { dropout: 0.2, l2: 1e-4 };
/** W4's sizes: the first 10,000 training images (2,000 with --quick), width 256, two residual blocks. */
export const W4_SIZES = { train: 10000, quickTrain: 2000, width: 256, blocks: 2 };

/**
 * The training record of one contender: one timed epoch over `d.nTrain` samples
 * (a single measurement, so median = min = max), its test accuracy and the
 * process's peak RSS.
 */
export function trainingResult(d, seconds, accuracy, extra = {}) {
  const sps = d.nTrain / seconds;
  return {
    median: sps,
    min: sps,
    max: sps,
    unit: 'samples/s',
    accuracy,
    peakRssMb: peakRssMb(),
    synthetic: d.synthetic,
    ...extra,
  };
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

/** Argmax accuracy of row-major logits/probabilities [n, 10] against labels. */
export function accuracyOf(out, labels, classes = 10) {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (out[i * classes + c] > out[i * classes + best]) best = c;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

/** The reference article's 3-4-2 sigmoid network (weights stored [out, in]). */
export const SEED_NET = {
  W1: [
    [0.5, -0.6, 0.1],
    [0.7, -0.8, 0.2],
    [-0.1, 0.9, -0.3],
    [0.3, 0.1, -0.4],
  ],
  b1: [0.1, -0.2, 0.3, 0.4],
  W2: [
    [0.2, -0.1, 0.4, 0.6],
    [-0.3, 0.8, -0.5, 0.2],
  ],
  b2: [-0.1, 0.2],
  input: [0.7, -1.5, 0.2],
};

// ---------------------------------------------------------------------------
// W6: an LSTM (or GRU) on a synthetic sequence regression (bench/README.md).

/** W6's sizes: sequences [32 steps, 16 features], 64 units, batch 32. */
export const W6_SIZES = { steps: 32, features: 16, units: 64, batch: 32, pool: 2048, evalN: 256 };

/** mulberry32: the 32-bit generator the W6 definition names. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * W6's data: coefficients a[16] then b[16] from seed 7; the training pool
 * (2,048 sequences, seed 6) and the evaluation set (256, seed 8), x ~ U(-1, 1)
 * drawn in [n][t][f] order; y = (a · x[T-1]) / 4 + (Σ_t b · x[t]) / 16 in
 * float64, stored as float32.
 */
export function w6Data() {
  const { steps: T, features: F } = W6_SIZES;
  const rc = mulberry32(7);
  const a = Array.from({ length: F }, () => 2 * rc() - 1);
  const b = Array.from({ length: F }, () => 2 * rc() - 1);
  const make = (n, seed) => {
    const r = mulberry32(seed);
    const x = new Float32Array(n * T * F);
    for (let i = 0; i < x.length; i++) x[i] = 2 * r() - 1;
    const y = new Float32Array(n);
    for (let s = 0; s < n; s++) {
      let last = 0;
      let sum = 0;
      for (let t = 0; t < T; t++)
        for (let f = 0; f < F; f++) {
          const v = x[(s * T + t) * F + f];
          sum += b[f] * v;
          if (t === T - 1) last += a[f] * v;
        }
      y[s] = last / 4 + sum / 16;
    }
    return { x, y, n };
  };
  return { train: make(W6_SIZES.pool, 6), evaluation: make(W6_SIZES.evalN, 8) };
}

/** Mean squared error of predictions against targets. */
export function mseOf(pred, y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / y.length;
}

/**
 * W6's timing: `step(k)` trains on pool batch k mod 64; 5 warm-up steps, then
 * 5 repetitions of 50 timed steps (1 of 10 with --quick); sequences/s =
 * 32 · steps / the repetition's wall time. Also the same from the process's
 * CPU time (user + system), which a loaded machine disturbs less.
 */
export async function timeW6Steps(step, { quick }) {
  const reps = quick ? 1 : 5;
  const steps = quick ? 10 : 50;
  let k = 0;
  for (let i = 0; i < 5; i++) await step(k++);
  const wall = [];
  const cpu = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = now();
    for (let i = 0; i < steps; i++) await step(k++);
    const dt = (now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    wall.push((W6_SIZES.batch * steps) / dt);
    cpu.push((W6_SIZES.batch * steps) / ((c.user + c.system) / 1e6));
  }
  return { ...stats(wall), cpuMedian: stats(cpu).median, steps: k };
}

/** W6i: microseconds per one-sequence prediction (wall and CPU time), output read back. */
export function timeW6Predict(run) {
  const s = stats(timePerCall(run, { warmup: 20, samples: 5, minMs: 300 }).map((t) => t * 1e6));
  const c0 = process.cpuUsage();
  const n = 200;
  for (let i = 0; i < n; i++) run();
  const c = process.cpuUsage(c0);
  return { ...s, cpuMedian: (c.user + c.system) / n, unit: 'µs/prediction' };
}
/** W5/W5i (../shared/bench-workloads.md): 10,000 training images, 10,000 test images, batch 64; predict in batches of 256. */
export const W5_SIZES = {
  train: 10000,
  quickTrain: 2000,
  test: 10000,
  batch: 64,
  predictBatch: 256,
};

// W7: one transformer encoder block on a synthetic sequence regression (bench/README.md).

/** W7's sizes: sequences [32 steps, width 64], 4 heads, feed-forward 128, batch 32. */
export const W7_SIZES = { steps: 32, width: 64, heads: 4, ff: 128, batch: 32, pool: 2048 };

/**
 * W7's data: x ~ U(-1, 1) [2,048][32][64] from mulberry32 seed 9 in [n][t][d]
 * order; c[64] = 2r − 1 from seed 10; y = mean over t of tanh(c · x[t]).
 */
export function w7Data() {
  const { steps: T, width: D, pool: n } = W7_SIZES;
  const r = mulberry32(9);
  const x = new Float32Array(n * T * D);
  for (let i = 0; i < x.length; i++) x[i] = 2 * r() - 1;
  const rc = mulberry32(10);
  const c = Array.from({ length: D }, () => 2 * rc() - 1);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    let m = 0;
    for (let t = 0; t < T; t++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += c[d] * x[(s * T + t) * D + d];
      m += Math.tanh(dot);
    }
    y[s] = m / T;
  }
  return { x, y, n };
}
