import { sigmoid } from '../../src/activations/sigmoid.js';
import { tanh } from '../../src/activations/tanh.js';
import { dense } from '../../src/layers/dense.js';
import { sequential } from '../../src/models/sequential.js';
import type { Sequential } from '../../src/models/model.js';
import { namedParameters } from '../../src/models/parameters.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A small 2-4-1 regression model with seeded weights. */
export function smallModel(seed = 1): Sequential {
  const rng = createRng(seed);
  return sequential([
    dense(2, 4, { activation: tanh, rng }),
    dense(4, 1, { activation: sigmoid, rng }),
  ]);
}

/** 12 rows of 2 features and a 0/1 target (x0 > x1). */
export function smallData(): { x: Tensor; y: Tensor } {
  const rng = createRng(99);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < 12; i++) {
    const a = rng.uniform(-1, 1),
      b = rng.uniform(-1, 1);
    xs.push([a, b]);
    ys.push([a > b ? 1 : 0]);
  }
  return { x: tensor(xs), y: tensor(ys) };
}

/** Copies of every parameter's values. */
export function weightsOf(model: Sequential): number[][] {
  return namedParameters(model).map((p) => Array.from(p.tensor.data));
}
