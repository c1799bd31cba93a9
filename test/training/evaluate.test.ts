import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { crossEntropy } from '../../src/losses/cross-entropy.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { tensor } from '../../src/tensor/create.js';
import { evaluate } from '../../src/training/evaluate.js';
import { accuracy } from '../../src/training/metrics.js';
import { expectClose } from '../helpers/expect-close.js';

describe('evaluate', () => {
  it('computes loss and metrics in inference mode (known values)', () => {
    // y = 2x (dropout off at inference): predictions 2, 4, 6 against 2, 4, 9 → mse = 9/3 = 3
    const model = sequential([dropout(0.5), dense(1, 1, { kernel: [[2]], bias: [0] })]);
    const r = evaluate(model, [[1], [2], [3]], [[2], [4], [9]], { loss: mse });
    expect(r).toEqual({ loss: 3, metrics: {} });
  });

  it('does not depend on batchSize', () => {
    const model = sequential([
      dense(2, 3, {
        kernel: [
          [1, 0, -1],
          [0, 1, 1],
        ],
        bias: [0, 0, 0],
      }),
    ]);
    const x = tensor([
      [1, 0],
      [0, 1],
      [2, 2],
      [-1, 3],
      [0.5, 0.5],
    ]);
    const y = tensor([0, 1, 1, 2, 0]);
    const a = evaluate(model, x, y, { loss: crossEntropy, metrics: [accuracy], batchSize: 2 });
    const b = evaluate(model, x, y, { loss: crossEntropy, metrics: [accuracy], batchSize: 100 });
    expectClose([a.loss], [b.loss], { atol: 1e-6 });
    expect(a.metrics).toEqual(b.metrics);
    // logits x·W per row: [1,0,−1] → 0 ✓, [0,1,1] → 1 (first of a tie) ✓, [2,2,0] → 0 ✗ (target 1),
    // [−1,3,4] → 2 ✓, [0.5,0.5,0] → 0 ✓: 4 of 5
    expect(a.metrics.accuracy).toBe(0.8);
  });

  it('rejects bad input naming evaluate', () => {
    const model = sequential([dense(2, 1)]);
    expect(() => evaluate(model, [[1, 2]], [[1], [2]], { loss: mse })).toThrow(
      /evaluate: x and y must have the same number of rows/,
    );
    expect(() => evaluate(model, [[1]], [[1]], { loss: mse })).toThrow(
      'evaluate: layer 0 (dense) expects input shape [2] but x has per-sample shape [1]',
    );
    expect(() => evaluate(model, [[1, 2]], [[1]], {} as never)).toThrow(
      /evaluate: loss must be a loss function/,
    );
    expect(() => evaluate(model, [[1, 2]], [[1]], { loss: mse, batchSize: -1 })).toThrow(
      /evaluate: batchSize/,
    );
  });
});
