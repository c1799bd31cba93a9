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

/** W5/W5i (../shared/bench-workloads.md): 10,000 training images, 10,000 test images, batch 64; predict in batches of 256. */
export const W5_SIZES = {
  train: 10000,
  quickTrain: 2000,
  test: 10000,
  batch: 64,
  predictBatch: 256,
};
