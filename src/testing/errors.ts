import { MyelinError, ValueError } from '../_lib/errors.js';

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

  /**
   * Always `'fail'`, as node:assert's `assert.fail(message)`. Jest formats
   * every error named AssertionError as one of node:assert's and, for any
   * other operator, prints an "Expected value / Received" diff of fields
   * this error does not have; with `'fail'` it prints the message alone.
   */
  get operator(): 'fail' {
    return 'fail';
  }

  /** Always false: the message was written for this failure (node:assert's field, read by Jest). */
  get generatedMessage(): false {
    return false;
  }
}

/**
 * Refuses a `Network` (the class of `myelin`'s network/) where a model is
 * expected, saying to pass its model. Recognized by shape, not by import:
 * an object whose `model` is a model and whose class is named Network.
 * Internal.
 */
export function refuseNetwork(fn: string, name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const model = (value as { model?: unknown }).model;
  const cls = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
    ?.constructor?.name;
  if (
    cls === 'Network' &&
    typeof model === 'object' &&
    model !== null &&
    Array.isArray((model as { layers?: unknown }).layers)
  ) {
    throw new ValueError(
      `${fn}: ${name} must be a model, got a Network: pass its model, ${fn}(network.model, ...)`,
    );
  }
}
