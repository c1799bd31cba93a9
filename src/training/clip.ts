import { assertKnownKeys, assertOptions, fail } from '../_lib/assert.js';
import { asFloat, type FloatArray } from '../_lib/typed.js';
import { checkClip, clipArrays } from '../optimizers/_base.js';
import { Tensor } from '../tensor/tensor.js';

export { checkClip };

/** Options of {@link clipGradients} (and the `clipNorm`/`clipValue` options of `fit`). */
export interface ClipOptions {
  /**
   * Largest global norm: when ‖g‖ = sqrt(Σ over every gradient of g²)
   * exceeds it, every gradient is scaled by clipNorm / (‖g‖ + 1e-6), as
   * PyTorch's `clip_grad_norm_` (Keras's `global_clipnorm`); a NaN in any
   * gradient makes the norm and every element NaN, as there.
   */
  clipNorm?: number;
  /** Largest magnitude of one element: each is clamped to [−clipValue, clipValue] (Keras `clipvalue`). */
  clipValue?: number;
}

/** {@link clipGradients} on checked settings. @internal */
export function clipInPlace(grads: readonly (Tensor | null)[], o: ClipOptions): number {
  const arrays: FloatArray[] = [];
  for (const g of grads) if (g !== null) arrays.push(asFloat(g.data));
  return clipArrays(arrays, o);
}

/**
 * Clips gradients in place, for custom training loops (`fit` does the same
 * with its `clipNorm` and `clipValue` options, and so do the optimizers'
 * options of the same names): first by global norm, then by value. Returns
 * the global norm before clipping (as PyTorch's `clip_grad_norm_`), handy
 * for logging. Null entries (no gradient) are skipped. Pascanu et al. 2013, "On the difficulty of training recurrent
 * neural networks", arXiv:1211.5063.
 *
 * @example
 * ```ts
 * import { clipGradients, tensor } from 'myelin';
 * const g = [tensor([3, 0]), tensor([0, 4])]; // global norm 5
 * const norm = clipGradients(g, { clipNorm: 1 });
 * console.log(norm, g[0]!.data[0]); // 5, about 0.6
 * ```
 */
export function clipGradients(grads: readonly (Tensor | null)[], options: ClipOptions): number {
  if (!Array.isArray(grads)) fail('clipGradients', 'grads', 'an array of tensors', grads);
  (grads as unknown[]).forEach((g, i) => {
    // int32 data would truncate the scaled values (3 · 0.2 -> 0).
    if (g !== null && (!(g instanceof Tensor) || g.dtype === 'int32'))
      fail(
        'clipGradients',
        `grads[${i}]`,
        g instanceof Tensor ? 'a float Tensor' : 'a Tensor or null',
        g,
      );
  });
  assertOptions('clipGradients', options);
  assertKnownKeys('clipGradients', 'options', options, ['clipNorm', 'clipValue']);
  const o = checkClip('clipGradients', options);
  return clipInPlace(grads, o ?? {});
}
