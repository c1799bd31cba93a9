import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/_lib/errors.js';
import { orthogonal } from '../../src/init/index.js';
import { createRng } from '../../src/random/rng.js';

/** G = AᵀA (columns) or A·Aᵀ (rows) of a row-major [r, c] matrix. */
function gram(a: ArrayLike<number>, r: number, c: number, rows: boolean): number[][] {
  const n = rows ? r : c;
  const g: number[][] = [];
  for (let i = 0; i < n; i++) {
    g.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (rows) for (let k = 0; k < c; k++) s += a[i * c + k]! * a[j * c + k]!;
      else for (let k = 0; k < r; k++) s += a[k * c + i]! * a[k * c + j]!;
      g[i]!.push(s);
    }
  }
  return g;
}

function expectIdentity(g: number[][], scale: number, tol: number): void {
  g.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(Math.abs(v - (i === j ? scale : 0)), `[${i}][${j}] = ${v}`).toBeLessThan(tol);
    });
  });
}

describe('orthogonal', () => {
  it('a square or tall matrix has orthonormal columns: QᵀQ = I', () => {
    for (const [r, c] of [
      [5, 5],
      [9, 4],
      [1, 1],
    ] as const) {
      const q = orthogonal().init([r, c], { rng: createRng(1), dtype: 'float64' });
      expectIdentity(gram(q.data, r, c, false), 1, 1e-12);
    }
  });

  it('a wide matrix (a recurrent kernel [u, 4u]) has orthonormal rows: QQᵀ = I', () => {
    const q = orthogonal().init([4, 16], { rng: createRng(2), dtype: 'float64' });
    expectIdentity(gram(q.data, 4, 16, true), 1, 1e-12);
    // float32 storage: orthonormal to float32 rounding.
    const f = orthogonal().init([8, 32], { rng: createRng(3) });
    expectIdentity(gram(f.data, 8, 32, true), 1, 1e-5);
  });

  it('scales by gain (QᵀQ = gain²·I), keeps its config, and draws from the stream', () => {
    const init = orthogonal({ gain: 2 });
    expect(init.kind).toBe('orthogonal');
    expect(init.config).toEqual({ gain: 2 });
    const q = init.init([6, 3], { rng: createRng(4), dtype: 'float64' });
    expectIdentity(gram(q.data, 6, 3, false), 4, 1e-11);
    const a = orthogonal().init([3, 3], { rng: createRng(5) });
    const b = orthogonal().init([3, 3], { rng: createRng(5) });
    const c = orthogonal().init([3, 3], { rng: createRng(6) });
    expect([...a.data]).toEqual([...b.data]);
    expect([...a.data]).not.toEqual([...c.data]);
  });

  it('rejects a gain that is not a number', () => {
    expect(() => orthogonal({ gain: 'x' as never })).toThrow(/orthogonal: gain must be/);
    expect(() => orthogonal({ gain: NaN })).toThrow(
      'orthogonal: gain must be a finite number, got NaN',
    );
    expect(() => orthogonal({ gain: Infinity })).toThrow(ValueError);
  });

  it('validates its options as uniform and normal do: unknown keys and non-objects are errors', () => {
    // A typo used to be ignored silently (gain 1).
    expect(() => orthogonal({ gian: 2 } as never)).toThrow(
      'orthogonal: unknown option "gian" in options; expected one of gain',
    );
    expect(() => orthogonal({ gain: 2, seed: 1 } as never)).toThrow(ValueError);
    // null used to be a raw TypeError.
    expect(() => orthogonal(null as never)).toThrow(ValueError);
    expect(() => orthogonal(null as never)).toThrow(
      'orthogonal: options must be an object, got null',
    );
    expect(() => orthogonal(2 as never)).toThrow('orthogonal: options must be an object, got 2');
    expect(() => orthogonal([] as never)).toThrow(ValueError);
    expect(orthogonal({}).config).toEqual({ gain: 1 });
    expect(orthogonal(undefined).config).toEqual({ gain: 1 });
  });
});
