import { describe, expect, it } from 'vitest';
import { dense } from '../../src/layers/dense.js';
import { dropout } from '../../src/layers/dropout.js';
import { namedParameters, parameters } from '../../src/models/parameters.js';
import { sequential } from '../../src/models/sequential.js';

describe('parameters and namedParameters', () => {
  it('list every parameter in layer order with names', () => {
    const a = dense(3, 4),
      b = dense(4, 2, { useBias: false });
    const m = sequential([a, dropout(0.5), b]);
    const named = namedParameters(m);
    expect(named.map((p) => p.name)).toEqual([
      'layers.0.kernel',
      'layers.0.bias',
      'layers.2.kernel',
    ]);
    expect(named.map((p) => p.layer)).toEqual([0, 0, 2]);
    expect(named[0]!.tensor).toBe(a.kernel);
    expect(parameters(m)).toEqual([a.kernel, a.bias, b.kernel]);
  });

  it('leave out frozen layers with trainableOnly', () => {
    const a = dense(3, 4),
      b = dense(4, 2);
    const m = sequential([a, b]);
    a.trainable = false;
    expect(parameters(m, { trainableOnly: true })).toEqual([b.kernel, b.bias]);
    expect(parameters(m)).toHaveLength(4);
    expect(namedParameters(m).map((p) => p.trainable)).toEqual([false, false, true, true]);
    expect(() => parameters(m, { trainable: true } as never)).toThrow(/unknown option "trainable"/);
  });
});
