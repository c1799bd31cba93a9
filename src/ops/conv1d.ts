import { assertKnownKeys, assertOptions } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { convGeometry, readConvSpec, type Conv1dPadding } from './_conv.js';
import { convOp, convOperands } from './_conv-op.js';

/** Options of {@link conv1dOp}. */
export interface Conv1dOpOptions {
  /** Step between output positions (default 1). */
  strides?: number;
  /** 'valid' (default), 'same' (TensorFlow's rule, the odd zero after) or `[left, right]`. */
  padding?: Conv1dPadding;
  /** Spacing between kernel taps (default 1). */
  dilation?: number;
  /** Channel groups (default 1). */
  groups?: number;
}

const KNOWN = ['strides', 'padding', 'dilation', 'groups'];

/**
 * 1-D convolution (cross-correlation) over sequences, channels last:
 * x [batch, steps, C] and kernel [k, C/groups, filters] (Keras layout) give
 * [batch, steps', filters] with
 * y[n, t, f] = Σ_{i, c} x[n, t·s − padLeft + i·d, g·C/groups + c] · k[i, c, f]
 * (zero outside the sequence). It is {@link conv2dOp} with a height of 1.
 *
 * @category Convolution
 * @example
 * ```ts
 * import { conv1dOp, reshape, tensor } from 'myelin';
 * const x = tensor([1, 2, 3, 4], { shape: [1, 4, 1] });
 * const k = tensor([1, -1], { shape: [2, 1, 1] }); // x[t] − x[t+1]
 * reshape(conv1dOp(x, k), [3]).toArray(); // [-1, -1, -1]
 * ```
 */
export function conv1dOp(x: Tensor, kernel: Tensor, options: Conv1dOpOptions = {}): Tensor {
  const fn = 'conv1dOp';
  // The operands first: a bad x is reported before anything about options.
  const [tx, tk] = convOperands(
    fn,
    x,
    kernel,
    3,
    '[batch, steps, channels]',
    '[k, channels/groups, filters]',
  );
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  const spec = readConvSpec(fn, options, 1);
  const [n, steps, c] = tx.shape as [number, number, number];
  const [k, kc, f] = tk.shape as [number, number, number];
  if (kc * spec.groups !== c)
    throw new ShapeError(
      `${fn}: kernel ${fmtShape(tk.shape)} expects ${kc * spec.groups} input channels (${kc} per group x ${spec.groups} groups), x has ${c}`,
    );
  const g = convGeometry(fn, 1, steps, c, 1, k, f, spec, 1);
  return convOp(fn, tx, tk, g, [n, g.outW, f], false);
}
