// Property test: for random sizes, pools, strides and both paddings, the
// pooling layers agree with a naive reference written straight from the
// definition (an explicitly padded window; the padding never wins a max and
// is not counted in a mean), and the max pool's gradient lands on the
// first maximum of each window.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backward } from '../../src/autograd/backward.js';
import { avgPool2d, maxPool2d } from '../../src/layers/pool.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

interface Case {
  h: number;
  w: number;
  c: number;
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  same: boolean;
  values: number[];
}

const cases = fc
  .record({
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    c: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 1, max: 4 }),
    pw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    same: fc.boolean(),
  })
  .filter((k) => k.same || (k.ph <= k.h && k.pw <= k.w))
  .chain((k) =>
    // small integers, so ties are common and sums are exact
    fc
      .array(fc.integer({ min: -3, max: 3 }), {
        minLength: k.h * k.w * k.c,
        maxLength: k.h * k.w * k.c,
      })
      .map((values): Case => ({ ...k, values })),
  );

/** Per axis: output count and padding before, from the definitions in docs/pooling.md. */
function axis(size: number, pool: number, stride: number, same: boolean): [number, number] {
  if (!same) return [Math.floor((size - pool) / stride) + 1, 0];
  const out = Math.ceil(size / stride);
  return [out, Math.floor(Math.max((out - 1) * stride + pool - size, 0) / 2)];
}

/** Naive pooling: [max, mean, index of the first max] per output, in output order. */
function reference(k: Case): { max: number[]; mean: number[]; first: number[] } {
  const [oh, top] = axis(k.h, k.ph, k.sh, k.same);
  const [ow, left] = axis(k.w, k.pw, k.sw, k.same);
  const max: number[] = [];
  const mean: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++)
      for (let ch = 0; ch < k.c; ch++) {
        let best = -Infinity;
        let at = -1;
        let total = 0;
        let count = 0;
        for (let a = 0; a < k.ph; a++)
          for (let b = 0; b < k.pw; b++) {
            const y = i * k.sh - top + a;
            const x = j * k.sw - left + b;
            if (y < 0 || y >= k.h || x < 0 || x >= k.w) continue; // padding
            const idx = (y * k.w + x) * k.c + ch;
            const v = k.values[idx]!;
            if (v > best) {
              best = v;
              at = idx;
            }
            total += v;
            count++;
          }
        max.push(best);
        mean.push(total / count);
        first.push(at);
      }
  return { max, mean, first };
}

describe('pooling against a naive reference (property)', () => {
  it('max, mean and the max gradient agree for random geometries', () => {
    fc.assert(
      fc.property(cases, (k) => {
        const options = {
          strides: [k.sh, k.sw] as [number, number],
          padding: k.same ? ('same' as const) : ('valid' as const),
        };
        const x = tensor(k.values, {
          shape: [1, k.h, k.w, k.c],
          dtype: 'float64',
          requiresGrad: true,
        });
        const ref = reference(k);
        const ctx = { training: true, rng: createRng(0) };
        const y = maxPool2d([k.ph, k.pw], options).forward(x, ctx);
        expect(Array.from(y.data)).toEqual(ref.max);
        const m = avgPool2d([k.ph, k.pw], options).forward(x, ctx);
        Array.from(m.data).forEach((v, i) => {
          expect(v).toBeCloseTo(ref.mean[i]!, 12);
        });
        backward(sum(y));
        const grad = new Array<number>(k.values.length).fill(0);
        for (const at of ref.first) grad[at] = grad[at]! + 1;
        expect(Array.from(x.grad!.data)).toEqual(grad);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
