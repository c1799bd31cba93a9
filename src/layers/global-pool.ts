import { assertKnownKeys } from '../_lib/assert.js';
import type { FloatArray } from '../_lib/typed.js';
import {
  globalAvgPoolBackwardJs,
  globalAvgPoolJs,
  globalMaxPoolBackwardJs,
  globalMaxPoolJs,
  poolSums,
} from '../kernels/js/pool.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
  RelevanceRule,
} from './layer.js';
import { applyVia, runLayer1 } from './_run.js';
import { checkName, checkSpatialShape } from './_spatial.js';
import type { SymbolicTensor } from './symbolic.js';
import { AVG_POOL_RULES, MAX_POOL_RULES } from './pool.js';
import { checkOptions } from './_util.js';

/** Options of the global pooling layers. */
export interface GlobalPoolOptions {
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a global pooling layer (`{}` or `{ name }`). */
export interface GlobalPoolConfig {
  readonly name?: string;
}

/** Global average pooling of [batch, height, width, channels] to [batch, channels]. No params. */
export type GlobalAvgPool2d = BuiltinLayer<'globalAvgPool2d', GlobalPoolConfig>;
/** Global max pooling of [batch, height, width, channels] to [batch, channels]. No params. */
export type GlobalMaxPool2d = BuiltinLayer<'globalMaxPool2d', GlobalPoolConfig>;
/** Global average pooling of [batch, steps, channels] to [batch, channels] over the real (unmasked) steps. No params. */
export type GlobalAvgPool1d = BuiltinLayer<'globalAvgPool1d', GlobalPoolConfig>;
/** Global max pooling of [batch, steps, channels] to [batch, channels] over the real (unmasked) steps. No params. */
export type GlobalMaxPool1d = BuiltinLayer<'globalMaxPool1d', GlobalPoolConfig>;

type Kind = 'globalAvgPool2d' | 'globalMaxPool2d' | 'globalAvgPool1d' | 'globalMaxPool1d';

/**
 * The step mask the 1-D layers honour (`1` = a real step), or null: the 2-D
 * layers take none (a step mask marks steps of a sequence, not pixels).
 */
function stepMaskOf(io: LayerIO, rank: number): Uint8Array | null {
  return rank === 2 ? (io.masks[0] ?? null) : null;
}

/**
 * LRP-ε through a sum (or mean) over positions: R_in = x · R / (Σ x + ε·sign),
 * the sums over real steps only when there is a mask (padding gets none).
 */
function proportional(
  io: RelevanceIO,
  positions: number,
  C: number,
  eps: number,
  mask: Uint8Array | null,
): void {
  const x = io.inputs[0]!;
  const rel = io.relevanceOutputs[0]!;
  const out = io.relevanceInputs[0]!;
  for (let r = 0; r < io.rows; r++) {
    const xr = r * positions * C;
    const mr = r * positions;
    for (let c = 0; c < C; c++) {
      let z = 0;
      for (let p = 0; p < positions; p++)
        if (mask === null || mask[mr + p] === 1) z += x[xr + p * C + c]!;
      const d = z + eps * (z >= 0 ? 1 : -1);
      const share = d === 0 ? 0 : rel[r * C + c]! / d;
      for (let p = 0; p < positions; p++) {
        const i = xr + p * C + c;
        out[i] = mask === null || mask[mr + p] === 1 ? x[i]! * share : 0;
      }
    }
  }
}

/**
 * Masked mean over steps: y[r, c] = Σ_{real t} x[r, t, c] / n_r, where n_r
 * counts row r's real steps; 0 when n_r = 0. Sums in doubles in step order
 * and then divides by n_r, as the unmasked kernel does, so a row whose steps
 * are all real gives bit for bit what it gives, and padding never changes a
 * value.
 */
function maskedAvg(
  x: FloatArray,
  y: FloatArray,
  mask: Uint8Array,
  rows: number,
  steps: number,
  C: number,
): void {
  const acc = poolSums(C);
  for (let r = 0; r < rows; r++) {
    const xr = r * steps * C;
    const o = r * C;
    acc.fill(0, 0, C);
    let n = 0;
    for (let t = 0; t < steps; t++) {
      if (mask[r * steps + t] !== 1) continue;
      n++;
      const i = xr + t * C;
      for (let c = 0; c < C; c++) acc[c] = acc[c]! + x[i + c]!;
    }
    for (let c = 0; c < C; c++) y[o + c] = n === 0 ? 0 : acc[c]! / n;
  }
}

/** Its gradient: gy[r, c] / n_r to each real step, 0 to padding (and to a row without real steps). */
function maskedAvgBackward(
  gy: FloatArray,
  gx: FloatArray,
  mask: Uint8Array,
  rows: number,
  steps: number,
  C: number,
): void {
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let t = 0; t < steps; t++) if (mask[r * steps + t] === 1) n++;
    const inv = n === 0 ? 0 : 1 / n;
    const xr = r * steps * C;
    const o = r * C;
    for (let t = 0; t < steps; t++) {
      const i = xr + t * C;
      if (mask[r * steps + t] === 1) for (let c = 0; c < C; c++) gx[i + c] = gy[o + c]! * inv;
      else for (let c = 0; c < C; c++) gx[i + c] = 0;
    }
  }
}

/**
 * Masked max over steps: the largest x[r, t, c] over real steps t (the first
 * one on ties; NaN wins, as in the unmasked kernel), its step kept in `arg`;
 * a row without real steps gives 0 and arg −1 (no step gets the gradient).
 */
function maskedMax(
  x: FloatArray,
  y: FloatArray,
  arg: FloatArray,
  mask: Uint8Array,
  rows: number,
  steps: number,
  C: number,
): void {
  for (let r = 0; r < rows; r++) {
    const xr = r * steps * C;
    const o = r * C;
    let first = -1;
    for (let t = 0; t < steps && first < 0; t++) if (mask[r * steps + t] === 1) first = t;
    if (first < 0) {
      for (let c = 0; c < C; c++) {
        y[o + c] = 0;
        arg[o + c] = -1;
      }
      continue;
    }
    for (let c = 0; c < C; c++) {
      y[o + c] = x[xr + first * C + c]!;
      arg[o + c] = first;
    }
    for (let t = first + 1; t < steps; t++) {
      if (mask[r * steps + t] !== 1) continue;
      const i = xr + t * C;
      for (let c = 0; c < C; c++) {
        const v = x[i + c]!;
        const best = y[o + c]!;
        if (v > best || (v !== v && best === best)) {
          y[o + c] = v;
          arg[o + c] = t;
        }
      }
    }
  }
}

/** Its gradient (and winner-take-all relevance): gy[r, c] to step arg[r, c], 0 elsewhere. */
function maskedMaxBackward(
  gy: FloatArray,
  arg: FloatArray,
  gx: FloatArray,
  rows: number,
  steps: number,
  C: number,
): void {
  gx.fill(0, 0, rows * steps * C);
  for (let r = 0; r < rows; r++) {
    const xr = r * steps * C;
    const o = r * C;
    for (let c = 0; c < C; c++) {
      const t = arg[o + c]!;
      if (t >= 0) gx[xr + t * C + c] = gy[o + c]!;
    }
  }
}

// The output has no steps, so it carries no mask: the default rule of the
// engine (outputMaskOf) ends the mask here. Declaring `outputMask` would only
// take the planned drivers off their mask-free fast path for every model.
function compileGlobal(
  fn: Kind,
  max: boolean,
  rank: number,
  shape: readonly number[],
): CompiledLayer {
  checkSpatialShape(fn, shape, rank);
  const C = shape[rank - 1]!;
  const positions = shape.slice(0, rank - 1).reduce((a, b) => a * b, 1);
  if (max) {
    // Winner-take-all: the relevance goes where the gradient goes.
    const toMax = (io: LayerIO, from: FloatArray, to: FloatArray): void => {
      const m = stepMaskOf(io, rank);
      if (m === null) globalMaxPoolBackwardJs(from, io.saved, to, io.rows, positions, C);
      else maskedMaxBackward(from, io.saved, to, io.rows, positions, C);
    };
    return {
      outShapes: [[C]],
      // The position of each channel's maximum (−1: none, a row without real steps), for backward.
      savedPerRow: C,
      forward(io: LayerIO): void {
        const m = stepMaskOf(io, rank);
        if (m === null)
          globalMaxPoolJs(io.inputs[0]!, io.outputs[0]!, io.saved, io.rows, positions, C);
        else maskedMax(io.inputs[0]!, io.outputs[0]!, io.saved, m, io.rows, positions, C);
      },
      backward(io: LayerBackwardIO): void {
        const gx = io.gradInputs[0];
        if (gx === null || gx === undefined) return;
        toMax(io, io.gradOutputs[0]!, gx);
      },
      relevanceFamily: 'pooling',
      relevanceRules: MAX_POOL_RULES,
      /** As maxPool2d: 'proportional' split, every other rule to the maximum. */
      relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
        if (MAX_POOL_RULES.includes(rule.name) && rule.name !== 'proportional') {
          toMax(io, io.relevanceOutputs[0]!, io.relevanceInputs[0]!);
          return true;
        }
        if (rule.name !== 'proportional') return false;
        proportional(io, positions, C, rule.config.epsilon ?? 0, stepMaskOf(io, rank));
        return true;
      },
    };
  }
  return {
    outShapes: [[C]],
    forward(io: LayerIO): void {
      const m = stepMaskOf(io, rank);
      if (m === null) globalAvgPoolJs(io.inputs[0]!, io.outputs[0]!, io.rows, positions, C);
      else maskedAvg(io.inputs[0]!, io.outputs[0]!, m, io.rows, positions, C);
    },
    backward(io: LayerBackwardIO): void {
      const gx = io.gradInputs[0];
      if (gx === null || gx === undefined) return;
      const m = stepMaskOf(io, rank);
      if (m === null) globalAvgPoolBackwardJs(io.gradOutputs[0]!, gx, io.rows, positions, C);
      else maskedAvgBackward(io.gradOutputs[0]!, gx, m, io.rows, positions, C);
    },
    relevanceFamily: 'pooling',
    relevanceRules: AVG_POOL_RULES,
    relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
      if (!AVG_POOL_RULES.includes(rule.name)) return false;
      proportional(io, positions, C, rule.config.epsilon ?? 0, stepMaskOf(io, rank));
      return true;
    },
  };
}

function globalPool<K extends Kind>(
  kind: K,
  options: GlobalPoolOptions,
): BuiltinLayer<K, GlobalPoolConfig> {
  const fn = kind;
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['name']);
  const name = checkName(fn, options.name);
  const max = kind === 'globalMaxPool2d' || kind === 'globalMaxPool1d';
  const rank = kind.endsWith('2d') ? 3 : 2;
  const layer: BuiltinLayer<K, GlobalPoolConfig> = {
    kind,
    config: name === undefined ? {} : { name },
    params: {},
    trainable: true,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape(shape) {
      checkSpatialShape(fn, shape, rank);
      return [shape[rank - 1]!];
    },
    compile: (inShapes) => compileGlobal(fn, max, rank, inShapes[0]!),
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(fn, layer, x, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}

/**
 * Global average pooling, [batch, height, width, channels] → [batch,
 * channels]: the mean of each channel over all pixels, as Keras
 * `GlobalAveragePooling2D`. Gradient: each pixel receives 1/(height·width)
 * of its channel's output gradient.
 *
 * @example
 * ```ts
 * import { globalAvgPool2d, tensor, createRng } from 'myelin';
 * // 2x2 image, channels (1, 10), (2, 20), (3, 30), (4, 40)
 * const x = tensor([1, 10, 2, 20, 3, 30, 4, 40], { shape: [1, 2, 2, 2] });
 * const y = globalAvgPool2d().forward(x, { training: false, rng: createRng(0) });
 * console.log(y.shape, Array.from(y.data)); // [1, 2] [2.5, 25]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function globalAvgPool2d(options: GlobalPoolOptions = {}): GlobalAvgPool2d {
  return globalPool('globalAvgPool2d', options);
}

/**
 * Global max pooling, [batch, height, width, channels] → [batch, channels]:
 * the largest value of each channel over all pixels, as Keras
 * `GlobalMaxPooling2D`. Gradient: to the first pixel (row-major) holding the
 * maximum; ties go to the earliest.
 *
 * @example
 * ```ts
 * import { globalMaxPool2d, tensor, createRng } from 'myelin';
 * const x = tensor([1, 10, 2, 20, 3, 30, 4, 40], { shape: [1, 2, 2, 2] });
 * const y = globalMaxPool2d().forward(x, { training: false, rng: createRng(0) });
 * console.log(Array.from(y.data)); // [4, 40]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function globalMaxPool2d(options: GlobalPoolOptions = {}): GlobalMaxPool2d {
  return globalPool('globalMaxPool2d', options);
}

/**
 * Global average pooling over time, [batch, steps, channels] → [batch,
 * channels], as Keras `GlobalAveragePooling1D`: the mean of each channel
 * over each sample's real steps,
 * y[b, c] = Σ_{t: mask[b, t] = 1} x[b, t, c] / #{t: mask[b, t] = 1}.
 * The step mask comes with the input (`embedding` with `maskZero`,
 * `masking`, `withMask`); an input without one has every step real (the
 * plain mean). Padded steps add nothing and receive zero gradient, so padding
 * a sequence, before or after, never changes its result. The layer consumes
 * the mask: its output has no steps and carries none. A sample with no real
 * step gives 0 and passes no gradient (Keras divides 0 by 0 there: NaN).
 * Gradient: each real step receives 1/(real steps) of its channel's output
 * gradient.
 *
 * @example
 * ```ts
 * import { globalAvgPool1d, tensor, withMask, createRng } from 'myelin';
 * import { sequential, embedding, dense, predict } from 'myelin';
 * const ctx = { training: false, rng: createRng(0) };
 * const x = tensor([[[1, 5], [2, 6], [6, 7]]]); // [1, 3, 2]
 * console.log(Array.from(globalAvgPool1d().forward(x, ctx).data)); // [3, 6]: every step
 * // Step 2 is padding: the mean of (1, 5) and (2, 6) only.
 * const masked = withMask(tensor([[[1, 5], [2, 6], [6, 7]]]), [[1, 1, 0]]);
 * console.log(Array.from(globalAvgPool1d().forward(masked, ctx).data)); // [1.5, 5.5]
 * // Keras's text classifier: token id 0 is padding, averaged over the real tokens only.
 * const model = sequential([embedding(100, 8, { maskZero: true }), globalAvgPool1d(), dense(8, 2)]);
 * predict(model, tensor([[5, 9, 0, 0]], { dtype: 'int32' })); // as for [[5, 9]]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function globalAvgPool1d(options: GlobalPoolOptions = {}): GlobalAvgPool1d {
  return globalPool('globalAvgPool1d', options);
}

/**
 * Global max pooling over time, [batch, steps, channels] → [batch,
 * channels], as Keras `GlobalMaxPooling1D`: the largest value of each
 * channel over each sample's real steps, y[b, c] = max_{t: mask[b, t] = 1}
 * x[b, t, c]. An input without a step mask has every step real. Padded
 * steps are left out: they never win (not even when every real value is
 * below a `masking` layer's zeros) and receive zero gradient, so padding a
 * sequence never changes its result. Keras 3's `GlobalMaxPooling1D` takes no
 * mask and maxes over the padding too (tf.keras 2 and TF.js refuse a masked
 * input); leaving it out is what the average does and what one writes by
 * hand in PyTorch (padding filled with −∞ before the max). The layer consumes the mask: its output has no steps and carries
 * none. A sample with no real step gives 0 and passes no gradient. Gradient:
 * to the first real step holding each channel's maximum.
 *
 * @example
 * ```ts
 * import { globalMaxPool1d, tensor, withMask, createRng } from 'myelin';
 * const ctx = { training: false, rng: createRng(0) };
 * const x = tensor([[[1, -5], [2, -6], [0, 0]]]); // [1, 3, 2]
 * console.log(Array.from(globalMaxPool1d().forward(x, ctx).data)); // [2, 0]: every step
 * // Step 2 is padding: the maxima of the real steps only.
 * const masked = withMask(tensor([[[1, -5], [2, -6], [0, 0]]]), [[1, 1, 0]]);
 * console.log(Array.from(globalMaxPool1d().forward(masked, ctx).data)); // [2, -5]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function globalMaxPool1d(options: GlobalPoolOptions = {}): GlobalMaxPool1d {
  return globalPool('globalMaxPool1d', options);
}
