import { assertKnownKeys, show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFactor, checkWeights } from './_check.js';
import { l1Kernel } from './l1.js';
import { l2Kernel } from './l2.js';
import { kernelPenalty, type Regularizer, type RegularizerKernel } from './regularizer.js';

/** Options of {@link l1l2}. */
export interface L1L2Options {
  /** L1 strength (default 0). */
  l1?: number;
  /** L2 strength (default 0). */
  l2?: number;
}

/** The combined L1 + L2 (elastic-net) penalty returned by {@link l1l2}. */
export interface L1L2 extends Regularizer {
  readonly kind: 'l1l2';
  readonly config: Readonly<{ l1: number; l2: number }>;
}

/**
 * The elastic-net penalty `l1 · Σ|w| + l2 · Σw²`, as Keras
 * `regularizers.L1L2(l1, l2)` (both default 0, as Keras). As with {@link l2}
 * the squared term has no ½ (Keras's convention): its gradient is `2·l2·w`.
 * `config` is `{ l1, l2 }`: `l1l2(reg.config)` rebuilds it.
 *
 * @example
 * ```ts
 * import { l1l2, tensor } from 'myelin';
 * const reg = l1l2({ l1: 0.01, l2: 0.1 });
 * reg.penalty(tensor([1, -2])).item(); // 0.01·(1 + 2) + 0.1·(1 + 4) = 0.53
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function l1l2(options: L1L2Options = {}): L1L2 {
  if (typeof options !== 'object' || options === null) {
    throw new ValueError(`l1l2: options must be an object, got ${show(options)}`);
  }
  assertKnownKeys('l1l2', 'options', options, ['l1', 'l2']);
  const a = checkFactor('l1l2', 'l1', options.l1 ?? 0);
  const b = checkFactor('l1l2', 'l2', options.l2 ?? 0);
  const k1 = l1Kernel(a),
    k2 = l2Kernel(b);
  const kernel: RegularizerKernel = {
    value: (w) => k1.value(w) + k2.value(w),
    addGrad(w, g) {
      k1.addGrad(w, g);
      k2.addGrad(w, g);
    },
  };
  return {
    kind: 'l1l2',
    config: Object.freeze({ l1: a, l2: b }),
    kernel,
    penalty(w: Tensor): Tensor {
      return kernelPenalty('l1l2', kernel, checkWeights('l1l2.penalty', w));
    },
  };
}
