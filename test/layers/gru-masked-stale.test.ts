// A GRU without resetAfter keeps r ⊙ h per step for the recurrent kernel's
// gradient, a product over every step. On a masked step that slot must be 0:
// the WebAssembly kernel once left whatever its staging memory held there, so
// an earlier kernel call that left Infinity behind made the gradient NaN.
// The gradient with trailing masked steps must equal that of the sequences
// cut to their real steps (a property of masking, as Keras's).
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/functional.js';
import { gru } from '../../src/layers/gru.js';
import { withMask } from '../../src/tensor/mask.js';
import { matmul } from '../../src/ops/matmul.js';
import { sum } from '../../src/ops/sum.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

function gradsOf(resetAfter: boolean, x: Tensor): Float32Array[] {
  const layer = gru(2, 3, { resetAfter, rng: createRng(3) });
  const params: Tensor[] = Object.values(layer.params);
  // The parameters are the layer's own tensors: differentiating with respect
  // to them gives the layer's gradients.
  const f = grad<Tensor[]>(() => sum(layer.forward(x, { training: true, rng: createRng(0) })));
  return f(...params).map((g) => g.data as Float32Array);
}

describe('gru on masked steps after a kernel left Infinity in memory', () => {
  for (const resetAfter of [false, true])
    it(`gives the gradients of the cut sequence (resetAfter: ${resetAfter})`, () => {
      // Leave Infinity wherever a kernel stages its operands.
      matmul(
        tensor(new Float32Array(400 * 500).fill(Infinity), { shape: [400, 500] }),
        tensor(new Float32Array(500 * 4).fill(1), { shape: [500, 4] }),
      );
      const masked = withMask(
        tensor([
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
        ]),
        tensor([[1, 1, 0]]),
      );
      const cut = tensor([
        [
          [1, 2],
          [3, 4],
        ],
      ]);
      const got = gradsOf(resetAfter, masked);
      const want = gradsOf(resetAfter, cut);
      for (let i = 0; i < want.length; i++) {
        expect(got[i]!.every(Number.isFinite)).toBe(true);
        for (let j = 0; j < want[i]!.length; j++) expect(got[i]![j]).toBeCloseTo(want[i]![j]!, 6);
      }
    });
});
