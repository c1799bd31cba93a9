// SGD (plain, momentum, Nesterov, dampening, with and without weight decay),
// Adam (amsgrad too), AdamW, RMSprop (centered, momentum) and Adagrad on extreme
// gradients and an infinite weight, against torch 1.13. The
// reference (torch-extremes.json) came from:
//
//   p = torch.tensor(P0, dtype=dt, requires_grad=True); opt = Cls([p], lr=0.1, ...)
//   for _ in range(2): p.grad = torch.tensor(G, dtype=dt); opt.step(); record(p)
//
// with P0 = [1]*7 + [-inf]*7 and G = [1e30, 1e-30, 1e-40, inf, nan, 3e38, -3e38]*2.
// What it pins:
// - float32 state overflows as torch's does: Adam's v = (1 − β2)·g² with
//   g = 1e30 is Infinity and the step m/(√∞ + ε) is 0 (a float64 v used to
//   step by about lr); SGD's momentum buffer (g = 3e38 twice) and Nesterov's
//   d + μ·buf overflow to Infinity and send the weight to ∓Infinity.
// - No weight-decay term when weightDecay is 0: an infinite weight stays
//   infinite (0·∞ made it NaN, on the JS and the WebAssembly kernels).
// - float64 keeps its range: v = 1e57 is finite there, so Adam steps by lr.
// Each case runs on 14 elements and tiled to 266, so that on the wasm and
// threads projects the WebAssembly update (SIMD body and scalar tail) runs it.
import { describe, it } from 'vitest';
import type { FloatDType } from '../../src/_lib/typed.js';
import { adagrad } from '../../src/optimizers/adagrad.js';
import { adam, adamw } from '../../src/optimizers/adam.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { rmsprop } from '../../src/optimizers/rmsprop.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';
import reference from './torch-extremes.json' with { type: 'json' };

type Entry = number | string;
const decode = (v: Entry): number =>
  typeof v === 'number' ? v : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN;
const tile = (v: readonly Entry[], n: number): number[] =>
  Array.from({ length: n }, (_, i) => decode(v[i % v.length]!));

const optimizers: Record<string, () => Optimizer> = {
  sgd: () => sgd({ learningRate: 0.1 }),
  'sgd weightDecay': () => sgd({ learningRate: 0.1, weightDecay: 0.01 }),
  'sgd momentum': () => sgd({ learningRate: 0.1, momentum: 0.9 }),
  'sgd momentum weightDecay': () => sgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 }),
  'sgd nesterov': () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
  'sgd nesterov weightDecay': () =>
    sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  adam: () => adam({ learningRate: 0.1 }),
  'adam weightDecay': () => adam({ learningRate: 0.1, weightDecay: 0.01 }),
  adamw: () => adamw({ learningRate: 0.1, weightDecay: 0.01 }),
  'adam amsgrad': () => adam({ learningRate: 0.1, amsgrad: true }),
  'sgd dampening': () => sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.1 }),
  rmsprop: () => rmsprop({ learningRate: 0.1 }),
  'rmsprop centered': () => rmsprop({ learningRate: 0.1, centered: true }),
  'rmsprop momentum': () => rmsprop({ learningRate: 0.1, momentum: 0.9 }),
  'rmsprop centered momentum': () => rmsprop({ learningRate: 0.1, centered: true, momentum: 0.9 }),
  adagrad: () => adagrad({ learningRate: 0.1 }),
};
const cases = reference.cases as Record<string, Entry[][]>;
const dtypes: FloatDType[] = ['float32', 'float64'];

describe.each(Object.keys(optimizers))('%s on extreme gradients, as torch', (name) => {
  for (const dtype of dtypes) {
    for (const n of [14, 266]) {
      it(`${dtype}, ${n} elements`, () => {
        const want = cases[`${name} ${dtype}`]!;
        const p = tensor(tile(reference.p0, n), { dtype });
        const g = tensor(tile(reference.g, n), { dtype });
        const opt = optimizers[name]!();
        // float32: a few roundings apart (torch rounds after every operation)
        const tol = dtype === 'float32' ? { atol: 1e-6, rtol: 1e-6 } : { atol: 1e-12, rtol: 1e-12 };
        for (let step = 0; step < 2; step++) {
          opt.step([p], [g]);
          expectClose(p, tile(want[step]!, n), tol);
        }
      });
    }
  }
});
