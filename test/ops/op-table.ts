// One row per differentiable op exported from src/ops/index.ts. gradcheck.test.ts
// runs a float64 central-difference check on each row, and fails when an op is
// exported without a row here (or a place in its notDifferentiable list).
// Inputs are chosen away from kinks and ties (|x| for abs, the bounds of clip,
// equal elements for max/maximum), where the derivative is a convention.
import { tensor, type Tensor } from '../../src/tensor/index.js';
import {
  abs,
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

export interface OpRow {
  /** The exported op name (a row may cover it under several settings: `name` is the key, `label` the case). */
  name: string;
  label?: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
}

const f64 = (v: Parameters<typeof tensor>[0]): Tensor => tensor(v, { dtype: 'float64' });

// A fixed, tie-free 2x3 matrix and friends.
const m23 = (): Tensor =>
  f64([
    [0.3, -1.2, 2.1],
    [1.7, 0.4, -0.8],
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
};
