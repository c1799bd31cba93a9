// Optimizers on extreme gradients, against torch 1.13 (values from it, as noted).
import { describe, expect, it } from 'vitest';
import { adam } from '../../src/optimizers/adam.js';
import { rmsprop } from '../../src/optimizers/rmsprop.js';
import { tensor } from '../../src/tensor/create.js';

describe('centered RMSprop after a gradient that underflows', () => {
  it('stays finite (torch: [1.0, 0.8994962573051453])', () => {
    // torch: RMSprop([p], lr=0.01, centered=True); grads [1e-25, 0.5] then [0, 0]
    const p = tensor([1, 1]);
    const opt = rmsprop({ learningRate: 0.01, centered: true });
    opt.step([p], [tensor([1e-25, 0.5])]);
    opt.step([p], [tensor([0, 0])]);
    expect(p.data[0]).toBe(1);
    expect(p.data[1]).toBeCloseTo(0.8994962573051453, 6);
  });
});

describe('Adam with gradients of 1e20', () => {
  it('takes a step of lr (torch: 0.9990000128746033), not 0', () => {
    // torch: Adam([ones(256)], lr=1e-3), grad full(1e20), one step
    const p = tensor(new Float32Array(256).fill(1));
    adam({ learningRate: 1e-3 }).step([p], [tensor(new Float32Array(256).fill(1e20))]);
    for (const v of p.data) expect(v).toBeCloseTo(0.9990000128746033, 6);
  });
});
