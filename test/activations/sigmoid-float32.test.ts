import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/activations/sigmoid.js';

// The float32 forward takes e^-|x| from a table instead of Math.exp. Once
// rounded to float32 it must give exactly what the Math.exp form gives
// (checked for all 2^32 float32 inputs when it was written; here a sample of
// every range plus the edges), and float64 must be the Math.exp form itself.
const reference = (v: number): number => {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
};

const forward = (x: Float32Array | Float64Array, y: Float32Array | Float64Array): void => {
  sigmoid.kernel!.forward(x, y, [x.length]);
};

/** Float32 inputs from their bit patterns, strided over all 2^32 (every exponent and sign) plus edges. */
function float32Inputs(): Float32Array {
  const bits: number[] = [];
  for (let b = 0; b < 2 ** 32; b += 40_009) bits.push(b); // a prime stride: all low bits vary
  const x = new Float32Array(new Uint32Array(bits).buffer);
  const edges = [
    0,
    -0,
    1e-45,
    -1e-45,
    2 ** -30,
    -(2 ** -30),
    Math.LN2 / 128,
    -Math.LN2 / 128,
    Math.LN2 / 64,
    -Math.LN2 / 64,
    17.3,
    -17.3,
    88.7,
    -88.7,
    103.9,
    -103.9,
    104,
    -104,
    699.9,
    -699.9,
    700,
    -700,
    745.2,
    -745.2,
    3e38,
    -3e38,
    Infinity,
    -Infinity,
    NaN,
  ];
  const out = new Float32Array(x.length + edges.length);
  out.set(x);
  out.set(edges, x.length);
  return out;
}

describe('sigmoid forward kernel', () => {
  it('float32: bit for bit the Math.exp form rounded to float32, over a sample of every float32', () => {
    const x = float32Inputs();
    expect(x.length).toBeGreaterThan(100_000);
    const y = new Float32Array(x.length);
    forward(x, y);
    let mismatches = 0;
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(reference(x[i]!));
      if (!Object.is(y[i], want) && !(Number.isNaN(y[i]) && Number.isNaN(want))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('float32 edges: σ(0) = 0.5, saturation at ±∞, NaN stays NaN', () => {
    const y = new Float32Array(6);
    forward(new Float32Array([0, -0, Infinity, -Infinity, NaN, -200]), y);
    // σ(−200) = e^−200/(1 + e^−200) ≈ 1.4e−87: below float32's smallest subnormal, so 0.
    expect(Array.from(y)).toEqual([0.5, 0.5, 1, 0, NaN, 0]);
  });

  it('float64: exactly the Math.exp form', () => {
    const x = Float64Array.from(float32Inputs(), (v, i) => v * (1 + (i % 7) * 1e-9));
    const y = new Float64Array(x.length);
    forward(x, y);
    for (let i = 0; i < x.length; i += 1) {
      const want = reference(x[i]!);
      if (!Object.is(y[i], want) && !(Number.isNaN(y[i]) && Number.isNaN(want)))
        expect(y[i], `x = ${x[i]}`).toBe(want);
    }
  });
});
