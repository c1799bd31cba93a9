import { assertNumber, fail } from '../_lib/assert.js';
import { checkShape } from '../_lib/shape.js';
import type { Rng } from '../random/rng.js';
import { createOptions, make, rngOption, type CreateOptions } from './create.js';
import { Tensor } from './tensor.js';

// The options randomInt and permutation take (bernoulli adds `shape`).
const RANDOM_KEYS = ['dtype', 'requiresGrad', 'rng'];

/** Options of the random creation functions that take only a stream. */
export interface RandomOptions extends CreateOptions {
  /** Random stream; the shared default stream when omitted. */
  rng?: Rng;
}

/**
 * Uniformly random integers in [low, high) (high excluded, as
 * `torch.randint(low, high, size)` and `tf.randomUniformInt`), drawn from
 * `rng` (the shared default stream when omitted), as int32 unless another
 * dtype is given.
 *
 * @category Creation
 * @example
 * ```ts
 * import { randomInt, createRng } from 'myelin';
 * const t = randomInt([2, 3], 0, 10, { rng: createRng(0) }); // values in 0..9
 * t.shape; // [2, 3]
 * t.dtype; // 'int32'
 * ```
 */
export function randomInt(
  shape: readonly number[],
  low: number,
  high: number,
  options: RandomOptions = {},
): Tensor {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
    fail('randomInt', 'low/high', 'integers with low < high', [low, high]);
  }
  // a draw has 53 random bits: a wider range cannot reach every integer
  if (high - low > 2 ** 53)
    fail('randomInt', 'low/high', 'a range of at most 2^53 integers', [low, high]);
  createOptions('randomInt', options, RANDOM_KEYS);
  const rng = rngOption('randomInt', options.rng, 'integer');
  if (options.dtype === undefined && (low < -2147483648 || high > 2147483648)) {
    fail('randomInt', 'low/high', 'within the int32 range (or pass a float dtype)', [low, high]);
  }
  return make('randomInt', shape, { dtype: 'int32', ...options }, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = rng.integer(low, high);
  });
}

/** Options of {@link bernoulli}. */
export interface BernoulliOptions extends RandomOptions {
  /** The result's shape, to which `p` broadcasts (default: p's shape). */
  shape?: readonly number[];
}

/**
 * Random 0/1 draws: 1 with probability p, as `torch.bernoulli(p)`. `p` is
 * a number or a tensor of probabilities in [0, 1] (one draw per element);
 * `shape` gives a larger result to which p broadcasts. Draws come from
 * `rng` (the shared default stream when omitted); the dtype is p's (float32
 * for a number) unless given. Not differentiable.
 *
 * @category Creation
 * @example
 * ```ts
 * import { bernoulli, createRng, tensor } from 'myelin';
 * const rng = createRng(0);
 * bernoulli(tensor([0, 1, 0, 1]), { rng }).toArray(); // [0, 1, 0, 1]
 * bernoulli(0.5, { shape: [2, 4], rng }).shape;     // [2, 4]
 * ```
 */
export function bernoulli(p: number | Tensor, options: BernoulliOptions = {}): Tensor {
  createOptions('bernoulli', options, [...RANDOM_KEYS, 'shape']);
  let probs: ArrayLike<number>;
  let pShape: readonly number[];
  if (typeof p === 'number') {
    assertNumber('bernoulli', 'p', p, { min: 0, max: 1 });
    probs = [p];
    pShape = [];
  } else if (p instanceof Tensor) {
    probs = p.data;
    pShape = p.shape;
    for (let i = 0; i < probs.length; i++) {
      const v = probs[i]!;
      if (!(v >= 0 && v <= 1)) fail('bernoulli', `p[${i}]`, 'a probability in [0, 1]', v);
    }
  } else return fail('bernoulli', 'p', 'a number or a Tensor', p);
  const { shape: given, rng: r, ...rest } = options;
  const rng = rngOption('bernoulli', r, 'uniform');
  const shape = given === undefined ? pShape : checkShape('bernoulli', 'shape', given);
  const lead = shape.length - pShape.length;
  if (lead < 0 || !pShape.every((d, i) => d === 1 || d === shape[lead + i])) {
    fail('bernoulli', 'shape', `a shape p's shape [${pShape.join(',')}] broadcasts to`, shape);
  }
  const dtype = rest.dtype ?? (p instanceof Tensor ? p.dtype : 'float32');
  return make('bernoulli', shape, { ...rest, dtype }, (d) => {
    // Index of p for output element i: drop the leading axes, clamp broadcast ones.
    const strides: number[] = [];
    let acc = 1;
    for (let k = pShape.length - 1; k >= 0; k--) {
      strides[k] = pShape[k] === 1 ? 0 : acc;
      acc *= pShape[k]!;
    }
    for (let i = 0; i < d.length; i++) {
      let rem = i,
        at = 0;
      for (let k = shape.length - 1; k >= 0; k--) {
        const n = shape[k]!;
        const c = rem % n;
        rem = (rem - c) / n;
        const pk = k - lead;
        if (pk >= 0) at += c * strides[pk]!;
      }
      d[i] = rng.uniform() < probs[at]! ? 1 : 0;
    }
  });
}

/**
 * A random ordering of 0, 1, …, n − 1 (Fisher–Yates from `rng`, the shared
 * default stream when omitted), as `torch.randperm(n)`, for shuffling by
 * hand with `gather`. int32 unless another dtype is given.
 *
 * @category Creation
 * @example
 * ```ts
 * import { permutation, createRng } from 'myelin';
 * permutation(5, { rng: createRng(42) }).toArray(); // [1, 2, 4, 0, 3]
 * ```
 */
export function permutation(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isSafeInteger(n) || n < 0) fail('permutation', 'n', 'a non-negative integer', n);
  createOptions('permutation', options, RANDOM_KEYS);
  const rng = rngOption('permutation', options.rng, 'permutation');
  const order = rng.permutation(n);
  return make('permutation', [n], { dtype: 'int32', ...options }, (d) => {
    d.set(order);
  });
}
