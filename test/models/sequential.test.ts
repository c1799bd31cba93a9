import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/_lib/errors.js';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { flatten } from '../../src/layers/flatten.js';
import type { Layer } from '../../src/layers/layer.js';
import { sequential } from '../../src/models/sequential.js';
import { createRng } from '../../src/random/rng.js';
import { tensor } from '../../src/tensor/create.js';

describe('sequential', () => {
  it('builds a plain model with a frozen layer list and the first declared input shape', () => {
    const a = dense(3, 4),
      b = dense(4, 2);
    const m = sequential([dropout(0.5), a, b]);
    expect(m.kind).toBe('sequential');
    expect(m.layers).toEqual([expect.anything(), a, b]);
    expect(Object.isFrozen(m.layers)).toBe(true);
    expect(m.inputShape).toEqual([3]);
    expect(sequential([dropout(0.1)]).inputShape).toBeNull();
  });

  it('forward applies the layers in order', () => {
    // y = 2·x + 1 then z = −y: for x = 3, z = −7
    const m = sequential([
      dense(1, 1, { kernel: [[2]], bias: [1] }),
      dense(1, 1, { kernel: [[-1]], bias: [0] }),
    ]);
    expect(m.forward(tensor([[3]]), { training: false, rng: createRng(0) }).toArray()).toEqual([
      [-7],
    ]);
  });

  it('names both layers when shapes do not chain', () => {
    expect(() => sequential([dense(3, 4), dense(5, 2)])).toThrow(ShapeError);
    expect(() => sequential([dense(3, 4), dense(5, 2)])).toThrow(
      'sequential: layer 1 (dense) expects input shape [5] but layer 0 (dense) outputs [4]',
    );
    // through a shape-preserving layer the index still counts from the start
    expect(() => sequential([dense(3, 4), dropout(0.2), dense(5, 2)])).toThrow(
      'sequential: layer 2 (dense) expects input shape [5] but layer 1 (dropout) outputs [4]',
    );
  });

  it('follows shapes through layers without a declared input shape', () => {
    // flatten first: any input; dense(6) after it checks the rest of the
    // stack, but [6], [2,3] and [3,2] all flatten to [6]: no model input shape
    const m = sequential([flatten(), dense(6, 2)]);
    expect(m.inputShape).toBeNull();
  });

  it('rejects empty lists, non-arrays, non-layers and a layer used twice', () => {
    expect(() => sequential([])).toThrow('sequential: layers must not be empty');
    expect(() => sequential(dense(1, 1) as never)).toThrow(ValueError);
    expect(() => sequential([dense(1, 1), { kind: 'x' } as unknown as Layer])).toThrow(
      /layers\[1\] must be a layer/,
    );
    const d = dense(2, 2);
    expect(() => sequential([d, d])).toThrow(/appears twice/);
  });
});
