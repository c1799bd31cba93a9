import { fmtShape, sameShape, checkShape } from '../_lib/shape.js';
import { operand, type CloseInput } from './close.js';
import { AssertionError } from './errors.js';

/** The outcome of a shape check: whether it passed and the message saying so. */
export interface ShapeCheck {
  readonly pass: boolean;
  readonly actualShape: readonly number[];
  readonly message: string;
}

/** Compares the shape of `actual` with `shape`, naming `fn` in the message. */
export function compareShape(fn: string, actual: unknown, shape: unknown): ShapeCheck {
  const want = checkShape(fn, 'shape', shape);
  const got = operand(fn, 'actual', actual).shape;
  const pass = sameShape(got, want);
  return {
    pass,
    actualShape: [...got],
    message: pass
      ? `${fn}: shape is ${fmtShape(got)} as expected`
      : `${fn}: shape is ${fmtShape(got)}, expected ${fmtShape(want)}`,
  };
}

/**
 * Asserts that a tensor (or nested array, or typed array) has exactly the
 * given shape, throwing an {@link AssertionError} that names both shapes.
 *
 * @example
 * ```ts
 * import { zeros } from 'myelin';
 * import { assertShape } from 'myelin/testing';
 * assertShape(zeros([2, 3]), [2, 3]); // passes
 * try {
 *   assertShape(zeros([2, 3]), [3, 2]);
 * } catch (e) {
 *   console.log((e as Error).message); // assertShape: shape is [2,3], expected [3,2]
 * }
 * ```
 */
export function assertShape(actual: CloseInput, shape: readonly number[]): void {
  const r = compareShape('assertShape', actual, shape);
  if (!r.pass) throw new AssertionError(r.message);
}
