// loadSafetensorsWeights with mapping 'pytorch' and `modules` for a batch norm
// without gamma and beta (PyTorch's BatchNorm1d(affine=False): only buffers).
// Reference (torch 1.13, float64):
//   m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2, affine=False))
//   weight [[1, 0.5], [-1, 2]], bias [0.25, -0.5], running_mean [1, 2], running_var [4, 9]
//   m.eval(); m(torch.tensor([[3., 5], [-1, 0.5]]))
//   → [[2.374997031255566, 1.499999166667361], [-0.7499990625017579, -0.16666657407415122]]
import { describe, expect, it } from 'vitest';
import { loadSafetensorsWeights } from '../../src/io/safetensors-weights.js';
import { writeSafetensors } from '../../src/io/safetensors.js';
import { batchNorm } from '../../src/layers/batch-norm.js';
import { dense } from '../../src/layers/dense.js';
import { predict } from '../../src/models/predict.js';
import { sequential } from '../../src/models/sequential.js';
import { tensor } from '../../src/tensor/create.js';
import { expectClose } from '../helpers/expect-close.js';

const f64 = { dtype: 'float64' } as const;

describe('loadSafetensorsWeights: a batch norm with only moving statistics', () => {
  it('takes its module name from `modules`, like any layer with weights', () => {
    // The state_dict of the PyTorch model, under the names a user gives the modules.
    const file = writeSafetensors({
      'fc.weight': tensor(
        [
          [1, 0.5],
          [-1, 2],
        ],
        f64,
      ),
      'fc.bias': tensor([0.25, -0.5], f64),
      'bn.running_mean': tensor([1, 2], f64),
      'bn.running_var': tensor([4, 9], f64),
      'bn.num_batches_tracked': tensor([0], { dtype: 'int32' }),
    });
    const model = sequential([
      dense(2, 2, { dtype: 'float64' }),
      batchNorm(2, { center: false, scale: false, epsilon: 1e-5, dtype: 'float64' }),
    ]);
    loadSafetensorsWeights(model, file, { mapping: 'pytorch', modules: ['fc', 'bn'] });
    expectClose(
      predict(
        model,
        tensor(
          [
            [3, 5],
            [-1, 0.5],
          ],
          f64,
        ),
      ),
      [
        [2.374997031255566, 1.499999166667361],
        [-0.7499990625017579, -0.16666657407415122],
      ],
      { atol: 1e-12 },
    );
  });

  it('counts it when checking the number of module names', () => {
    const model = sequential([dense(2, 2), batchNorm(2, { center: false, scale: false })]);
    const file = writeSafetensors({
      'fc.weight': tensor([
        [1, 0],
        [0, 1],
      ]),
      'fc.bias': tensor([0, 0]),
    });
    expect(() => {
      loadSafetensorsWeights(model, file, { mapping: 'pytorch', modules: ['fc'] });
    }).toThrow('layers with weights or state (layer 1 has none)');
  });
});
