import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/activations/sigmoid.js';
import { tanh } from '../../src/activations/tanh.js';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { adam } from '../../src/optimizers/adam.js';
import { createRng } from '../../src/random/rng.js';
import { fit } from '../../src/training/fit.js';
import { binaryAccuracy } from '../../src/training/metrics.js';

describe('e2e: XOR', () => {
  it('a 2-8-1 tanh/sigmoid network learns XOR with a fixed seed', async () => {
    const rng = createRng(7);
    const model = sequential([
      dense(2, 8, { activation: tanh, rng }),
      dense(8, 1, { activation: sigmoid, rng }),
    ]);
    const x = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const y = [[0], [1], [1], [0]];
    const h = await fit(model, x, y, {
      loss: mse,
      optimizer: adam({ learningRate: 0.05 }),
      epochs: 300,
      batchSize: 4,
      rng,
      metrics: [binaryAccuracy],
    });
    expect(h.loss.at(-1)!).toBeLessThan(0.01);
    expect(h.metrics.binaryAccuracy!.at(-1)).toBe(1);
    const out = Array.from(predict(model, x).data);
    expect(out.map((p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    out.forEach((p, i) => {
      expect(Math.abs(p - y[i]![0]!)).toBeLessThan(0.2);
    });
  });
});
