// One float64 gradient-check row per activation (and per configured variant
// whose backward takes a different path). gradcheck.test.ts runs every row and
// fails when an activation exported from src/activations/index.ts has none.
//
// Inputs stay away from kinks: relu, leakyRelu and selu have a corner at 0
// (elu with alpha ≠ 1 too) and softplus a jump of e^−threshold at its
// threshold, where a central difference straddling the corner is meaningless.
import type { Activation } from '../../src/activations/define.js';
import * as activations from '../../src/activations/index.js';
import { tensor } from '../../src/tensor/create.js';
import type { Tensor } from '../../src/tensor/tensor.js';

export interface ActivationRow {
  /** Label shown by the test. */
  name: string;
  /** The export this row covers (its key in src/activations/index.ts). */
  exportName: string;
  /** The activation under test (the export itself or a configured form of it). */
  fn: (x: Tensor) => Tensor;
  /** float64 input. */
  input: Tensor;
}

const {
  relu,
  sigmoid,
  tanh,
  identity,
  leakyRelu,
  elu,
  selu,
  gelu,
  softplus,
  softsign,
  hardSigmoid,
  silu,
  swish,
  softmax,
  logSoftmax,
} = activations;

const f64 = (values: number[], shape: number[]): Tensor =>
  tensor(values, { dtype: 'float64', shape });

// [2, 3]: both signs, small and moderate magnitudes, none within 1e-3 of 0.
const mixed = f64([-2.1, -0.7, -0.05, 0.3, 1.4, 3.2], [2, 3]);
// Wider range for the smooth saturating functions, including their tails.
const wide = f64([-8.5, -3.3, -1.1, -0.2, 0.15, 0.9, 2.7, 6.1], [8]);
// 2-D and 3-D inputs for the axis-wise softmax family.
const m2 = f64([0.3, -1.2, 2.0, 0.5, -0.4, 1.1, 0.0, -2.2, 0.7, 1.9, -0.6, 0.2], [3, 4]);
const m3 = f64(
  Array.from({ length: 24 }, (_, i) => Math.sin(1.7 * i + 0.3) * 2.5),
  [2, 3, 4],
);

function row(
  exportName: string,
  fn: Activation | ((x: Tensor) => Tensor),
  input: Tensor,
  name = exportName,
): ActivationRow {
  return { name, exportName, fn, input };
}

export const activationTable: ActivationRow[] = [
  row('relu', relu, mixed),
  row('sigmoid', sigmoid, wide),
  row('tanh', tanh, wide),
  row('identity', identity, mixed),
  row('leakyRelu', leakyRelu, mixed),
  row('leakyRelu', leakyRelu.with({ alpha: 0.2 }), mixed, 'leakyRelu alpha=0.2'),
  row('elu', elu, wide),
  row('elu', elu.with({ alpha: 0.5 }), mixed, 'elu alpha=0.5'),
  row('selu', selu, mixed),
  row('gelu', gelu, wide),
  row('gelu', gelu.with({ approximate: 'tanh' }), wide, 'gelu tanh'),
  row(
    'softplus',
    softplus,
    f64([-30, -4.2, -0.3, 0.6, 3.3, 19.5, 20.5, 45], [8]),
    'softplus (both sides of threshold 20)',
  ),
  row(
    'softplus',
    softplus.with({ beta: 2.5, threshold: 5 }),
    wide,
    'softplus beta=2.5 threshold=5',
  ),
  row('softsign', softsign, wide),
  // Away from the kinks at ±2.5 (±3 for alpha 1/6), where the gradient jumps.
  row('hardSigmoid', hardSigmoid, wide),
  row('hardSigmoid', hardSigmoid.with({ alpha: 1 / 6 }), wide, 'hardSigmoid alpha=1/6'),
  row('silu', silu, wide),
  row('swish', swish, mixed),
  row('softmax', softmax, m2, 'softmax 2-D axis -1'),
  row('softmax', softmax.with({ axis: 0 }), m2, 'softmax 2-D axis 0'),
  row('softmax', softmax, m3, 'softmax 3-D axis -1'),
  row('softmax', softmax.with({ axis: 0 }), m3, 'softmax 3-D axis 0'),
  row('softmax', (x) => softmax(x, 1), m3, 'softmax 3-D axis 1 (argument)'),
  row('logSoftmax', logSoftmax, m2, 'logSoftmax 2-D axis -1'),
  row('logSoftmax', logSoftmax.with({ axis: 0 }), m2, 'logSoftmax 2-D axis 0'),
  row('logSoftmax', logSoftmax, m3, 'logSoftmax 3-D axis -1'),
  row('logSoftmax', logSoftmax.with({ axis: 0 }), m3, 'logSoftmax 3-D axis 0'),
  row('logSoftmax', (x) => logSoftmax(x, -2), m3, 'logSoftmax 3-D axis -2 (argument)'),
];
