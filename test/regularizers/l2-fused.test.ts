import { describe, expect, it } from 'vitest';
import { l2Kernel } from '../../src/regularizers/l2.js';

// The one-pass float32 value-and-gradient of l2 gives the same bits as the
// separate value and gradient (the generic loops).

describe('l2 valueAddGrad on float32', () => {
  it('a length with a tail, worked by hand', () => {
    // Σw² = 1 + 4 + 9 + 0.25 + 0.0625 + 16 + 1 = 31.3125; 0.01 · 31.3125 = 0.313125.
    // Gradient 2 · 0.01 · w added to g = 1: [1.02, 0.96, 1.06, 1.01, 0.995, 1.08, 0.98] (float32).
    const k = l2Kernel(0.01);
    const w = new Float32Array([1, -2, 3, 0.5, -0.25, 4, -1]);
    const g = new Float32Array(7).fill(1);
    expect(k.valueAddGrad!(w, g)).toBeCloseTo(0.313125, 12);
    expect(Array.from(g)).toEqual(
      [1.02, 0.96, 1.06, 1.01, 0.995, 1.08, 0.98].map((v) => Math.fround(v)),
    );
  });

  it('equals value() and addGrad-with-rounding bit for bit on random weights', () => {
    for (const n of [1, 3, 4, 101, 1000]) {
      const k = l2Kernel(3e-4);
      const w = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
      const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.3));
      const want = Float32Array.from(g, (v, i) => v + Math.fround(2 * 3e-4 * w[i]!));
      const value = k.value(w);
      expect(k.valueAddGrad!(w, g)).toBe(value);
      expect(Array.from(g)).toEqual(Array.from(want));
    }
  });
});
