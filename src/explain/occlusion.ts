import { assertKnownKeys, assertNumber, assertOptions, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import type { Model } from '../models/model.js';
import { predict } from '../models/predict.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import {
  TARGET_KEYS,
  checkStatefulRows,
  explainInput,
  keepingState,
  outputIndex,
  outputWeighting,
  tensorOf,
  type TargetOptions,
} from './_target.js';

/** Options of {@link occlusion}. */
export interface OcclusionOptions extends TargetOptions {
  /**
   * The occluded patch: sizes along the leading per-sample axes (the axes
   * after them are covered whole), or one number for every axis but the
   * last (channels) of an input of rank ≥ 3, every axis otherwise.
   */
  window: number | readonly number[];
  /**
   * Step between patches along each window axis (default: the window,
   * patches side by side). Patches start at 0, stride, 2·stride, ... until
   * one reaches the end of the axis; that last one is cut off there (as in
   * Captum), so every element is covered unless the stride exceeds the window.
   */
  stride?: number | readonly number[];
  /** Value written into the patch (default 0); an integer, such as a padding id, for int32 token ids. */
  fill?: number;
  /**
   * Occluded copies per forward pass (default: 256, or fewer when a sample
   * is large, so that a pass holds at most 2²⁰ input elements, 4 MB of
   * float32). The results do not depend on it on the JS kernels (each row
   * of a pass is computed alone, bit for bit); it bounds the memory of a
   * pass. Not used for a model with stateful layers, whose passes are the
   * whole batch with one patch covered (such a layer takes only its own
   * batchSize).
   */
  batchSize?: number;
}

/** Input elements per forward pass under the default batchSize (4 MB of float32). */
const PASS_ELEMENTS = 2 ** 20;

function sizes(fn: string, name: string, v: unknown, shape: readonly number[]): number[] {
  const axes = typeof v === 'number' ? (shape.length >= 3 ? shape.length - 1 : shape.length) : -1;
  const list = typeof v === 'number' ? new Array<number>(axes).fill(v) : v;
  if (!Array.isArray(list) || list.length === 0 || list.length > shape.length)
    fail(fn, name, `a positive integer or an array of 1 to ${shape.length} of them`, v);
  (list as unknown[]).forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1)
      fail(fn, `${name}[${i}]`, 'a positive integer', d);
  });
  return list as number[];
}

/**
 * Occlusion sensitivity (Zeiler and Fergus 2014, arXiv:1311.2901): slides
 * a patch of `fill` values over each input and records how much the
 * explained score drops, score(x) − score(x with the patch covered); each
 * element gets the mean drop over the patches that cover it (0 when none
 * does, which happens only for a stride larger than the window: the last
 * patch of an axis is cut off at its end rather than left out). It needs no
 * gradients, only `predict`, so it works on any model, and takes int32
 * token ids too (`fill` is then the id written into the patch, such as the
 * padding id 0); the result is in the model output's dtype.
 *
 * Layer state is left exactly as found, also when it throws. On a model
 * with stateful layers every pass starts from the state the model holds
 * when called: a pass is then `x` with the same patch covered in every row
 * (row r from row r of the carried state), so `x` must have the layers'
 * `batchSize` rows.
 *
 * @example
 * ```ts
 * import { sequential, dense, occlusion } from 'myelin';
 * const model = sequential([dense(4, 1, { kernel: [[0], [0], [1], [0]], useBias: false })]);
 * occlusion(model, [[1, 1, 1, 1]], { window: 2 }).toArray(); // [[0, 0, 1, 1]]: only x₂ matters
 * // Patches [0, 3) and [2, 4) (the second cut off at the end), each covering x₂:
 * occlusion(model, [[1, 1, 1, 1]], { window: 3, stride: 2 }).toArray(); // [[1, 1, 1, 1]]
 * ```
 */
export function occlusion(model: Model, x: TensorLike, options: OcclusionOptions): Tensor {
  const fn = 'occlusion';
  assertOptions(fn, options, 'an object with at least window');
  assertKnownKeys(fn, 'options', options, [
    ...TARGET_KEYS,
    'window',
    'stride',
    'fill',
    'batchSize',
  ]);
  // Token ids are accepted: occlusion needs no gradient, only predict (fill with a padding id).
  const [m, xt] = explainInput(fn, model, x, true);
  const shape = xt.shape.slice(1);
  if (options.window === undefined) fail(fn, 'window', 'a patch size', undefined);
  const win = sizes(fn, 'window', options.window, shape);
  const stride =
    options.stride === undefined
      ? win
      : sizes(fn, 'stride', options.stride, shape.slice(0, win.length));
  if (stride.length !== win.length)
    fail(fn, 'stride', `one step per window axis (${win.length})`, options.stride);
  win.forEach((d, i) => {
    if (d > shape[i]!)
      throw new ShapeError(
        `${fn}: window ${fmtShape(win)} is larger than the input's per-sample shape ${fmtShape(shape)} (axis ${i}: ${d} > ${shape[i]})`,
      );
  });
  const fill = assertNumber(fn, 'fill', options.fill ?? 0);
  if (xt.dtype === 'int32' && !(Number.isInteger(fill) && fill >= -(2 ** 31) && fill < 2 ** 31))
    fail(fn, 'fill', 'an int32 value (such as a padding token id) for int32 x', fill);
  const per = shape.reduce((a, b) => a * b, 1);
  // A pass's input (and with it the layers' activations) stays bounded for large samples.
  const batchSize =
    options.batchSize ?? Math.max(1, Math.min(256, Math.floor(PASS_ELEMENTS / per)));
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail(fn, 'batchSize', 'a positive integer', batchSize);
  const outIdx = outputIndex(fn, m, options.output);
  const rows = xt.shape[0]!;
  const stateful = checkStatefulRows(fn, m, rows);

  // Patch origins: every combination of start positions along the window
  // axes. As in Captum's Occlusion, the patches run on until one reaches the
  // far edge, that last one cut off there, so that every element is covered
  // when the stride is at most the window (rather than the last few elements
  // of an axis the window does not divide being left out, with 0).
  const starts = win.map((d, i) => {
    const list: number[] = [];
    for (let s = 0; s < shape[i]!; s += stride[i]!) {
      list.push(s);
      if (s + d >= shape[i]!) break;
    }
    return list;
  });
  let patches: number[][] = [[]];
  for (const axis of starts) {
    const next: number[][] = [];
    for (const p of patches) for (const s of axis) next.push([...p, s]);
    patches = next;
  }
  // Element strides of the per-sample shape (row-major).
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  // Elements per index of the last window axis (the axes after it are covered whole).
  const inner = strides[win.length - 1]!;
  const wl = win.length;
  const at = new Array<number>(wl);
  // The offsets (within a sample) of the elements patch p covers, into `out`; returns their count.
  const coveredBy = (p: readonly number[], out: Int32Array): number => {
    let count = 0;
    for (let a = 0; a < wl; a++) at[a] = p[a]!;
    for (;;) {
      let base = 0;
      for (let a = 0; a < wl; a++) base += at[a]! * strides[a]!;
      for (let e = 0; e < inner; e++) out[count++] = base + e;
      // the next position of the patch, last window axis fastest
      let a = wl - 1;
      while (a >= 0 && ++at[a]! >= Math.min(p[a]! + win[a]!, shape[a]!)) {
        at[a] = p[a]!;
        a--;
      }
      if (a < 0) return count;
    }
  };
  const patchSize = win.reduce((q, d) => q * d, inner);

  const mm = m as Model<Tensor, Tensor | Tensor[]>;
  const scoreOf = (out: Tensor | Tensor[]): Tensor => (Array.isArray(out) ? out[outIdx]! : out);
  return keepingState(m, (fresh) => {
    // Every pass starts from the state the explanation found (a stateful layer
    // replaces its state on every forward).
    const run = (t: Tensor): Tensor => {
      fresh();
      return scoreOf(stateful ? predict(mm, t, { batchSize: rows }) : predict(mm, t));
    };
    const y0 = run(xt);
    const size = y0.size / rows;
    const w = outputWeighting(fn, options, y0.data, rows, size);
    const rowScore = (y: ArrayLike<number>, r: number, wr: number): number => {
      let s = 0;
      for (let k = 0; k < size; k++) s += y[r * size + k]! * w[wr * size + k]!;
      return s;
    };
    const base = Array.from({ length: rows }, (_, r) => rowScore(y0.data, r, r));
    const sums = new Float64Array(xt.size);
    const counts = new Float64Array(xt.size);
    // Jobs (row r, patch q): row by row, or, for a stateful layer, which takes
    // exactly its batchSize rows (those of x), each from its own row of the
    // carried state, patch by patch: a pass covers one patch in every row,
    // row r in place r. Either way each element's drops add up in patch order.
    const P = patches.length;
    const jobs = rows * P;
    const rowOf = (j: number): number => (stateful ? j % rows : Math.floor(j / P));
    const patchOf = (j: number): number => (stateful ? Math.floor(j / rows) : j % P);
    const perPass = stateful ? rows : Math.min(batchSize, jobs);
    // one buffer for every pass (each pass's output is read before the next is built)
    const buffer = allocate(xt.dtype, perPass * per);
    const offsets = new Int32Array(patchSize);
    for (let j0 = 0; j0 < jobs; j0 += perPass) {
      const len = Math.min(perPass, jobs - j0);
      const data = len === perPass ? buffer : buffer.subarray(0, len * per);
      for (let c = 0; c < len; c++) {
        const r = rowOf(j0 + c);
        data.set(xt.data.subarray(r * per, (r + 1) * per), c * per);
        const n = coveredBy(patches[patchOf(j0 + c)]!, offsets);
        for (let i = 0; i < n; i++) data[c * per + offsets[i]!] = fill;
      }
      const y = run(new Tensor(data, [len, ...shape])).data;
      for (let c = 0; c < len; c++) {
        const r = rowOf(j0 + c);
        const drop = base[r]! - rowScore(y, c, r);
        const n = coveredBy(patches[patchOf(j0 + c)]!, offsets);
        for (let i = 0; i < n; i++) {
          const e = r * per + offsets[i]!;
          sums[e] = sums[e]! + drop;
          counts[e] = counts[e]! + 1;
        }
      }
    }
    for (let i = 0; i < sums.length; i++) sums[i] = counts[i] === 0 ? 0 : sums[i]! / counts[i]!;
    // Drops of the model's output: in its dtype for token ids.
    return tensorOf(sums, xt.shape, xt.dtype === 'int32' ? y0 : xt);
  });
}
