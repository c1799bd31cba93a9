import type { Tensor } from '../tensor/tensor.js';

// The only autograd code every op needs: a mode flag and the recorder. Kept
// apart from backward() so that importing one activation bundles a few lines,
// not the whole engine.

const mode = { enabled: true };

/**
 * Whether ops currently record the graph (false inside `noGrad`).
 *
 * @example
 * ```ts
 * import { isGradEnabled, noGrad } from 'myelin';
 * isGradEnabled();                  // true
 * noGrad(() => isGradEnabled());    // false
 * ```
 */
export function isGradEnabled(): boolean {
  return mode.enabled;
}

/**
 * Records `out` as produced by `op` from `inputs` when gradients are enabled
 * and any input requires them. `backward` maps the gradient of `out` to one
 * gradient (or null) per input, in order.
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (!mode.enabled) return out;
  for (const t of inputs) {
    if (t.requiresGrad) {
      out.requiresGrad = true;
      out.node = { op, inputs, backward };
      return out;
    }
  }
  return out;
}

/**
 * Runs `fn` without recording the autograd graph: for inference and for
 * updates that must not be differentiated. `fn` must be synchronous (the mode
 * is restored when it returns).
 *
 * @example
 * ```ts
 * import { noGrad, tensor, mul } from 'myelin';
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => mul(w, 2));
 * console.log(y.requiresGrad); // false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = mode.enabled;
  mode.enabled = false;
  try {
    return fn();
  } finally {
    mode.enabled = prev;
  }
}

/**
 * Runs `fn` with graph recording on, even inside `noGrad` (used by `grad`).
 *
 * @example
 * ```ts
 * import { enableGrad, noGrad, isGradEnabled } from 'myelin';
 * noGrad(() => enableGrad(() => isGradEnabled())); // true
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = mode.enabled;
  mode.enabled = true;
  try {
    return fn();
  } finally {
    mode.enabled = prev;
  }
}
