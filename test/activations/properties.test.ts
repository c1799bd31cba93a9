import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSoftmax, softmax } from '../../src/activations/index.js';
import { grad } from '../../src/autograd/functional.js';
import { sum } from '../../src/ops/sum.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { activationTable } from './activation-table.js';

const finite = (max: number) => fc.double({ min: -max, max, noNaN: true, noDefaultInfinity: true });
/** A rows × cols matrix (1–5 rows, 1–8 columns) of values in [−max, max]. */
const matrix = (max: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 8 }))
    .chain(([r, c]) =>
      fc.tuple(fc.constant([r, c]), fc.array(finite(max), { minLength: r * c, maxLength: r * c })),
    );

describe('softmax properties (fast-check)', () => {
  it('each row sums to 1 within 1e-5 in float32, and every entry is in [0, 1]', () => {
    fc.assert(
      fc.property(matrix(1e4), ([[r, c], values]) => {
        const y = softmax(tensor(values, { shape: [r, c] })).data;
        for (let i = 0; i < r; i++) {
          let s = 0;
          for (let j = 0; j < c; j++) {
            const v = y[i * c + j]!;
            expect(v >= 0 && v <= 1).toBe(true);
            s += v;
          }
          expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-5);
        }
      }),
    );
  });

  it('columns sum to 1 along axis 0', () => {
    fc.assert(
      fc.property(matrix(100), ([[r, c], values]) => {
        const y = softmax.with({ axis: 0 })(tensor(values, { shape: [r, c] })).data;
        for (let j = 0; j < c; j++) {
          let s = 0;
          for (let i = 0; i < r; i++) s += y[i * c + j]!;
          expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-5);
        }
      }),
    );
  });

  it('is shift-invariant: softmax(x + c) = softmax(x) (float64, to 1e-12)', () => {
    fc.assert(
      fc.property(matrix(100), finite(100), ([[r, c], values], shift) => {
        const a = softmax(tensor(values, { shape: [r, c], dtype: 'float64' })).data;
        const b = softmax(
          tensor(
            values.map((v) => v + shift),
            { shape: [r, c], dtype: 'float64' },
          ),
        ).data;
        // x + c is rounded (up to 1.4e-14 absolute here), which moves e^x by that much relatively.
        for (let i = 0; i < a.length; i++)
          expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it('logSoftmax = log(softmax) where softmax is not tiny (float64)', () => {
    fc.assert(
      fc.property(matrix(50), ([[r, c], values]) => {
        const x = tensor(values, { shape: [r, c], dtype: 'float64' });
        const p = softmax(x).data;
        const l = logSoftmax(x).data;
        for (let i = 0; i < p.length; i++) {
          if (p[i]! > 1e-30) expect(Math.abs(l[i]! - Math.log(p[i]!))).toBeLessThanOrEqual(1e-12);
        }
      }),
    );
  });
});

describe('activations never mutate their input (fast-check)', () => {
  it.each(activationTable.map((r) => [r.name, r] as const))(
    '%s, forward and backward',
    (_name, r) => {
      fc.assert(
        fc.property(
          fc.array(finite(50), { minLength: r.input.size, maxLength: r.input.size }),
          (values) => {
            const x = tensor(values, { shape: r.input.shape, dtype: 'float64' });
            const before = Array.from(x.data);
            r.fn(x);
            grad((a: Tensor) => sum(r.fn(a)))(x);
            expect(Array.from(x.data)).toEqual(before);
          },
        ),
        { numRuns: 30 },
      );
    },
  );
});
