import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A regularization factor: finite and non-negative. Zero is allowed (no
 * penalty, as Keras accepts `l2(0)`); a negative factor would reward large
 * weights and NaN/Infinity would poison the loss, so both are rejected here
 * rather than at the first training step.
 */
export function checkFactor(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(`${fn}: ${name} must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

/** The penalty's argument must be a Tensor (a param or a layer's output). */
export function checkWeights(fn: string, w: unknown): Tensor {
  if (!(w instanceof Tensor)) throw new ValueError(`${fn}: w must be a Tensor, got ${show(w)}`);
  return w;
}
