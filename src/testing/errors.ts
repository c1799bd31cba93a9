import { MyelinError } from '../_lib/errors.js';

/**
 * Thrown by the assertions of `myelin/testing` (`assertClose`, `assertShape`,
 * `checkGradients`, `checkFixture`) when the values checked are not what was
 * expected. Bad arguments (a negative tolerance, a string where numbers were
 * expected) throw a `ValueError` or `ShapeError` instead, so a test can tell a
 * failed check from a mistake in the test.
 *
 * @example
 * ```ts
 * import { tensor } from 'myelin';
 * import { assertClose, AssertionError } from 'myelin/testing';
 * try {
 *   assertClose(tensor([1, 2]), [1, 2.5]);
 * } catch (e) {
 *   console.log(e instanceof AssertionError); // true
 * }
 * ```
 */
export class AssertionError extends MyelinError {
  override name = 'AssertionError';
}
