import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { mse } from '../../src/losses/mse.js';
import { sequential } from '../../src/models/sequential.js';
import { sgd } from '../../src/optimizers/sgd.js';
import { l1 } from '../../src/regularizers/l1.js';
import { l2 } from '../../src/regularizers/l2.js';
import { tensor } from '../../src/tensor/create.js';
import { fit } from '../../src/training/fit.js';
import { expectClose } from '../helpers/expect-close.js';

// The regularizers as fit uses them: kernel penalties added to the
// objective (and reported in history.regularization), gradients flowing
// into the update.
describe('regularizers in training', () => {
  it('an l2 kernel penalty shrinks the weights by lr·2·factor·w when the data loss has no gradient', async () => {
    // x = 0 and y = 0 with bias 0: the prediction is exactly the target, so only the penalty has a gradient.
    // penalty = 0.1·(1² + 2²) = 0.5; ∂/∂W = 2·0.1·W = [0.2, 0.4]; one sgd step with lr 1: W = [0.8, 1.6]
    const layer = dense(2, 1, { kernel: [[1], [2]], bias: [0], kernelRegularizer: l2(0.1) });
    const model = sequential([layer]);
    const history = await fit(model, tensor([[0, 0]]), tensor([[0]]), {
      loss: mse,
      optimizer: sgd({ learningRate: 1 }),
      epochs: 1,
      batchSize: 1,
    });
    expect(history.loss[0]).toBe(0);
    expectClose(history.regularization, [0.5], { atol: 1e-7 });
    expectClose(layer.params.kernel!, [0.8, 1.6], { atol: 1e-6 });
  });
  it('an l1 activity penalty is counted on the layer output', async () => {
    // output = [1, 1]·[1, 2]ᵀ = 3; penalty = 0.1·|3| = 0.3 (learning rate 0: nothing moves)
    const model = sequential([
      dense(2, 1, { kernel: [[1], [2]], bias: [0], activityRegularizer: l1(0.1) }),
    ]);
    const history = await fit(model, tensor([[1, 1]]), tensor([[3]]), {
      loss: mse,
      optimizer: sgd({ learningRate: 0 }),
      epochs: 1,
      batchSize: 1,
    });
    expectClose(history.regularization, [0.3], { atol: 1e-6 });
  });
});
