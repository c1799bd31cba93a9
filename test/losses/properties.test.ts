import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huber,
  mae,
  mse,
} from '../../src/losses/index.js';
import { tensor } from '../../src/tensor/create.js';
import { backward } from '../../src/autograd/backward.js';
import { expectClose } from '../helpers/expect-close.js';

const finite = fc.double({ min: -50, max: 50, noNaN: true });
const rows = (cols: number) =>
  fc.array(fc.array(finite, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 5 });

describe('loss properties', () => {
  it('regression losses are >= 0, zero at p = t, and sum = mean·N', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 1, maxLength: 12 }), (pairs) => {
        const p = tensor(
          pairs.map((q) => q[0]),
          { dtype: 'float64' },
        );
        const t = tensor(
          pairs.map((q) => q[1]),
          { dtype: 'float64' },
        );
        for (const loss of [mse, mae, huber, binaryCrossEntropyWithLogits]) {
          const m = loss(p, t).item();
          if (loss !== binaryCrossEntropyWithLogits) {
            expect(m).toBeGreaterThanOrEqual(0);
            expect(loss(p, p).item()).toBe(0);
          }
          expect(loss(p, t, { reduction: 'sum' }).item()).toBeCloseTo(m * pairs.length, 6);
        }
      }),
    );
  });

  it('crossEntropy is shift-invariant per row and >= 0', () => {
    fc.assert(
      fc.property(rows(3), finite, (x, c) => {
        const labels = x.map((_, i) => i % 3);
        const a = crossEntropy(tensor(x, { dtype: 'float64' }), labels).item();
        const b = crossEntropy(
          tensor(
            x.map((r) => r.map((v) => v + c)),
            { dtype: 'float64' },
          ),
          labels,
        ).item();
        expect(a).toBeGreaterThanOrEqual(0);
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
      }),
    );
  });

  it('crossEntropy from labels and from the matching one-hot rows agree in value and gradient', () => {
    fc.assert(
      fc.property(rows(4), fc.constantFrom<'mean' | 'sum'>('mean', 'sum'), (x, reduction) => {
        const labels = x.map((_, i) => (i * 3) % 4);
        const onehot = tensor(
          labels.map((l) => [0, 1, 2, 3].map((c) => (c === l ? 1 : 0))),
          { dtype: 'float64' },
        );
        const a = tensor(x, { dtype: 'float64', requiresGrad: true });
        const b = tensor(x, { dtype: 'float64', requiresGrad: true });
        const la = crossEntropy(a, labels, { reduction });
        const lb = crossEntropy(b, onehot, { reduction });
        expect(la.item()).toBeCloseTo(lb.item(), 9);
        backward(la);
        backward(lb);
        expectClose(a.grad!, b.grad!, { atol: 1e-12 });
      }),
    );
  });
});
