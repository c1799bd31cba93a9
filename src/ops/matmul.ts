import { ShapeError } from '../_lib/errors.js';
import { broadcastShapes, fmtShape, shapeSize, type Shape } from '../_lib/shape.js';
import { asFloat, allocate, type FloatArray } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { matmulSlot } from '../kernels/matmul.js';
import { broadcastStrides } from '../kernels/js/broadcast.js';
import { Tensor } from '../tensor/tensor.js';
import { checkElements } from '../_lib/limits.js';
import { operands, unbroadcast } from './_util.js';

/**
 * Batched product over broadcast batch dimensions: for every batch index,
 * C = op(X)·op(Y) with op(X) [m,k] and op(Y) [k,n]. `xRows×xCols` is how X is
 * stored (k×m when transposed), likewise Y.
 */
function batched(
  x: FloatArray,
  xBatch: Shape,
  xMat: number,
  y: FloatArray,
  yBatch: Shape,
  yMat: number,
  batch: Shape,
  m: number,
  k: number,
  n: number,
  transX: boolean,
  transY: boolean,
): FloatArray {
  const count = shapeSize(batch);
  const out = allocate(x instanceof Float64Array ? 'float64' : 'float32', count * m * n);
  if (count === 0 || m * n === 0) return out;
  const xs = broadcastStrides(xBatch, batch);
  const ys = broadcastStrides(yBatch, batch);
  const idx = new Array<number>(batch.length).fill(0);
  for (let bi = 0; bi < count; bi++) {
    let xo = 0,
      yo = 0;
    for (let d = 0; d < batch.length; d++) {
      xo += idx[d]! * xs[d]!;
      yo += idx[d]! * ys[d]!;
    }
    matmulSlot.impl(
      x.subarray(xo * xMat, xo * xMat + xMat),
      y.subarray(yo * yMat, yo * yMat + yMat),
      out.subarray(bi * m * n, (bi + 1) * m * n),
      m,
      k,
      n,
      transX,
      transY,
    );
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Matrix product with NumPy/PyTorch `matmul` semantics: 2-D × 2-D is the
 * ordinary product; more dimensions are batches, broadcast against each other;
 * a 1-D first operand is a row vector and a 1-D second operand a column
 * vector, and the added dimension is removed from the result.
 * Gradients: ∂/∂A = G·Bᵀ and ∂/∂B = Aᵀ·G, computed with the transposed kernels
 * (no transpose is materialized) and summed over broadcast batch dimensions.
 *
 * @category Linear algebra
 * @example
 * ```ts
 * import { matmul, tensor } from 'myelin';
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray(); // [[17], [39]]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const [ta, tb] = operands('matmul', a, b);
  if (ta.rank === 0 || tb.rank === 0) {
    throw new ShapeError(
      `matmul: operands must have at least 1 dimension, got ${fmtShape(ta.shape)} x ${fmtShape(tb.shape)}`,
    );
  }
  const aShape = ta.rank === 1 ? [1, ta.shape[0]!] : ta.shape;
  const bShape = tb.rank === 1 ? [tb.shape[0]!, 1] : tb.shape;
  const m = aShape[aShape.length - 2]!,
    k = aShape[aShape.length - 1]!;
  const k2 = bShape[bShape.length - 2]!,
    n = bShape[bShape.length - 1]!;
  if (k !== k2)
    throw new ShapeError(
      `matmul: inner dimensions differ: ${fmtShape(ta.shape)} x ${fmtShape(tb.shape)}`,
    );
  const aBatch = aShape.slice(0, -2),
    bBatch = bShape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', aBatch, bBatch);
  } catch {
    throw new ShapeError(
      `matmul: batch dimensions do not broadcast: ${fmtShape(ta.shape)} x ${fmtShape(tb.shape)}`,
    );
  }
  const outShape = [...batch, ...(ta.rank === 1 ? [] : [m]), ...(tb.rank === 1 ? [] : [n])];
  checkElements(
    'matmul',
    `the result of shape ${fmtShape(outShape)} (${fmtShape(ta.shape)} x ${fmtShape(tb.shape)})`,
    shapeSize(batch) * m * n,
  );
  const data = batched(
    asFloat(ta.data),
    aBatch,
    m * k,
    asFloat(tb.data),
    bBatch,
    k * n,
    batch,
    m,
    k,
    n,
    false,
    false,
  );
  const out = new Tensor(data, outShape);
  return record('matmul', out, [ta, tb], (g) => {
    // g as [...batch, m, n]
    const gBatch = batch;
    let da: Tensor | null = null,
      db: Tensor | null = null;
    if (ta.requiresGrad) {
      const raw = batched(
        asFloat(g.data),
        gBatch,
        m * n,
        asFloat(tb.data),
        bBatch,
        k * n,
        batch,
        m,
        n,
        k,
        false,
        true,
      );
      da = new Tensor(unbroadcast(new Tensor(raw, [...batch, m, k]), aShape).data, ta.shape);
    }
    if (tb.requiresGrad) {
      const raw = batched(
        asFloat(ta.data),
        aBatch,
        m * k,
        asFloat(g.data),
        gBatch,
        m * n,
        batch,
        k,
        m,
        n,
        true,
        false,
      );
      db = new Tensor(unbroadcast(new Tensor(raw, [...batch, k, n]), bShape).data, tb.shape);
    }
    return [da, db];
  });
}
