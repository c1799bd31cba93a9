import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { uniform } from '../../src/init/constant.js';
import { heNormal } from '../../src/init/variance.js';
import { createRng } from '../../src/random/rng.js';

describe('initializers: uniform bounds too far apart', () => {
  it('is refused by the factory, not turned into Infinity and NaN weights', () => {
    // low and high are finite but high − low overflows to Infinity: the old
    // initializer accepted them and filled the tensor with low + Infinity·u,
    // that is Infinity (and NaN where u = 0).
    expect(() => uniform({ low: -1e308, high: 1e308 })).toThrow(ValueError);
    expect(() => uniform({ low: -1e308, high: 1e308 })).toThrow(
      /^uniform: high must be a number within Number\.MAX_VALUE of low \(-1e\+308\), got 1e\+308/,
    );
    const w = uniform({ low: -1e307, high: 1e307 }).init([1000], {
      rng: createRng(1),
      dtype: 'float64',
    });
    expect(Array.from(w.data).every((x) => x >= -1e307 && x < 1e307)).toBe(true);
  });
});

describe('initializers: truncated normals as Keras', () => {
  it('heNormal: |w| <= 2·σ/0.8796..., and the std is σ = √(2/fanIn)', () => {
    // Keras VarianceScaling(2, 'fan_in', 'truncated_normal'): stddev =
    // √(2/fanIn) / 0.87962566103423978, values beyond 2 stddev redrawn, so
    // the result's std is √(2/fanIn). fanIn 50, 40,000 draws: the sample
    // std's own sd is about σ·√((κ−1)/(4n)), κ ≈ 2.366 the kurtosis of a unit
    // normal cut at ±2 (numpy, by quadrature), so ≈ 0.0029·σ; 5 of those
    // bound it. Without the 0.8796 correction the std would be 0.88·σ.
    const w = heNormal().init([50, 800], { rng: createRng(11), dtype: 'float64' }).data;
    const sigma = Math.sqrt(2 / 50);
    const bound = (2 * sigma) / 0.87962566103423978;
    let s = 0,
      s2 = 0,
      max = 0;
    for (const x of w) {
      s += x;
      s2 += x * x;
      max = Math.max(max, Math.abs(x));
    }
    const n = w.length;
    const std = Math.sqrt(s2 / n - (s / n) ** 2);
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(0.99 * bound); // the tails reach the cut
    expect(Math.abs(std / sigma - 1)).toBeLessThan(5 * 0.0029);
  });
});
