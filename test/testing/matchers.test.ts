import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/tensor/create.js';
import { myelinMatchers, type MyelinMatchers } from '../../src/testing/index.js';

// What a user writes once, in a setup file or a test file: install the
// matchers and merge their types into vitest's.
expect.extend(myelinMatchers);
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends MyelinMatchers<T> {}
}

/** The message vitest shows when `f`'s assertion fails. */
function failure(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

describe('toBeCloseToTensor', () => {
  it('passes close values and fails with the assertClose message', () => {
    expect(tensor([0.5, 0.25])).toBeCloseToTensor([0.5, 0.25]);
    expect(tensor([1, 2])).toBeCloseToTensor(tensor([1, 2 + 1e-6]));
    expect(tensor([1e-3])).toBeCloseToTensor([1.1e-3], { atol: 0, rtol: 0.1 });
    expect(
      failure(() =>
        expect(
          tensor([
            [1, 2],
            [3, 4],
          ]),
        ).toBeCloseToTensor([
          [1, 2],
          [3, 4.5],
        ]),
      ),
    ).toMatchInlineSnapshot(`
        "toBeCloseToTensor: values are not close: 1 of 4 elements (25.0%) differ by more than atol + rtol·|expected| (rtol 1.3e-6, atol 1e-5)
          greatest absolute difference: 0.5 at [1,1]
          greatest relative difference: 0.111 at [1,1]
          first mismatches (index: actual vs expected):
            [1,1]: 4 vs 4.5, |diff| 0.5 > allowed 1.58e-5"
      `);
  });

  it('fails under .not when the values are close, saying so', () => {
    expect(tensor([1, 2])).not.toBeCloseToTensor([1, 3]);
    expect(tensor([1, 2])).not.toBeCloseToTensor([1, 2, 3]);
    expect(
      failure(() => expect(tensor([1, 2])).not.toBeCloseToTensor([1, 2])),
    ).toMatchInlineSnapshot(
      `"toBeCloseToTensor: expected the values not to be close, but every element is (2 compared; rtol 1.3e-6, atol 1e-5)"`,
    );
  });

  it('reports shape and dtype differences', () => {
    expect(
      failure(() => expect(zeros([2, 3])).toBeCloseToTensor(zeros([3, 2]))),
    ).toMatchInlineSnapshot(`"toBeCloseToTensor: shapes differ: actual [2,3], expected [3,2]"`);
    expect(
      failure(() => expect(tensor([1])).toBeCloseToTensor(tensor([1], { dtype: 'float64' }))),
    ).toMatchInlineSnapshot(
      `"toBeCloseToTensor: dtypes differ: actual float32, expected float64 (pass { checkDtype: false } to compare the values anyway)"`,
    );
  });

  it('throws on bad arguments rather than passing or failing quietly', () => {
    expect(() => expect(tensor([1])).toBeCloseToTensor([1], { rtol: -1 })).toThrow(
      'toBeCloseToTensor: rtol must be a finite number >= 0, got -1',
    );
    expect(() => expect('x').toBeCloseToTensor([1])).toThrow(
      'toBeCloseToTensor: actual must be a Tensor, nested arrays of numbers or a numeric typed array, got "x"',
    );
  });
});

describe('toHaveShape', () => {
  it('passes the shape and fails with both shapes named', () => {
    expect(zeros([2, 3])).toHaveShape([2, 3]);
    expect(zeros([2, 3])).not.toHaveShape([3, 2]);
    expect(failure(() => expect(zeros([2, 3])).toHaveShape([3, 2]))).toMatchInlineSnapshot(
      `"toHaveShape: shape is [2,3], expected [3,2]"`,
    );
    expect(failure(() => expect(zeros([2, 3])).not.toHaveShape([2, 3]))).toMatchInlineSnapshot(
      `"toHaveShape: expected a shape other than [2,3]"`,
    );
  });
});

describe('the matcher object', () => {
  it('works without a runner: each matcher returns pass and a message function', () => {
    const ok = myelinMatchers.toBeCloseToTensor.call({ isNot: false }, tensor([1]), [1]);
    expect(ok.pass).toBe(true);
    expect(ok.message()).toBe(
      'toBeCloseToTensor: expected the values not to be close, but every element is (1 compared; rtol 1.3e-6, atol 1e-5)',
    );
    const shape = myelinMatchers.toHaveShape.call({ isNot: false }, [[1, 2]], [1, 2]);
    expect(shape.pass).toBe(true);
  });
});
