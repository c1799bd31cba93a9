import type { Tensor } from '../tensor/tensor.js';
import { defineActivation } from './define.js';
import { checkInput } from './_check.js';

/**
 * The identity activation (a linear layer): returns its input unchanged.
 *
 * @example
 * ```ts
 * import { identity, tensor } from 'myelin';
 * identity(tensor([1, -1])).toArray(); // [1, -1]
 * ```
 *
 * @group Activations
 */
export const identity = defineActivation('identity', (x: Tensor): Tensor =>
  checkInput('identity', x),
);
