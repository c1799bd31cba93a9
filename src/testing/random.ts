import { fail } from '../_lib/assert.js';
import { DEFAULT_SEED, defaultRng, seed as seedDefault, type Rng } from '../random/rng.js';

/**
 * Makes a test independent of the tests that ran before it: resets the
 * shared default random stream (the one layers, initializers and `fit` draw
 * from when no `rng` is passed) to `seed`, and returns that stream, ready to
 * pass as `rng` where a function takes one. Code that passes it and code that
 * relies on the default then draw from one sequence, in order, so a test
 * repeats bit for bit on the JS kernels whatever ran before it. Without an
 * argument the seed is `DEFAULT_SEED` (42), the state a fresh process starts in.
 *
 * Call it at the top of a test or in `beforeEach`.
 *
 * @example
 * ```ts
 * import { dense } from 'myelin';
 * import { resetRandom } from 'myelin/testing';
 * const rng = resetRandom(7);
 * const a = dense(3, 2, { rng }).kernel.data[0];
 * resetRandom(7);
 * const b = dense(3, 2).kernel.data[0]; // no rng: the default stream, reset to the same seed
 * console.log(a === b); // true
 * ```
 */
export function resetRandom(seed: number = DEFAULT_SEED): Rng {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    fail('resetRandom', 'seed', 'a safe integer', seed);
  seedDefault(seed);
  return defaultRng();
}
