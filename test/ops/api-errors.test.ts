// Every exported op validates its first argument at the boundary: given
// something that is not a Tensor, it throws a myelin error whose message
// starts with the op's own name and shows the value it got.
import { describe, expect, it } from 'vitest';
import { MyelinError } from '../../src/_lib/errors.js';
import * as ops from '../../src/ops/index.js';

// Ops whose first argument is not the tensor (or a list of them), with a call
// that passes a bad tensor where the tensor goes.
const special: Record<string, () => unknown> = {
  einsum: () => ops.einsum('ij->ji', 'bad' as never),
  concat: () => ops.concat(['bad' as never]),
  stack: () => ops.stack(['bad' as never]),
};

describe('bad first arguments', () => {
  const names = Object.keys(ops) as (keyof typeof ops)[];

  it('covers every exported op', () => {
    expect(names.length).toBeGreaterThan(100);
  });

  for (const name of names) {
    it(`${name} names itself and the value`, () => {
      const call =
        special[name] ??
        (() => (ops[name] as (...a: unknown[]) => unknown)('bad', 1, ops.where([true]), 0));
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `${name} did not throw`).toBeInstanceOf(MyelinError);
      const message = (thrown as Error).message;
      expect(message.startsWith(`${name}: `), message).toBe(true);
      expect(message, message).toContain('"bad"');
    });
  }
});
