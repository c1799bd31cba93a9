import { compare, sci, type CloseInput, type CloseOptions } from './close.js';
import { compareShape } from './shape.js';

/** The part of a test runner's matcher state the myelin matchers read (vitest's and Jest's `this`). */
export interface MatcherContext {
  /** True under `.not`. */
  readonly isNot: boolean;
}

/** What a matcher returns to `expect` (vitest's and Jest's matcher result). */
export interface MatcherOutcome {
  /** Whether the check passed (the runner inverts it under `.not`). */
  readonly pass: boolean;
  /** The message shown when the assertion fails: why it failed, or, under `.not`, why it passed. */
  readonly message: () => string;
}

/**
 * The types of the myelin matchers, for declaration merging, so that
 * `expect(t).toBeCloseToTensor(...)` type-checks after
 * `expect.extend(myelinMatchers)`. In a vitest setup file or test file:
 *
 * ```ts
 * import type { MyelinMatchers } from 'myelin/testing';
 * declare module 'vitest' {
 *   interface Matchers<T = any> extends MyelinMatchers<T> {}
 * }
 * ```
 *
 * (For Jest, merge it into `jest.Matchers<R>` the same way.)
 */
export interface MyelinMatchers<R = unknown> {
  /** The received tensor is close to `expected`, as `assertClose(received, expected, options)` checks it. */
  toBeCloseToTensor(expected: CloseInput, options?: CloseOptions): R;
  /** The received tensor (or nested array, or typed array) has exactly this shape. */
  toHaveShape(shape: readonly number[]): R;
}

/**
 * Matchers for vitest (and Jest, whose `expect.extend` takes the same
 * objects): `toBeCloseToTensor(expected, options)` compares as
 * `assertClose` does and fails with the same message (how many elements
 * differ, the greatest differences, the first mismatched indices);
 * `toHaveShape(shape)` checks a shape. Install them once with
 * `expect.extend(myelinMatchers)` (in a setup file or at the top of a test
 * file) and merge {@link MyelinMatchers} into the runner's `Matchers` type.
 * Nothing here imports the test runner.
 *
 * @example
 * ```ts
 * import { tensor } from 'myelin';
 * import { myelinMatchers } from 'myelin/testing';
 * // In a test file: expect.extend(myelinMatchers), then
 * // expect(tensor([0.5, 0.25])).toBeCloseToTensor([0.5, 0.25]);
 * // expect(tensor([[1, 2]])).toHaveShape([1, 2]);
 * // Called directly, a matcher returns what `expect` reads:
 * const outcome = myelinMatchers.toBeCloseToTensor.call({ isNot: false }, tensor([1, 2]), [1, 2.5]);
 * console.log(outcome.pass); // false
 * console.log(outcome.message().split('\n')[0]);
 * // toBeCloseToTensor: values are not close: 1 of 2 elements (50.0%) differ by more than ...
 * ```
 */
export const myelinMatchers = {
  /** `expect(received).toBeCloseToTensor(expected, options?)`: as `assertClose(received, expected, options)`. */
  toBeCloseToTensor(
    this: MatcherContext,
    received: unknown,
    expected: CloseInput,
    options?: CloseOptions,
  ): MatcherOutcome {
    const fn = 'toBeCloseToTensor';
    const r = compare(fn, received, expected, options ?? {});
    return {
      pass: r.pass,
      message: () =>
        r.pass
          ? `${fn}: expected the values not to be close, but every element is (${r.total} compared; rtol ${sci(r.rtol)}, atol ${sci(r.atol)})`
          : r.message,
    };
  },
  /** `expect(received).toHaveShape(shape)`: as `assertShape(received, shape)`. */
  toHaveShape(this: MatcherContext, received: unknown, shape: readonly number[]): MatcherOutcome {
    const r = compareShape('toHaveShape', received, shape);
    return {
      pass: r.pass,
      message: () =>
        r.pass ? `toHaveShape: expected a shape other than [${shape.join(',')}]` : r.message,
    };
  },
};
