// Parity of the engine's drivers (autograd, fit's step, predict; see
// _parity.ts) for the pooling, padding, up-sampling and spatial dropout
// layers, in small image and sequence models with trainable layers before and
// after them, in float32 and float64.
import { describe, it } from 'vitest';
import type { FloatDType } from '../../src/_lib/typed.js';
import {
  avgPool1d,
  avgPool2d,
  createRng,
  crossEntropy,
  dense,
  flatten,
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
  graph,
  input,
  maxPool1d,
  maxPool2d,
  mse,
  spatialDropout1d,
  spatialDropout2d,
  tanh,
  upSampling2d,
  zeroPadding2d,
  type Layer,
  type Model,
} from '../../src/index.js';
import { checkParity, data, labels, type ParityCase } from './_parity.js';

/**
 * input [5, 6, 2] → dense(2 → 3, tanh) per pixel → `layers` → flatten →
 * dense(→ 3): every spatial layer sits between two trainable ones, so the
 * gradient it passes back is checked through the first dense's weights.
 */
function imageModel(layers: () => Layer[], dtype: FloatDType): () => Model {
  return () => {
    const rng = createRng(21);
    const x = input([5, 6, 2], { dtype });
    let h = dense(2, 3, { activation: tanh, rng, dtype }).apply(x);
    for (const l of layers()) h = l.apply!(h);
    h = flatten().apply(h);
    const width = h.shape[h.shape.length - 1]!;
    return graph({ inputs: x, outputs: dense(width, 3, { rng, dtype }).apply(h) });
  };
}

/** input [7, 2] → dense(2 → 3, tanh) per step → `layers` → flatten → dense(→ 3). */
function sequenceModel(layers: () => Layer[], dtype: FloatDType): () => Model {
  return () => {
    const rng = createRng(22);
    const x = input([7, 2], { dtype });
    let h = dense(2, 3, { activation: tanh, rng, dtype }).apply(x);
    for (const l of layers()) h = l.apply!(h);
    h = flatten().apply(h);
    const width = h.shape[h.shape.length - 1]!;
    return graph({ inputs: x, outputs: dense(width, 3, { rng, dtype }).apply(h) });
  };
}

const image: [string, () => Layer[]][] = [
  ['maxPool2d(2)', () => [maxPool2d(2)]],
  ['maxPool2d(3, stride 2, same)', () => [maxPool2d(3, { strides: 2, padding: 'same' })]],
  ['maxPool2d([2,3], stride 1)', () => [maxPool2d([2, 3], { strides: 1 })]],
  ['avgPool2d(2)', () => [avgPool2d(2)]],
  ['avgPool2d(2, same)', () => [avgPool2d(2, { padding: 'same' })]],
  ['globalMaxPool2d', () => [globalMaxPool2d()]],
  ['globalAvgPool2d', () => [globalAvgPool2d()]],
  [
    'zeroPadding2d([[1,0],[2,1]]) then maxPool2d(2)',
    () => [
      zeroPadding2d([
        [1, 0],
        [2, 1],
      ]),
      maxPool2d(2),
    ],
  ],
  ['upSampling2d(2) then avgPool2d(3)', () => [upSampling2d(2), avgPool2d(3)]],
  ['upSampling2d([2,1], bilinear)', () => [upSampling2d([2, 1], { interpolation: 'bilinear' })]],
  ['spatialDropout2d(0.4) (masks from the fit rng)', () => [spatialDropout2d(0.4)]],
];

const sequence: [string, () => Layer[]][] = [
  ['maxPool1d(2)', () => [maxPool1d(2)]],
  ['maxPool1d(3, stride 2, same)', () => [maxPool1d(3, { strides: 2, padding: 'same' })]],
  ['avgPool1d(2, stride 1)', () => [avgPool1d(2, { strides: 1 })]],
  ['avgPool1d(4, same)', () => [avgPool1d(4, { padding: 'same' })]],
  ['globalMaxPool1d', () => [globalMaxPool1d()]],
  ['globalAvgPool1d', () => [globalAvgPool1d()]],
  ['spatialDropout1d(0.3) (masks from the fit rng)', () => [spatialDropout1d(0.3)]],
];

const cases: ParityCase[] = [];
for (const dtype of ['float32', 'float64'] as const) {
  for (const [name, layers] of image)
    cases.push({
      name: `${name}, ${dtype}`,
      build: imageModel(layers, dtype),
      x: data([10, 5, 6, 2], dtype),
      y: data([10, 3], dtype, 1),
      loss: mse,
    });
  for (const [name, layers] of sequence)
    cases.push({
      name: `${name}, ${dtype}`,
      build: sequenceModel(layers, dtype),
      x: data([9, 7, 2], dtype),
      y: labels(9, 3),
      loss: crossEntropy,
    });
}

describe('parity: pooling, padding, up-sampling and spatial dropout', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(c);
  });
});
