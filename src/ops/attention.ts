import {
  assertBoolean,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import { fmtShape } from '../_lib/shape.js';
import { allocFloat, asFloat } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import {
  attentionBackwardSlot,
  attentionForwardSlot,
  type AttentionDims,
  type AttentionDropout,
  type AttentionMask,
} from '../kernels/attention.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import { floatArg } from './_util.js';
import { condTensor, type NestedBoolean } from './where.js';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * Which pairs may attend (1 or true = attend, 0 = not; the Keras convention,
   * the opposite of PyTorch's boolean `attn_mask`): shape [q, k],
   * [batch, q, k] or [batch, heads, q, k].
   */
  mask?: Tensor | NestedBoolean;
  /** Forbid every query from seeing later keys (key j > query i). Default false. */
  causal?: boolean;
  /** Dropout rate on the attention weights, in [0, 1) (default 0). */
  dropout?: number;
  /** Random stream of the dropout (default: the shared default stream). */
  rng?: Rng;
  /** Multiplies q·k (default 1/√dk). */
  scale?: number;
  /** Also return the attention weights [batch, heads, q, k] (default false). */
  returnWeights?: boolean;
}

/** The output and attention weights of {@link scaledDotProductAttention} with `returnWeights`. */
export interface AttentionResult {
  /** [batch, heads, q, dv]. */
  readonly output: Tensor;
  /** [batch, heads, q, k], before dropout; not differentiable. */
  readonly weights: Tensor;
}

const KNOWN = ['mask', 'causal', 'dropout', 'rng', 'scale', 'returnWeights'];

/**
 * Scaled dot-product attention (Vaswani et al. 2017, arXiv:1706.03762) on
 * q [batch, heads, q, dk], k [batch, heads, k, dk] and v [batch, heads, k, dv]:
 *
 *   weights = softmax_k(scale · q·kᵀ, masked), output = weights · v,
 *
 * as PyTorch's `F.scaled_dot_product_attention`, with the mask meaning
 * reversed to Keras's (true = attend). A query that may see no key gets
 * all-zero weights and a zero output (PyTorch gives NaN there). Dropout, when
 * asked, drops weights after the softmax and scales the kept ones by
 * 1/(1 − rate). Gradients flow to q, k and v.
 *
 * Memory: one [batch, heads, q, k] buffer of weights (kept for the backward
 * pass and returned with `returnWeights`), plus, with dropout, one byte per
 * weight for the keep mask; the backward pass adds k elements of scratch.
 * On the WebAssembly kernels (`useWasm()`, float32) each call also copies its
 * operands, the weights among them, into WebAssembly memory, and works one
 * (sample, head) block at a time in scratch of about 2·q·k + (q + k)·(dk + dv)
 * floats there.
 *
 * @category Neural network
 * @example
 * ```ts
 * import { scaledDotProductAttention, tensor } from 'myelin';
 * // One query equally close to two keys: weights 1/2 each, output the mean of the values.
 * const q = tensor([[[[1, 0]]]]);
 * const k = tensor([[[[1, 0], [1, 0]]]]);
 * const v = tensor([[[[2], [4]]]]);
 * scaledDotProductAttention(q, k, v).toArray(); // [[[[3]]]]
 * const { weights } = scaledDotProductAttention(q, k, v, { causal: true, returnWeights: true });
 * weights.toArray(); // [[[[1, 0]]]]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions & { returnWeights: true },
): AttentionResult;
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options?: ScaledDotProductAttentionOptions & { returnWeights?: false },
): Tensor;
/** With `returnWeights` known only as a boolean: the output, or the output and weights when it is true. */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions,
): Tensor | AttentionResult;
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor | AttentionResult {
  const fn = 'scaledDotProductAttention';
  const tq0 = floatArg(fn, 'q', q);
  const tk0 = floatArg(fn, 'k', k);
  const tv0 = floatArg(fn, 'v', v);
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, KNOWN);
  for (const [name, t] of [
    ['q', tq0],
    ['k', tk0],
    ['v', tv0],
  ] as const) {
    if (t.rank !== 4)
      throw new ShapeError(
        `${fn}: ${name} must be [batch, heads, steps, dim], got shape ${fmtShape(t.shape)}`,
      );
  }
  const [batch, heads, tq, dk] = tq0.shape as [number, number, number, number];
  const [kb, kh, tk, kd] = tk0.shape as [number, number, number, number];
  const [vb, vh, vt, dv] = tv0.shape as [number, number, number, number];
  if (kb !== batch || kh !== heads || kd !== dk)
    throw new ShapeError(
      `${fn}: k must be [${batch}, ${heads}, steps, ${dk}] to match q ${fmtShape(tq0.shape)}, got ${fmtShape(tk0.shape)}`,
    );
  if (vb !== batch || vh !== heads || vt !== tk)
    throw new ShapeError(
      `${fn}: v must be [${batch}, ${heads}, ${tk}, dim] (as many steps as k ${fmtShape(tk0.shape)}), got ${fmtShape(tv0.shape)}`,
    );
  const causal = assertBoolean(fn, 'causal', options.causal ?? false);
  const rate = assertNumber(fn, 'dropout', options.dropout ?? 0, { min: 0 });
  if (rate >= 1) fail(fn, 'dropout', 'a rate in [0, 1)', rate);
  const scale = assertNumber(fn, 'scale', options.scale ?? 1 / Math.sqrt(dk));
  const returnWeights = assertBoolean(fn, 'returnWeights', options.returnWeights ?? false);
  const rng = options.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);

  let maskData: Uint8Array | null = null;
  let sb = 0,
    sh = 0;
  if (options.mask !== undefined) {
    const m = condTensor(fn, options.mask, true, 'mask');
    const s = m.shape;
    const ok =
      (s.length === 2 && s[0] === tq && s[1] === tk) ||
      (s.length === 3 && s[0] === batch && s[1] === tq && s[2] === tk) ||
      (s.length === 4 && s[0] === batch && s[1] === heads && s[2] === tq && s[3] === tk);
    if (!ok)
      throw new ShapeError(
        `${fn}: mask must have shape [${tq}, ${tk}], [${batch}, ${tq}, ${tk}] or [${batch}, ${heads}, ${tq}, ${tk}], got ${fmtShape(s)}`,
      );
    maskData = Uint8Array.from(m.data, (x) => (x === 0 ? 0 : 1));
    if (s.length >= 3) sb = s.length === 3 ? tq * tk : heads * tq * tk;
    if (s.length === 4) sh = tq * tk;
  }
  const mask: AttentionMask | null =
    maskData === null && !causal ? null : { data: maskData, sb, sh, si: tk, causal };

  const dtype = tq0.dtype === 'float64' ? 'float64' : 'float32';
  if (tk0.dtype !== tq0.dtype || tv0.dtype !== tq0.dtype)
    throw new ValueError(
      `${fn}: q, k and v must have one dtype, got ${tq0.dtype}, ${tk0.dtype}, ${tv0.dtype}`,
    );
  const nWeights = batch * heads * tq * tk;
  checkElements(fn, 'the attention weights', nWeights);
  const dims: AttentionDims = { batch, heads, tq, tk, dk, dv, layout: 'bhtd', scale };
  let drop: AttentionDropout | null = null;
  if (rate > 0) {
    const keep = new Uint8Array(nWeights);
    for (let i = 0; i < nWeights; i++) keep[i] = rng.uniform() < rate ? 0 : 1;
    drop = { keep, scale: 1 / (1 - rate) };
  }
  const qd = asFloat(tq0.data),
    kd0 = asFloat(tk0.data),
    vd = asFloat(tv0.data);
  const out = allocFloat(dtype, batch * heads * tq * dv);
  const weights = allocFloat(dtype, nWeights);
  attentionForwardSlot.impl(qd, kd0, vd, out, weights, dims, mask, drop);
  const output = new Tensor(out, [batch, heads, tq, dv]);
  record(fn, output, [tq0, tk0, tv0], (g) => {
    const gq = tq0.requiresGrad ? allocFloat(dtype, qd.length) : null;
    const gk = tk0.requiresGrad ? allocFloat(dtype, kd0.length) : null;
    const gv = tv0.requiresGrad ? allocFloat(dtype, vd.length) : null;
    const gOut = asFloat(g.data);
    attentionBackwardSlot.impl(
      qd,
      kd0,
      vd,
      weights,
      gOut,
      gq,
      gk,
      gv,
      dims,
      drop,
      allocFloat(dtype, tk),
    );
    return [
      gq === null ? null : new Tensor(gq, tq0.shape),
      gk === null ? null : new Tensor(gk, tk0.shape),
      gv === null ? null : new Tensor(gv, tv0.shape),
    ];
  });
  if (!returnWeights) return output;
  return { output, weights: new Tensor(weights.slice(), [batch, heads, tq, tk]) };
}
