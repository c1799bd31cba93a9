// Parity of the engine's drivers for the attention layers (see _parity.ts):
// autograd and fit's step agree bit for bit on the JS backend, and predict
// agrees with forward in inference mode, before and after training.
import { describe, it } from 'vitest';
import type { FloatDType } from '../../src/_lib/typed.js';
import {
  createRng,
  dense,
  flatten,
  graph,
  input,
  mse,
  multiHeadAttention,
  positionEmbedding,
  sinusoidalPositionEmbedding,
  transformerEncoderBlock,
} from '../../src/index.js';
import { checkParity, data, type ParityCase } from './_parity.js';

const cases: ParityCase[] = [];
for (const dtype of ['float32', 'float64'] as FloatDType[]) {
  for (const normFirst of [false, true]) {
    cases.push({
      name: `positions → transformerEncoderBlock (${normFirst ? 'pre' : 'post'}-norm) → dense (${dtype})`,
      build: () => {
        const rng = createRng(3);
        const x = input([4, 6], { dtype });
        const p = sinusoidalPositionEmbedding(6).apply(
          positionEmbedding(5, 6, { dtype, rng }).apply(x),
        );
        const h = transformerEncoderBlock(p, { numHeads: 2, ffDim: 8, normFirst, dtype, rng });
        return graph({
          inputs: x,
          outputs: dense(24, 2, { dtype, rng }).apply(flatten().apply(h)),
        });
      },
      x: data([7, 4, 6], dtype),
      y: data([7, 2], dtype, 1),
      loss: mse,
      batchSize: 3,
    });
  }
  cases.push({
    name: `cross attention with two inputs, causal (${dtype})`,
    build: () => {
      const rng = createRng(5);
      const q = input([3, 4], { dtype });
      const kv = input([5, 2], { dtype });
      const a = multiHeadAttention(4, 2, { keyInputDim: 2, causal: true, dtype, rng }).apply([
        q,
        kv,
        kv,
      ]);
      return graph({
        inputs: [q, kv],
        outputs: dense(12, 1, { dtype, rng }).apply(flatten().apply(a)),
      });
    },
    x: [data([6, 3, 4], dtype), data([6, 5, 2], dtype, 2)],
    y: data([6, 1], dtype, 3),
    loss: mse,
    batchSize: 4,
  });
}

describe('engine parity: attention layers', () => {
  for (const c of cases) it(c.name, () => checkParity(c));
});
