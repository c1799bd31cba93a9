import { assertKnownKeys } from '../_lib/assert.js';
import {
  globalAvgPoolBackwardJs,
  globalAvgPoolJs,
  globalMaxPoolBackwardJs,
  globalMaxPoolJs,
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
/** Global average pooling of [batch, steps, channels] to [batch, channels]. No params. */
export type GlobalAvgPool1d = BuiltinLayer<'globalAvgPool1d', GlobalPoolConfig>;
/** Global max pooling of [batch, steps, channels] to [batch, channels]. No params. */
export type GlobalMaxPool1d = BuiltinLayer<'globalMaxPool1d', GlobalPoolConfig>;

type Kind = 'globalAvgPool2d' | 'globalMaxPool2d' | 'globalAvgPool1d' | 'globalMaxPool1d';

/** LRP-ε through a sum (or mean) over positions: R_in = x · R / (Σ x + ε·sign). */
function proportional(io: RelevanceIO, positions: number, C: number, eps: number): void {
  const x = io.inputs[0]!;
  const rel = io.relevanceOutputs[0]!;
  const out = io.relevanceInputs[0]!;
  for (let r = 0; r < io.rows; r++) {
    const xr = r * positions * C;
    for (let c = 0; c < C; c++) {
      let z = 0;
      for (let p = 0; p < positions; p++) z += x[xr + p * C + c]!;
      const d = z + eps * (z >= 0 ? 1 : -1);
      const share = d === 0 ? 0 : rel[r * C + c]! / d;
      for (let p = 0; p < positions; p++) {
        const i = xr + p * C + c;
        out[i] = x[i]! * share;
      }
    }
  }
}

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
    return {
      outShapes: [[C]],
      // The position of each channel's maximum, for backward.
      savedPerRow: C,
      forward(io: LayerIO): void {
        globalMaxPoolJs(io.inputs[0]!, io.outputs[0]!, io.saved, io.rows, positions, C);
      },
      backward(io: LayerBackwardIO): void {
        const gx = io.gradInputs[0];
        if (gx === null || gx === undefined) return;
        globalMaxPoolBackwardJs(io.gradOutputs[0]!, io.saved, gx, io.rows, positions, C);
      },
      relevanceFamily: 'pooling',
      relevanceRules: MAX_POOL_RULES,
      /** As maxPool2d: 'proportional' split, every other rule to the maximum. */
      relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
        if (MAX_POOL_RULES.includes(rule.name) && rule.name !== 'proportional') {
          globalMaxPoolBackwardJs(
            io.relevanceOutputs[0]!,
            io.saved,
            io.relevanceInputs[0]!,
            io.rows,
            positions,
            C,
          );
          return true;
        }
        if (rule.name !== 'proportional') return false;
        proportional(io, positions, C, rule.config.epsilon ?? 0);
        return true;
      },
    };
  }
  return {
    outShapes: [[C]],
    forward(io: LayerIO): void {
      globalAvgPoolJs(io.inputs[0]!, io.outputs[0]!, io.rows, positions, C);
    },
    backward(io: LayerBackwardIO): void {
      const gx = io.gradInputs[0];
      if (gx === null || gx === undefined) return;
      globalAvgPoolBackwardJs(io.gradOutputs[0]!, gx, io.rows, positions, C);
    },
    relevanceFamily: 'pooling',
    relevanceRules: AVG_POOL_RULES,
    relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
      if (!AVG_POOL_RULES.includes(rule.name)) return false;
      proportional(io, positions, C, rule.config.epsilon ?? 0);
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
 * channels], as Keras `GlobalAveragePooling1D` (without a mask: every step
 * counts).
 *
 * @example
 * ```ts
 * import { globalAvgPool1d, tensor, createRng } from 'myelin';
 * const x = tensor([[[1, 5], [2, 6], [6, 7]]]); // [1, 3, 2]
 * const y = globalAvgPool1d().forward(x, { training: false, rng: createRng(0) });
 * console.log(Array.from(y.data)); // [3, 6]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function globalAvgPool1d(options: GlobalPoolOptions = {}): GlobalAvgPool1d {
  return globalPool('globalAvgPool1d', options);
}

/**
 * Global max pooling over time, [batch, steps, channels] → [batch,
 * channels], as Keras `GlobalMaxPooling1D`; the gradient goes to the first
 * step holding each channel's maximum.
 *
 * @example
 * ```ts
 * import { globalMaxPool1d, tensor, createRng } from 'myelin';
 * const x = tensor([[[1, 5], [2, 6], [6, 7]]]); // [1, 3, 2]
 * const y = globalMaxPool1d().forward(x, { training: false, rng: createRng(0) });
 * console.log(Array.from(y.data)); // [6, 7]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function globalMaxPool1d(options: GlobalPoolOptions = {}): GlobalMaxPool1d {
  return globalPool('globalMaxPool1d', options);
}
