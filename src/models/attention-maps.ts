import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
} from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { noGrad } from '../autograd/graph.js';
import type { Layer } from '../layers/layer.js';
import { createRng } from '../random/rng.js';
import type { TensorLike } from '../tensor/create.js';
import { maskOf } from '../tensor/mask.js';
import { Tensor } from '../tensor/tensor.js';
import { runNodes } from './_forward.js';
import { saveState } from './_state.js';
import { checkModel, inputTensors, refuseMasked } from './predict.js';
import type { Model, ValueRef } from './model.js';

/** One attention layer's weights for an input. */
export interface AttentionMap {
  /** The layer's name in the model. */
  readonly layer: string;
  /** Its index in `model.layers`. */
  readonly layerIndex: number;
  /**
   * [batch, heads, query steps, key steps]; each row sums to 1 (0 for a query
   * that sees no key). Keys the layer's masks hide (padding) get exactly 0;
   * a padded query step keeps a row (the weights the layer used there, over
   * the real keys), as Keras and PyTorch keep one: see `queryMask`.
   */
  readonly weights: Tensor;
  /**
   * The step mask of the query input, batch × query steps entries, row-major
   * (1 = a real step, 0 = padding), or null when it carries none: the rows
   * of `weights` that belong to padding.
   */
  readonly queryMask: Uint8Array | null;
  /**
   * The keys' step mask, batch × key steps entries (1 = a step the queries
   * may attend to): the masks of the key and value inputs ANDed, as the layer
   * applies them, or null when neither carries one.
   */
  readonly keyMask: Uint8Array | null;
}

/**
 * A layer that can report its attention weights (multiHeadAttention does):
 * rows are the steps of its first input (the query), columns the steps of
 * the others (key and value).
 */
interface ScoringLayer extends Layer {
  attentionScores(xs: readonly Tensor[]): Tensor;
}

function scores(layer: Layer): layer is ScoringLayer {
  return typeof (layer as Partial<ScoringLayer>).attentionScores === 'function';
}

/** The AND of the step masks the tensors carry (a copy), or null when none carries one. */
function mergedMask(ts: readonly Tensor[]): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const t of ts) {
    const m = maskOf(t);
    if (m === null) continue;
    if (out === null) out = m.slice();
    else for (let i = 0; i < out.length; i++) out[i] = out[i]! !== 0 && m[i] !== 0 ? 1 : 0;
  }
  return out;
}

/**
 * Every attention layer's weights, every head, for input x (the model's
 * input, or an array for a model of several; tensors or nested arrays, as
 * `predict` takes them, checked against the declared input shapes): the
 * model runs in inference mode, and each layer that reports attention
 * weights (multiHeadAttention) is asked for them on the inputs it received.
 * Every layer's state (a stateful recurrent layer's carried state) is left
 * as it was. In model order, so for a stack of encoder blocks the first map
 * is the first block's.
 *
 * Padding (a mask made inside the model, by `embedding` with `maskZero` or a
 * `masking` layer): keys the mask hides get exactly 0 weight, and padded
 * query steps keep their rows, the weights the layer used at those steps
 * (over the real keys, as PyTorch's `key_padding_mask` gives; Keras hides
 * every key from a padded query and reports 1/k on each). Each map carries
 * the masks (`queryMask`, `keyMask`), so {@link attentionRollout} leaves the
 * padding out and `attentionHeatmap`'s `mask` option can trim it.
 *
 * @example
 * ```ts
 * import { input, multiHeadAttention, graph, attentionMaps, tensor, createRng } from 'myelin';
 * const x = input([3, 4]);
 * const model = graph({ inputs: x, outputs: multiHeadAttention(4, 2, { rng: createRng(1) }).apply([x, x, x]) });
 * const maps = attentionMaps(model, tensor([[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]]));
 * console.log(maps.length, maps[0]!.weights.shape); // 1 [1, 2, 3, 3]
 * ```
 */
export function attentionMaps(model: Model, x: TensorLike | readonly TensorLike[]): AttentionMap[] {
  const fn = 'attentionMaps';
  checkModel(fn, model);
  // As predict takes them: nested arrays too, checked against the declared
  // inputs (and, as before, one tensor in an array for a model of one input).
  const list: unknown = x;
  const only = Array.isArray(list) && list.length === 1 ? (list[0] as unknown) : undefined;
  const xs = inputTensors(
    fn,
    model,
    model.inputs.length === 1 && only instanceof Tensor ? only : x,
  );
  refuseMasked(fn, xs, "mask inside the model (a masking layer, embedding's maskZero)");
  const picks = model.nodes
    .map((node, k) => ({ node, k }))
    .filter(({ node }) => scores(node.layer));
  const refs: ValueRef[] = picks.flatMap(({ node }) => node.inputs);
  // A stateful recurrent layer replaces its carried state on every forward:
  // looking at the model must not move it.
  const restore = saveState(model);
  let values: Tensor[];
  try {
    values = noGrad(() =>
      runNodes(fn, model.nodes, refs, model.inputs.length, xs, {
        training: false,
        rng: createRng(0),
      }),
    );
  } finally {
    restore();
  }
  const out: AttentionMap[] = [];
  let at = 0;
  for (const { node } of picks) {
    const ins = values.slice(at, at + node.inputs.length);
    at += node.inputs.length;
    const layer = node.layer as ScoringLayer;
    out.push({
      layer: model.layerNames[node.layerIndex]!,
      layerIndex: node.layerIndex,
      weights: noGrad(() => layer.attentionScores(ins)),
      queryMask: mergedMask(ins.slice(0, 1)),
      keyMask: mergedMask(ins.slice(1)),
    });
  }
  return out;
}

/** Options of {@link attentionRollout}. */
export interface AttentionRolloutOptions {
  /** Add the residual path: each layer's map becomes ½·(mean over heads) + ½·I, rows renormalized (default true). */
  residual?: boolean;
  /** How much of the identity to mix in with `residual` (default 0.5). */
  residualWeight?: number;
  /**
   * Which steps are real, [batch, T] (1 or true = a real step, 0 or false =
   * padding): nested arrays, a Uint8Array of batch × T entries, or a tensor
   * such as `lengthsMask(lengths, T)`. Default: the masks the maps carry (a
   * step any map's `queryMask` or `keyMask` marks as padding is padding;
   * every step is real when no map carries one). `null` ignores the maps'
   * masks and treats every step as real.
   */
  mask?: Tensor | Uint8Array | readonly (readonly (number | boolean)[])[] | null;
}

/** The rollout's step mask, batch × T entries (1 = real), or null when every step is real. */
function rolloutMask(
  fn: string,
  maps: readonly (Tensor | AttentionMap)[],
  options: AttentionRolloutOptions,
  B: number,
  T: number,
): Uint8Array | null {
  const n = B * T;
  const given: unknown = options.mask;
  if (given === null) return null;
  if (given !== undefined) {
    const want = `a [${B}, ${T}] mask (batch, steps) of 0/1 or booleans`;
    const flat: unknown[] = [];
    let shape: readonly number[];
    if (given instanceof Tensor) {
      shape = given.shape;
      for (const v of given.data) flat.push(v);
    } else if (given instanceof Uint8Array) {
      shape = [given.length];
      for (const v of given) flat.push(v);
    } else if (Array.isArray(given) && given.every((r) => Array.isArray(r))) {
      const rows = given as readonly (readonly unknown[])[];
      if (rows.some((r) => r.length !== T)) fail(fn, 'mask', want, given);
      shape = [rows.length, T];
      for (const r of rows) flat.push(...r);
    } else fail(fn, 'mask', want, given);
    const ok =
      shape.length === 1 ? shape[0] === n : shape.length === 2 && shape[0] === B && shape[1] === T;
    if (!ok)
      throw new ShapeError(
        `${fn}: mask must be [batch, steps] = ${fmtShape([B, T])} like the maps, got ${fmtShape(shape)}`,
      );
    const out = new Uint8Array(n);
    flat.forEach((v, i) => {
      if (v === true || v === 1) out[i] = 1;
      else if (v !== false && v !== 0) fail(fn, `mask entry ${i}`, '0, 1, true or false', v);
    });
    return out;
  }
  // From the maps: the AND of every mask they carry.
  let out: Uint8Array | null = null;
  maps.forEach((m, l) => {
    if (m instanceof Tensor) return;
    for (const key of ['queryMask', 'keyMask'] as const) {
      const v: unknown = m[key];
      if (v === null || v === undefined) continue;
      if (!(v instanceof Uint8Array) || v.length !== n)
        fail(fn, `maps[${l}].${key}`, `null or a Uint8Array of ${n} entries (batch × steps)`, v);
      if (out === null) out = new Uint8Array(n).fill(1);
      for (let i = 0; i < n; i++) if (v[i] === 0) out[i] = 0;
    }
  });
  return out;
}

/**
 * Attention rollout (Abnar and Zuidema 2020, arXiv:2005.00928): how much each
 * output step draws on each input step through a stack of self-attention
 * layers. With Ãₗ = (1 − α)·mean over heads of the layer-l weights + α·I
 * (rows renormalized; α = `residualWeight`, or Ãₗ without the identity when
 * `residual` is false), rollout = Ã_L · … · Ã_2 · Ã_1, per sample.
 *
 * Padding: the rollout covers the real steps only, as if the padded ones
 * were not there. With R the real steps of a sample (see `mask`; by default
 * the masks that {@link attentionMaps} records), Ãₗ is built from the rows
 * and columns in R alone: for i in R, Ãₗ[i, j] = ((1 − α)·Āₗ[i, j] + α·[i = j])
 * / Σ_{j′ in R}((1 − α)·Āₗ[i, j′] + α·[i = j′]) for j in R and 0 for a padded
 * j (a row with nothing left stays 0); a padded step's row is 0. So padded
 * query rows of the result are 0, and no real step reaches a padded one,
 * neither through the weights nor through the identity term. For a model that
 * masks its keys (their weights are exactly 0) only the padded rows change,
 * and the real rows equal the rollout of the unpadded sequence.
 *
 * @param maps The layers' weights in order (first layer first), each
 *   [batch, heads, T, T] with one T, as {@link attentionMaps} returns them (or
 *   the maps themselves).
 * @returns A tensor of shape `[batch, T, T]`: row i is what output step i draws from each input step.
 * @example
 * ```ts
 * import { attentionRollout, tensor } from 'myelin';
 * // One layer, one head, attention that copies step 1 into step 0.
 * const a = tensor([[[[0, 1], [0, 1]]]]);
 * attentionRollout([a], { residual: false }).toArray(); // [[[0, 1], [0, 1]]]
 * attentionRollout([a]).toArray(); // [[[0.5, 0.5], [0, 1]]]
 * // Step 1 is padding: only step 0 is left, and it draws on itself.
 * attentionRollout([a], { mask: [[1, 0]] }).toArray(); // [[[1, 0], [0, 0]]]
 * ```
 */
export function attentionRollout(
  maps: readonly (Tensor | AttentionMap)[],
  options: AttentionRolloutOptions = {},
): Tensor {
  const fn = 'attentionRollout';
  if (!Array.isArray(maps) || maps.length === 0)
    fail(fn, 'maps', 'a non-empty array of [batch, heads, T, T] weights', maps);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['residual', 'residualWeight', 'mask']);
  const residual = assertBoolean(fn, 'residual', options.residual ?? true);
  const alpha = residual
    ? assertNumber(fn, 'residualWeight', options.residualWeight ?? 0.5, { min: 0, max: 1 })
    : 0;
  const ts = maps.map((m, i) => {
    const t: unknown = m instanceof Tensor ? m : (m as Partial<AttentionMap>).weights;
    if (!(t instanceof Tensor)) fail(fn, `maps[${i}]`, 'a Tensor or an AttentionMap', m);
    return t;
  });
  const first = ts[0]!;
  if (first.rank !== 4 || first.shape[2] !== first.shape[3])
    throw new ShapeError(
      `${fn}: maps[0] must be [batch, heads, T, T] (self-attention), got ${fmtShape(first.shape)}`,
    );
  const [B, , T] = first.shape as [number, number, number, number];
  ts.forEach((t, i) => {
    if (t.rank !== 4 || t.shape[0] !== B || t.shape[2] !== T || t.shape[3] !== T)
      throw new ShapeError(
        `${fn}: maps[${i}] must be [${B}, heads, ${T}, ${T}] like maps[0], got ${fmtShape(t.shape)}`,
      );
  });
  const mask = rolloutMask(fn, maps, options, B, T);
  const out = new Float64Array(B * T * T);
  const a = new Float64Array(T * T);
  const tmp = new Float64Array(T * T);
  for (let b = 0; b < B; b++) {
    const r = out.subarray(b * T * T, (b + 1) * T * T);
    const real = (j: number): boolean => mask === null || mask[b * T + j] !== 0;
    ts.forEach((t, l) => {
      const H = t.shape[1]!;
      a.fill(0);
      for (let h = 0; h < H; h++) {
        const o = (b * H + h) * T * T;
        for (let i = 0; i < T * T; i++) a[i]! += t.data[o + i]! / H;
      }
      for (let i = 0; i < T; i++) {
        // A padded step draws on nothing, and nothing draws on it: its row
        // and column stay 0 (the identity term included), so the real steps
        // share each row among themselves.
        if (!real(i)) {
          a.fill(0, i * T, (i + 1) * T);
          continue;
        }
        let s = 0;
        for (let j = 0; j < T; j++) {
          const v = !real(j) ? 0 : (1 - alpha) * a[i * T + j]! + (j === i ? alpha : 0);
          a[i * T + j] = v;
          s += v;
        }
        if (s > 0) for (let j = 0; j < T; j++) a[i * T + j]! /= s;
      }
      if (l === 0) {
        r.set(a);
        return;
      }
      // r ← a · r
      for (let i = 0; i < T; i++)
        for (let j = 0; j < T; j++) {
          let s = 0;
          for (let k = 0; k < T; k++) s += a[i * T + k]! * r[k * T + j]!;
          tmp[i * T + j] = s;
        }
      r.set(tmp);
    });
  }
  return new Tensor(first.dtype === 'float64' ? out : Float32Array.from(out), [B, T, T]);
}
