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
  /** [batch, heads, query steps, key steps]; each row sums to 1 (0 for a query that sees no key). */
  readonly weights: Tensor;
}

/** A layer that can report its attention weights (multiHeadAttention does). */
interface ScoringLayer extends Layer {
  attentionScores(xs: readonly Tensor[]): Tensor;
}

function scores(layer: Layer): layer is ScoringLayer {
  return typeof (layer as Partial<ScoringLayer>).attentionScores === 'function';
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
}

/**
 * Attention rollout (Abnar and Zuidema 2020, arXiv:2005.00928): how much each
 * output step draws on each input step through a stack of self-attention
 * layers. With Ãₗ = (1 − α)·mean over heads of the layer-l weights + α·I
 * (rows renormalized; α = `residualWeight`, or Ãₗ without the identity when
 * `residual` is false), rollout = Ã_L · … · Ã_2 · Ã_1, per sample.
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
  assertKnownKeys(fn, 'options', options, ['residual', 'residualWeight']);
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
  const out = new Float64Array(B * T * T);
  const a = new Float64Array(T * T);
  const tmp = new Float64Array(T * T);
  for (let b = 0; b < B; b++) {
    const r = out.subarray(b * T * T, (b + 1) * T * T);
    ts.forEach((t, l) => {
      const H = t.shape[1]!;
      a.fill(0);
      for (let h = 0; h < H; h++) {
        const o = (b * H + h) * T * T;
        for (let i = 0; i < T * T; i++) a[i]! += t.data[o + i]! / H;
      }
      for (let i = 0; i < T; i++) {
        a[i * T + i] = (1 - alpha) * a[i * T + i]! + alpha;
        let s = 0;
        for (let j = 0; j < T; j++) {
          if (j !== i) a[i * T + j]! *= 1 - alpha;
          s += a[i * T + j]!;
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
