import { checkElements } from '../_lib/limits.js';
import { fmtShape, shapeSize, stridesOf, type Shape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * The ops that only move elements (pad, flip, roll, tile, repeat, diag,
 * tril/triu, gatherNd, index) are all one linear map: output element j is
 * x's element from[j], or `fill` where from[j] is −1. Its adjoint, the
 * backward, adds g[j] into position from[j], so an element read several
 * times (tile, repeat, edge padding) receives the sum of its gradients and
 * a filled position sends none.
 */
export function takeFlat(
  name: string,
  t: Tensor,
  from: Int32Array,
  shape: Shape,
  fill = 0,
): Tensor {
  const src = t.data;
  const data = allocate(t.dtype, from.length);
  for (let j = 0; j < from.length; j++) {
    const f = from[j]!;
    data[j] = f < 0 ? fill : src[f]!;
  }
  return record(name, new Tensor(data, shape), [t], (g) => {
    const d = allocate(g.dtype, t.size);
    const G = g.data;
    for (let j = 0; j < from.length; j++) {
      const f = from[j]!;
      if (f >= 0) d[f]! += G[j]!;
    }
    return [new Tensor(d, t.shape)];
  });
}

/**
 * The `from` of {@link takeFlat} for a map that works axis by axis: output
 * coordinate j along axis d reads input coordinate maps[d][j] (−1 for a fill).
 * Built one axis at a time, so it costs O(output size), not O(size × rank).
 */
export function fromAxisMaps(inShape: Shape, maps: readonly Int32Array[]): Int32Array {
  const strides = stridesOf(inShape);
  let from = new Int32Array([0]);
  maps.forEach((m, d) => {
    const next = new Int32Array(from.length * m.length);
    const s = strides[d]!;
    let w = 0;
    for (let p = 0; p < from.length; p++) {
      const base = from[p]!;
      for (let j = 0; j < m.length; j++) {
        const q = m[j]!;
        next[w++] = base < 0 || q < 0 ? -1 : base + q * s;
      }
    }
    from = next;
  });
  return from;
}

/** The identity map of one axis of size n. */
export function identityMap(n: number): Int32Array {
  const m = new Int32Array(n);
  for (let j = 0; j < n; j++) m[j] = j;
  return m;
}

/**
 * {@link takeFlat} through {@link fromAxisMaps} for an op whose result has
 * shape `outShape` (the input's rank): the size is checked against the
 * element limit before any map is built (tile(x, [1e5, 1e5]) or pad by 1e9
 * would otherwise allocate or loop for minutes), and an empty result builds
 * none (its maps could still be huge along the other axes). `mapOf(d)` gives
 * the map of axis d, of length outShape[d].
 */
export function takeByAxes(
  name: string,
  t: Tensor,
  outShape: Shape,
  mapOf: (d: number) => Int32Array,
  fill = 0,
): Tensor {
  const size = shapeSize(outShape);
  checkElements(name, `the result of shape ${fmtShape(outShape)}`, size);
  const from =
    size === 0
      ? new Int32Array(0)
      : fromAxisMaps(
          t.shape,
          outShape.map((_, d) => mapOf(d)),
        );
  return takeFlat(name, t, from, outShape, fill);
}
