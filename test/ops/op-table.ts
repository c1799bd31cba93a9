// One row per differentiable op exported from src/ops/index.ts. gradcheck.test.ts
// runs a float64 central-difference check on each row, and fails when an op is
// exported without a row here (or a place in its notDifferentiable list).
// Inputs are chosen away from kinks and ties (|x| for abs, the bounds of clip,
// equal elements for max/maximum), where the derivative is a convention.
import { tensor, type Tensor } from '../../src/tensor/index.js';
import {
  abs,
  acos,
  acosh,
  asin,
  asinh,
  atan,
  atan2,
  atanh,
  chunk,
  cos,
  cosh,
  cumprod,
  cumsum,
  det,
  diag,
  dot,
  einsum,
  erf,
  erfc,
  expm1,
  flip,
  fmod,
  gatherNd,
  index,
  inverse,
  log10,
  log1p,
  log2,
  logSumExp,
  maskedFill,
  norm,
  outer,
  pad,
  prod,
  reciprocal,
  remainder,
  repeat,
  roll,
  rsqrt,
  scatter,
  scatterAdd,
  sin,
  sinh,
  solve,
  sort,
  split,
  squaredDifference,
  tan,
  tile,
  topk,
  tril,
  triu,
  unstack,
  add,
  broadcastTo,
  cast,
  clip,
  clone,
  concat,
  div,
  exp,
  expandDims,
  gather,
  log,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  permute,
  pow,
  reshape,
  slice,
  sqrt,
  square,
  squeeze,
  stack,
  std,
  sub,
  sum,
  transpose,
  variance,
  where,
} from '../../src/ops/index.js';
import { conv1dOp, conv2dOp, conv2dTransposeOp } from '../../src/ops/index.js';
import { scaledDotProductAttention } from '../../src/ops/index.js';

export interface OpRow {
  /** The exported op name (a row may cover it under several settings: `name` is the key, `label` the case). */
  name: string;
  label?: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
}

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });

/** A float64 tensor of `shape` holding tie-free values sin(1.37·i + phase). */
const wave = (shape: number[], phase = 0): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: n }, (_, i) => Math.sin(1.37 * i + 0.4 + phase)),
    { shape, dtype: 'float64' },
  );
};

// A fixed, tie-free 2x3 matrix and friends.
const m23 = (): Tensor =>
  f64([
    [0.3, -1.2, 2.1],
    [1.7, 0.4, -0.8],
  ]);
// Inside (−1, 1), for asin, acos, atanh and log1p.
const unit23 = (): Tensor =>
  f64([
    [0.3, -0.6, 0.5],
    [0.7, 0.4, -0.8],
  ]);
const pos23 = (): Tensor =>
  f64([
    [0.3, 1.2, 2.1],
    [1.7, 0.4, 0.8],
  ]);

export const opTable: OpRow[] = [
  { name: 'add', fn: (a, b) => add(a, b), inputs: () => [m23(), f64([0.5, -0.25, 2])] },
  { name: 'sub', fn: (a, b) => sub(a, b), inputs: () => [f64([[1], [2]]), m23()] },
  { name: 'mul', fn: (a, b) => mul(a, b), inputs: () => [m23(), f64([[1.5], [-0.7]])] },
  { name: 'div', fn: (a, b) => div(a, b), inputs: () => [m23(), f64([1.5, -0.7, 2.2])] },
  { name: 'neg', fn: (a) => neg(a), inputs: () => [m23()] },
  { name: 'exp', fn: (a) => exp(a), inputs: () => [m23()] },
  { name: 'log', fn: (a) => log(a), inputs: () => [pos23()] },
  { name: 'pow', fn: (a, b) => pow(a, b), inputs: () => [pos23(), f64([1.5, -0.5, 2.5])] },
  { name: 'pow', label: 'number exponent', fn: (a) => pow(a, 3), inputs: () => [m23()] },
  { name: 'pow', label: 'number base', fn: (b) => pow(1.7, b), inputs: () => [m23()] },
  { name: 'sqrt', fn: (a) => sqrt(a), inputs: () => [pos23()] },
  { name: 'abs', fn: (a) => abs(a), inputs: () => [m23()] },
  { name: 'square', fn: (a) => square(a), inputs: () => [m23()] },
  { name: 'clip', fn: (a) => clip(a, -1, 1), inputs: () => [m23()] },
  { name: 'maximum', fn: (a, b) => maximum(a, b), inputs: () => [m23(), f64([0.1, 0.2, 0.3])] },
  { name: 'minimum', fn: (a, b) => minimum(a, b), inputs: () => [m23(), f64([[0.1], [0.5]])] },
  {
    name: 'where',
    fn: (a, b) =>
      where(
        tensor([
          [1, 0, 1],
          [0, 0, 1],
        ]),
        a,
        b,
      ),
    inputs: () => [m23(), f64([0.5, -1.5, 2.5])],
  },
  { name: 'cast', fn: (a) => cast(a, 'float64'), inputs: () => [m23()] },
  { name: 'clone', fn: (a) => clone(a), inputs: () => [m23()] },
  { name: 'reshape', fn: (a) => reshape(a, [3, -1]), inputs: () => [m23()] },
  { name: 'expandDims', fn: (a) => expandDims(a, 1), inputs: () => [m23()] },
  { name: 'squeeze', fn: (a) => squeeze(a), inputs: () => [f64([[[0.3], [-1.2]]])] },
  {
    name: 'broadcastTo',
    fn: (a) => broadcastTo(a, [2, 2, 3]),
    inputs: () => [f64([[0.3], [-1.2]])],
  },
  {
    name: 'permute',
    fn: (a) => permute(a, [2, 0, 1]),
    inputs: () => [
      f64([
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8, 9],
          [10, 11, 12],
        ],
      ]),
    ],
  },
  { name: 'transpose', fn: (a) => transpose(a), inputs: () => [m23()] },
  { name: 'concat', fn: (a, b) => concat([a, b], 1), inputs: () => [m23(), f64([[5], [6]])] },
  { name: 'stack', fn: (a, b) => stack([a, b], -1), inputs: () => [m23(), pos23()] },
  { name: 'slice', fn: (a) => slice(a, [0, -2], [-1, 2]), inputs: () => [m23()] },
  { name: 'gather', fn: (a) => gather(a, [2, 0, 2], 1), inputs: () => [m23()] },
  {
    name: 'matmul',
    fn: (a, b) => matmul(a, b),
    inputs: () => [
      m23(),
      f64([
        [1, 2],
        [0.5, -1],
        [2, 0.25],
      ]),
    ],
  },
  {
    name: 'matmul',
    label: 'batched, broadcast',
    fn: (a, b) => matmul(a, b),
    inputs: () => [
      f64([[[0.3, -1.2]], [[2.1, 1.7]], [[0.4, -0.8]]]),
      f64([
        [1, 2, 3],
        [0.5, -1, 2],
      ]),
    ],
  },
  {
    name: 'matmul',
    label: 'vector x matrix',
    fn: (a, b) => matmul(a, b),
    inputs: () => [f64([0.3, -1.2]), m23()],
  },
  { name: 'sum', fn: (a) => sum(a, { axis: 0 }), inputs: () => [m23()] },
  { name: 'mean', fn: (a) => mean(a, { axis: -1, keepDims: true }), inputs: () => [m23()] },
  { name: 'max', fn: (a) => max(a, { axis: 1 }), inputs: () => [m23()] },
  { name: 'min', fn: (a) => min(a), inputs: () => [m23()] },
  { name: 'variance', fn: (a) => variance(a, { axis: 1 }), inputs: () => [m23()] },
  { name: 'std', fn: (a) => std(a, { axis: 0, correction: 0 }), inputs: () => [m23()] },
  {
    // std = 0 on the second row: not differentiable there, but the central
    // difference is 0 (std moves by |h|·const either way), as is the gradient.
    name: 'std',
    label: 'a constant row',
    fn: (a) => std(a, { axis: 1 }),
    inputs: () => [
      f64([
        [1, 2, 4],
        [3, 3, 3],
      ]),
    ],
  },
  // Element-wise: inputs inside each function's domain, away from its singular points.
  { name: 'sin', fn: (a) => sin(a), inputs: () => [m23()] },
  { name: 'cos', fn: (a) => cos(a), inputs: () => [m23()] },
  { name: 'tan', fn: (a) => tan(a), inputs: () => [m23()] },
  { name: 'asin', fn: (a) => asin(a), inputs: () => [unit23()] },
  { name: 'acos', fn: (a) => acos(a), inputs: () => [unit23()] },
  { name: 'atan', fn: (a) => atan(a), inputs: () => [m23()] },
  // All four quadrants: signs of (a, b) pair up as (+,+), (−,−), (+,−), (−,+)...
  { name: 'atan2', fn: (a, b) => atan2(a, b), inputs: () => [m23(), f64([-0.9, 1.3, -0.4])] },
  { name: 'sinh', fn: (a) => sinh(a), inputs: () => [m23()] },
  { name: 'cosh', fn: (a) => cosh(a), inputs: () => [m23()] },
  { name: 'asinh', fn: (a) => asinh(a), inputs: () => [m23()] },
  { name: 'acosh', fn: (a) => acosh(a), inputs: () => [add(pos23(), 1.05)] },
  { name: 'atanh', fn: (a) => atanh(a), inputs: () => [unit23()] },
  { name: 'expm1', fn: (a) => expm1(a), inputs: () => [m23()] },
  { name: 'log1p', fn: (a) => log1p(a), inputs: () => [unit23()] },
  { name: 'log2', fn: (a) => log2(a), inputs: () => [pos23()] },
  { name: 'log10', fn: (a) => log10(a), inputs: () => [pos23()] },
  { name: 'rsqrt', fn: (a) => rsqrt(a), inputs: () => [pos23()] },
  { name: 'reciprocal', fn: (a) => reciprocal(a), inputs: () => [m23()] },
  { name: 'erf', fn: (a) => erf(a), inputs: () => [m23()] },
  { name: 'erfc', fn: (a) => erfc(a), inputs: () => [m23()] },
  {
    name: 'squaredDifference',
    fn: (a, b) => squaredDifference(a, b),
    inputs: () => [m23(), f64([[0.5], [-1]])],
  },
  // a/b away from integers, where the remainders jump.
  {
    name: 'remainder',
    fn: (a, b) => remainder(a, b),
    inputs: () => [
      f64([
        [5.3, -5.3, 2.9],
        [-7.7, 0.4, 9.1],
      ]),
      f64([1.7, -2.2, 0.6]),
    ],
  },
  {
    name: 'fmod',
    fn: (a, b) => fmod(a, b),
    inputs: () => [
      f64([
        [5.3, -5.3, 2.9],
        [-7.7, 0.4, 9.1],
      ]),
      f64([1.7, -2.2, 0.6]),
    ],
  },
  // Reductions and scans.
  { name: 'prod', fn: (a) => prod(a, { axis: 1 }), inputs: () => [m23()] },
  {
    name: 'prod',
    label: 'one zero, two zeros',
    fn: (a) => prod(a, { axis: 0 }),
    inputs: () => [
      f64([
        [0, 0, 1.5],
        [2, 0, -0.5],
      ]),
    ],
  },
  { name: 'prod', label: 'all axes', fn: (a) => prod(a), inputs: () => [m23()] },
  { name: 'logSumExp', fn: (a) => logSumExp(a, { axis: 1 }), inputs: () => [m23()] },
  {
    name: 'logSumExp',
    label: 'large and -Infinity entries',
    fn: (a) => logSumExp(a, { axis: 0, keepDims: true }),
    inputs: () => [
      f64([
        [1000, -Infinity, 3],
        [999, 2, -Infinity],
      ]),
    ],
  },
  { name: 'norm', fn: (a) => norm(a, { axis: 1 }), inputs: () => [m23()] },
  { name: 'norm', label: 'ord 1', fn: (a) => norm(a, { ord: 1, axis: 0 }), inputs: () => [m23()] },
  {
    name: 'norm',
    label: 'ord Infinity',
    fn: (a) => norm(a, { ord: Infinity }),
    inputs: () => [m23()],
  },
  { name: 'norm', label: 'Frobenius', fn: (a) => norm(a, { ord: 'fro' }), inputs: () => [m23()] },
  { name: 'cumsum', fn: (a) => cumsum(a, 1), inputs: () => [m23()] },
  { name: 'cumprod', fn: (a) => cumprod(a, 1), inputs: () => [m23()] },
  {
    name: 'cumprod',
    label: 'zeros in a lane',
    fn: (a) => cumprod(a, -1),
    inputs: () => [
      f64([
        [0.5, 0, 1.5, 2],
        [0, 1.2, 0, -0.7],
      ]),
    ],
  },
  { name: 'sort', fn: (a) => sort(a).values, inputs: () => [m23()] },
  {
    name: 'sort',
    label: 'descending, axis 0',
    fn: (a) => sort(a, { axis: 0, descending: true }).values,
    inputs: () => [m23()],
  },
  { name: 'topk', fn: (a) => topk(a, 2).values, inputs: () => [m23()] },
  {
    name: 'topk',
    label: 'smallest, axis 0',
    fn: (a) => topk(a, 1, { axis: 0, largest: false }).values,
    inputs: () => [m23()],
  },
  // Shape and indexing.
  {
    name: 'pad',
    fn: (a) =>
      pad(a, [
        [1, 0],
        [0, 2],
      ]),
    inputs: () => [m23()],
  },
  {
    name: 'pad',
    label: 'reflect, wider than the axis',
    fn: (a) =>
      pad(
        a,
        [
          [1, 1],
          [4, 3],
        ],
        { mode: 'reflect' },
      ),
    inputs: () => [m23()],
  },
  {
    name: 'pad',
    label: 'edge',
    fn: (a) =>
      pad(
        a,
        [
          [2, 1],
          [1, 2],
        ],
        { mode: 'edge' },
      ),
    inputs: () => [m23()],
  },
  { name: 'tile', fn: (a) => tile(a, [2, 1, 2]), inputs: () => [m23()] },
  { name: 'repeat', fn: (a) => repeat(a, [2, 0, 1], 1), inputs: () => [m23()] },
  { name: 'repeat', label: 'flattened', fn: (a) => repeat(a, 2), inputs: () => [m23()] },
  { name: 'flip', fn: (a) => flip(a, 1), inputs: () => [m23()] },
  { name: 'roll', fn: (a) => roll(a, [1, -1], [0, 1]), inputs: () => [m23()] },
  { name: 'roll', label: 'flattened', fn: (a) => roll(a, 4), inputs: () => [m23()] },
  {
    name: 'split',
    fn: (a) => concat(split(a, [2, 1], 1).reverse(), 1),
    inputs: () => [m23()],
  },
  { name: 'chunk', fn: (a) => stack(chunk(a, 2, 0), 2), inputs: () => [m23()] },
  { name: 'unstack', fn: (a) => mul(unstack(a, 1)[2]!, unstack(a, 1)[0]!), inputs: () => [m23()] },
  { name: 'diag', fn: (a) => diag(a, -1), inputs: () => [f64([0.3, -1.2])] },
  { name: 'diag', label: 'of a matrix', fn: (a) => diag(a, 1), inputs: () => [m23()] },
  { name: 'tril', fn: (a) => tril(a), inputs: () => [m23()] },
  { name: 'triu', fn: (a) => triu(a, 1), inputs: () => [m23()] },
  {
    name: 'scatter',
    fn: (a, u) => scatter(a, [2, 0, 2], u, 1),
    inputs: () => [
      m23(),
      f64([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ],
  },
  {
    name: 'scatterAdd',
    fn: (a, u) => scatterAdd(a, [2, 0, 2], u, 1),
    inputs: () => [
      m23(),
      f64([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ],
  },
  {
    name: 'gatherNd',
    fn: (a) =>
      gatherNd(a, [
        [1, 2],
        [0, 0],
        [1, 2],
      ]),
    inputs: () => [m23()],
  },
  {
    name: 'maskedFill',
    fn: (a) => maskedFill(a, [true, false, true], -3),
    inputs: () => [m23()],
  },
  { name: 'index', fn: (a) => index(a, ':', '::-2'), inputs: () => [m23()] },
  {
    name: 'index',
    label: 'integer arrays with repeats',
    fn: (a) => index(a, [1, 0, 1], [2, 2, 2]),
    inputs: () => [m23()],
  },
  {
    name: 'index',
    label: 'boolean mask',
    fn: (a) =>
      index(a, [
        [true, false, true],
        [false, true, true],
      ]),
    inputs: () => [m23()],
  },
  // Linear algebra.
  { name: 'outer', fn: (a, b) => outer(a, b), inputs: () => [f64([0.3, -1.2]), f64([2, 0.5, -1])] },
  { name: 'dot', fn: (a, b) => dot(a, b), inputs: () => [f64([0.3, -1.2, 2]), f64([2, 0.5, -1])] },
  {
    name: 'einsum',
    label: 'attention scores bhqd,bhkd->bhqk',
    fn: (a, b) => einsum('bhqd,bhkd->bhqk', a, b),
    inputs: () => [
      f64([
        [
          [
            [0.3, -1.2],
            [2.1, 0.4],
          ],
        ],
        [
          [
            [1.7, -0.8],
            [0.5, 1.1],
          ],
        ],
      ]),
      f64([
        [
          [
            [0.9, 0.2],
            [-0.6, 1.4],
            [0.1, -0.3],
          ],
        ],
        [
          [
            [-1.1, 0.7],
            [0.8, 0.6],
            [1.2, -0.4],
          ],
        ],
      ]),
    ],
  },
  {
    name: 'einsum',
    label: 'sum over an axis only one operand has',
    fn: (a, b) => einsum('ij,jk->k', a, b),
    inputs: () => [
      m23(),
      f64([
        [1, 2],
        [0.5, -1],
        [2, 0.25],
      ]),
    ],
  },
  { name: 'einsum', label: 'one operand', fn: (a) => einsum('ij->j', a), inputs: () => [m23()] },
  {
    name: 'solve',
    fn: (a, b) => solve(a, b),
    inputs: () => [
      f64([
        [2, 1, 0.5],
        [1, 3, -1],
        [0.2, -0.4, 1.5],
      ]),
      f64([1, -2, 0.5]),
    ],
  },
  {
    name: 'solve',
    label: 'batched A, broadcast B',
    fn: (a, b) => solve(a, b),
    inputs: () => [
      f64([
        [
          [2, 1],
          [1, 3],
        ],
        [
          [0.5, -1],
          [1.5, 2],
        ],
      ]),
      f64([
        [1, -2, 0.3],
        [0.5, 1, 2],
      ]),
    ],
  },
  {
    name: 'inverse',
    fn: (a) => inverse(a),
    inputs: () => [
      f64([
        [2, 1, 0.5],
        [1, 3, -1],
        [0.2, -0.4, 1.5],
      ]),
    ],
  },
  {
    name: 'det',
    fn: (a) => det(a),
    inputs: () => [
      f64([
        [2, 1, 0.5],
        [1, 3, -1],
        [0.2, -0.4, 1.5],
      ]),
    ],
  },
  {
    name: 'det',
    label: 'singular matrices (rank 1 and rank 2)',
    fn: (a) => det(a),
    inputs: () => [
      f64([
        [
          [1, 2, 3],
          [2, 4, 6],
          [0.5, 1, 1.5],
        ],
        [
          [1, 2, 3],
          [4, 5, 6],
          [5, 7, 9],
        ],
      ]),
    ],
  },
  // Convolutions: each setting (stride, padding, dilation, groups) in one row.
  {
    name: 'conv2dOp',
    label: 'stride 2, same padding',
    fn: (x, k) => conv2dOp(x, k, { strides: 2, padding: 'same' }),
    inputs: () => [wave([2, 5, 4, 2]), wave([3, 2, 2, 3], 1)],
  },
  {
    name: 'conv2dOp',
    label: 'dilation 2, explicit padding',
    fn: (x, k) =>
      conv2dOp(x, k, {
        dilation: [2, 1],
        padding: [
          [1, 0],
          [0, 2],
        ],
      }),
    inputs: () => [wave([1, 5, 4, 2]), wave([2, 3, 2, 2], 2)],
  },
  {
    name: 'conv2dOp',
    label: 'groups 2',
    fn: (x, k) => conv2dOp(x, k, { groups: 2 }),
    inputs: () => [wave([2, 3, 3, 4]), wave([2, 2, 2, 4], 3)],
  },
  {
    name: 'conv1dOp',
    label: 'stride 2, same, depthwise',
    fn: (x, k) => conv1dOp(x, k, { strides: 2, padding: 'same', groups: 2 }),
    inputs: () => [wave([2, 7, 2]), wave([3, 1, 4], 4)],
  },
  {
    name: 'conv2dTransposeOp',
    label: 'stride 2, same',
    fn: (x, k) => conv2dTransposeOp(x, k, { strides: 2, padding: 'same' }),
    inputs: () => [wave([2, 3, 2, 2]), wave([3, 3, 3, 2], 5)],
  },
  {
    name: 'conv2dTransposeOp',
    label: 'valid, outputPadding',
    fn: (x, k) => conv2dTransposeOp(x, k, { strides: [2, 3], outputPadding: [1, 2] }),
    inputs: () => [wave([1, 2, 2, 1]), wave([2, 2, 2, 1], 6)],
  },
  {
    name: 'scaledDotProductAttention',
    label: '2 heads, q 3 steps, k 4 steps',
    fn: (q, k, v) => scaledDotProductAttention(q, k, v),
    inputs: () => [wave([2, 2, 3, 4]), wave([2, 2, 4, 4], 1), wave([2, 2, 4, 3], 2)],
  },
  {
    name: 'scaledDotProductAttention',
    label: 'causal, padding mask, scale 0.7',
    fn: (q, k, v) =>
      scaledDotProductAttention(q, k, v, {
        causal: true,
        scale: 0.7,
        mask: [
          [
            [true, true, true],
            [true, true, false],
            [true, false, true],
          ],
          [
            [true, true, true],
            [true, true, true],
            [false, true, true],
          ],
        ],
      }),
    inputs: () => [wave([2, 2, 3, 2]), wave([2, 2, 3, 2], 3), wave([2, 2, 3, 5], 4)],
  },
];

/** Exported ops without a gradient, each for a stated reason. */
export const notDifferentiable: Record<string, string> = {
  equal: 'comparison: piecewise constant, returns 0/1 without a graph',
  notEqual: 'comparison',
  greater: 'comparison',
  greaterEqual: 'comparison',
  less: 'comparison',
  lessEqual: 'comparison',
  argmax: 'returns indices',
  argmin: 'returns indices',
  sign: 'piecewise constant: no graph is recorded (PyTorch records a zero gradient)',
  floor: 'piecewise constant',
  ceil: 'piecewise constant',
  round: 'piecewise constant',
  trunc: 'piecewise constant',
  floorDiv: 'piecewise constant',
  isNaN: 'predicate: returns a 0/1 mask',
  isFinite: 'predicate',
  isInf: 'predicate',
  logicalAnd: 'logical: returns a 0/1 mask',
  logicalOr: 'logical',
  logicalNot: 'logical',
  logicalXor: 'logical',
  all: 'logical reduction',
  any: 'logical reduction',
  argsort: 'returns indices',
  unique: 'returns values, counts and indices of a set, no gradient in PyTorch either',
  bincount: 'returns counts',
};
