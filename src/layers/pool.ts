import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { avgPoolBackwardJs, avgPoolJs, type PoolGeometry } from '../kernels/js/pool.js';
import { maxPoolBackwardSlot, maxPoolSlot } from '../kernels/pool.js';
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
import { checkName, checkSpatialShape, positivePair, positiveSize } from './_spatial.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkOptions } from './_util.js';

/**
 * How a pooling window meets the border: 'valid' keeps only windows inside
 * the input; 'same' pads so that the output has ⌈size / stride⌉ positions,
 * with the odd padding element after (TensorFlow's SAME, ONNX's SAME_UPPER).
 */
export type PoolPadding = 'valid' | 'same';

/**
 * Explicit padding of a 2-D pool, `[[top, bottom], [left, right]]`, each
 * smaller than the pool along its axis (so every window holds a real input):
 * padded positions never win a max and are not counted in an average
 * (PyTorch's `padding` with `count_include_pad=False`; its `ceil_mode` is
 * more padding after).
 */
export type Pool2dExplicitPadding = readonly [readonly [number, number], readonly [number, number]];

/** Explicit padding of a 1-D pool, `[before, after]`, as {@link Pool2dExplicitPadding}. */
export type Pool1dExplicitPadding = readonly [number, number];

/** Options of {@link maxPool2d} and {@link avgPool2d}. */
export interface Pool2dOptions {
  /** Step between windows, `[height, width]` or one number for both (default: the pool size, as Keras). */
  strides?: number | readonly [number, number];
  /** 'valid' (default), 'same' or explicit `[[top, bottom], [left, right]]`. */
  padding?: PoolPadding | Pool2dExplicitPadding;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a 2-D pooling layer. */
export interface Pool2dConfig {
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: PoolPadding | Pool2dExplicitPadding;
  readonly name?: string;
}

/** Options of {@link maxPool1d} and {@link avgPool1d}. */
export interface Pool1dOptions {
  /** Step between windows (default: the pool size, as Keras). */
  strides?: number;
  /** 'valid' (default), 'same' or explicit `[before, after]`. */
  padding?: PoolPadding | Pool1dExplicitPadding;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a 1-D pooling layer. */
export interface Pool1dConfig {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: PoolPadding | Pool1dExplicitPadding;
  readonly name?: string;
}

/** 2-D max pooling over [batch, height, width, channels]. No params. */
export type MaxPool2d = BuiltinLayer<'maxPool2d', Pool2dConfig>;
/** 2-D average pooling over [batch, height, width, channels]. No params. */
export type AvgPool2d = BuiltinLayer<'avgPool2d', Pool2dConfig>;
/** 1-D max pooling over [batch, steps, channels]. No params. */
export type MaxPool1d = BuiltinLayer<'maxPool1d', Pool1dConfig>;
/** 1-D average pooling over [batch, steps, channels]. No params. */
export type AvgPool1d = BuiltinLayer<'avgPool1d', Pool1dConfig>;

/** Output size and leading padding along one axis. */
function axis(
  fn: string,
  what: string,
  size: number,
  pool: number,
  stride: number,
  padding: PoolPadding | readonly [number, number],
): { out: number; before: number } {
  if (typeof padding !== 'string') {
    const [before, after] = padding;
    if (pool > size + before + after)
      throw new ShapeError(
        `${fn}: poolSize ${pool} is larger than the input's ${what} ${size} with padding [${before}, ${after}]`,
      );
    return { out: Math.floor((size + before + after - pool) / stride) + 1, before };
  }
  if (padding === 'valid') {
    if (pool > size)
      throw new ShapeError(
        `${fn}: poolSize ${pool} is larger than the input's ${what} ${size} (padding 'valid'); use a smaller pool or padding 'same'`,
      );
    return { out: Math.floor((size - pool) / stride) + 1, before: 0 };
  }
  // SAME: ⌈size / stride⌉ outputs; the total padding is split with the odd
  // element after. It is always less than the pool, so every window holds at
  // least one real element.
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + pool - size, 0);
  return { out, before: Math.floor(total / 2) };
}

interface PoolSpec {
  readonly fn: string;
  readonly mode: 'max' | 'avg';
  /** 1 for sequences [steps, channels], 2 for images [height, width, channels]. */
  readonly dims: 1 | 2;
  readonly pool: readonly [number, number];
  readonly strides: readonly [number, number];
  /** 'valid', 'same', or explicit [[top, bottom], [left, right]] (1-D: top and bottom 0). */
  readonly padding: PoolPadding | Pool2dExplicitPadding;
}

const padAxis = (p: PoolSpec['padding'], i: 0 | 1): PoolPadding | readonly [number, number] =>
  typeof p === 'string' ? p : p[i];

/**
 * The padding option checked: 'valid', 'same', or explicit pads (per axis
 * `[before, after]`), each smaller than the pool along its axis.
 */
function readPoolPadding(
  fn: string,
  v: unknown,
  pool: readonly [number, number],
  dims: 1 | 2,
): PoolPadding | Pool2dExplicitPadding {
  if (v === 'valid' || v === 'same') return v;
  const want =
    dims === 1
      ? `'valid', 'same' or [before, after] (integers from 0 to poolSize - 1)`
      : `'valid', 'same' or [[top, bottom], [left, right]] (integers from 0 to the pool size - 1 on that axis)`;
  const pair = (x: unknown, k: number): readonly [number, number] => {
    const ok = (e: unknown): e is number =>
      typeof e === 'number' && Number.isInteger(e) && e >= 0 && e < k;
    if (!Array.isArray(x) || x.length !== 2 || !ok(x[0]) || !ok(x[1]))
      return fail(fn, 'padding', want, v);
    return [x[0], x[1]];
  };
  if (!Array.isArray(v) || v.length !== 2) return fail(fn, 'padding', want, v);
  return dims === 1 ? [[0, 0], pair(v, pool[1])] : [pair(v[0], pool[0]), pair(v[1], pool[1])];
}

/** The pooling geometry for a per-sample input shape, checked. */
function geometry(s: PoolSpec, shape: readonly number[]): PoolGeometry {
  checkSpatialShape(s.fn, shape, s.dims + 1);
  const inH = s.dims === 2 ? shape[0]! : 1;
  const inW = shape[s.dims - 1]!;
  const channels = shape[s.dims]!;
  const h =
    s.dims === 2
      ? axis(s.fn, 'height', inH, s.pool[0], s.strides[0], padAxis(s.padding, 0))
      : { out: 1, before: 0 };
  const w = axis(
    s.fn,
    s.dims === 2 ? 'width' : 'steps',
    inW,
    s.pool[1],
    s.strides[1],
    padAxis(s.padding, 1),
  );
  return {
    inH,
    inW,
    channels,
    poolH: s.pool[0],
    poolW: s.pool[1],
    strideH: s.strides[0],
    strideW: s.strides[1],
    padTop: h.before,
    padLeft: w.before,
    outH: h.out,
    outW: w.out,
  };
}

function outShapeOf(s: PoolSpec, g: PoolGeometry): number[] {
  return s.dims === 2 ? [g.outH, g.outW, g.channels] : [g.outW, g.channels];
}

/**
 * Relevance through a pooling window: each output's relevance split over
 * its window's real inputs in proportion to x_i / (Σ_window x + ε·sign), the
 * LRP-ε rule for a sum (and, the 1/count factor cancelling, an average);
 * a zero denominator passes nothing.
 */
function proportional(io: RelevanceIO, g: PoolGeometry, eps: number): void {
  const { inH, inW, channels: C, poolH, poolW, strideH, strideW, padTop, padLeft, outH, outW } = g;
  const x = io.inputs[0]!;
  const rel = io.relevanceOutputs[0]!;
  const out = io.relevanceInputs[0]!;
  const rowIn = inH * inW * C;
  out.fill(0, 0, io.rows * rowIn);
  let o = 0;
  for (let r = 0; r < io.rows; r++) {
    const xr = r * rowIn;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padTop;
      const hs = Math.max(h0, 0);
      const he = Math.min(inH, h0 + poolH);
      for (let ow = 0; ow < outW; ow++, o += C) {
        const w0 = ow * strideW - padLeft;
        const ws = Math.max(w0, 0);
        const we = Math.min(inW, w0 + poolW);
        for (let c = 0; c < C; c++) {
          let z = 0;
          for (let h = hs; h < he; h++)
            for (let w = ws; w < we; w++) z += x[xr + (h * inW + w) * C + c]!;
          const d = z + eps * (z >= 0 ? 1 : -1);
          const share = d === 0 ? 0 : rel[o + c]! / d;
          for (let h = hs; h < he; h++)
            for (let w = ws; w < we; w++) {
              const i = xr + (h * inW + w) * C + c;
              out[i] = out[i]! + x[i]! * share;
            }
        }
      }
    }
  }
}

/** The relevance rules of max pooling: every one but 'proportional' is winner-take-all. */
export const MAX_POOL_RULES: readonly string[] = [
  'winnerTakeAll',
  'proportional',
  'zero',
  'epsilon',
  'gamma',
  'alphaBeta',
];
/** The relevance rules of average pooling: each a proportional split (LRP-ε with its ε, else 0). */
export const AVG_POOL_RULES: readonly string[] = ['proportional', 'zero', 'epsilon', 'gamma'];

function compilePool(s: PoolSpec, inShapes: readonly (readonly number[])[]): CompiledLayer {
  const g = geometry(s, inShapes[0]!);
  const outShape = outShapeOf(s, g);
  const outSize = g.outH * g.outW * g.channels;
  if (s.mode === 'max') {
    return {
      outShapes: [outShape],
      // The window-local position of each output's maximum: small integers,
      // exact in float32, from which backward finds the input element.
      savedPerRow: outSize,
      forward(io: LayerIO): void {
        maxPoolSlot.impl(io.inputs[0]!, io.outputs[0]!, io.saved, io.rows, g);
      },
      backward(io: LayerBackwardIO): void {
        const gx = io.gradInputs[0];
        if (gx === null || gx === undefined) return;
        maxPoolBackwardSlot.impl(io.gradOutputs[0]!, io.saved, gx, io.rows, g);
      },
      relevanceFamily: 'pooling',
      relevanceRules: MAX_POOL_RULES,
      /**
       * 'winnerTakeAll' (and the linear rules 'zero', 'epsilon', 'gamma',
       * 'alphaBeta', for composites that give one rule everywhere) send each
       * output's relevance to its window's maximum (the gradient's route, the
       * usual LRP treatment of max pooling); 'proportional' splits it over the
       * window as for a sum.
       */
      relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
        if (MAX_POOL_RULES.includes(rule.name) && rule.name !== 'proportional') {
          maxPoolBackwardSlot.impl(
            io.relevanceOutputs[0]!,
            io.saved,
            io.relevanceInputs[0]!,
            io.rows,
            g,
          );
          return true;
        }
        if (rule.name === 'proportional') {
          proportional(io, g, rule.config.epsilon ?? 0);
          return true;
        }
        return false;
      },
    };
  }
  return {
    outShapes: [outShape],
    forward(io: LayerIO): void {
      avgPoolJs(io.inputs[0]!, io.outputs[0]!, io.rows, g);
    },
    backward(io: LayerBackwardIO): void {
      const gx = io.gradInputs[0];
      if (gx === null || gx === undefined) return;
      avgPoolBackwardJs(io.gradOutputs[0]!, gx, io.rows, g);
    },
    relevanceFamily: 'pooling',
    relevanceRules: AVG_POOL_RULES,
    /** 'epsilon' and 'proportional' (and 'zero', 'gamma': positive weights): LRP-ε through the average (a linear map). */
    relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
      if (!AVG_POOL_RULES.includes(rule.name)) return false;
      proportional(io, g, rule.config.epsilon ?? 0);
      return true;
    },
  };
}

function makePool<K extends string, C extends object>(
  kind: K,
  spec: PoolSpec,
  config: C,
  name: string | undefined,
): BuiltinLayer<K, C> {
  const layer: BuiltinLayer<K, C> = {
    kind,
    config,
    params: {},
    trainable: true,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape: (shape) => outShapeOf(spec, geometry(spec, shape)),
    compile: (inShapes) => compilePool(spec, inShapes),
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(spec.fn, layer, x, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}

function pool2d<K extends 'maxPool2d' | 'avgPool2d'>(
  kind: K,
  poolSize: unknown,
  options: Pool2dOptions,
): BuiltinLayer<K, Pool2dConfig> {
  const fn = kind;
  const pool = positivePair(fn, 'poolSize', poolSize);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['strides', 'padding', 'name']);
  const strides =
    options.strides === undefined ? pool : positivePair(fn, 'strides', options.strides);
  const padding = readPoolPadding(fn, options.padding ?? 'valid', pool, 2);
  const name = checkName(fn, options.name);
  const config: Pool2dConfig = {
    poolSize: pool,
    strides,
    padding,
    ...(name === undefined ? {} : { name }),
  };
  const mode = kind === 'maxPool2d' ? 'max' : 'avg';
  return makePool(kind, { fn, mode, dims: 2, pool, strides, padding }, config, name);
}

function pool1d<K extends 'maxPool1d' | 'avgPool1d'>(
  kind: K,
  poolSize: unknown,
  options: Pool1dOptions,
): BuiltinLayer<K, Pool1dConfig> {
  const fn = kind;
  const pool = positiveSize(fn, 'poolSize', poolSize);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['strides', 'padding', 'name']);
  const stride =
    options.strides === undefined ? pool : positiveSize(fn, 'strides', options.strides);
  const padding = readPoolPadding(fn, options.padding ?? 'valid', [1, pool], 1);
  const name = checkName(fn, options.name);
  const config: Pool1dConfig = {
    poolSize: pool,
    strides: stride,
    padding: typeof padding === 'string' ? padding : padding[1],
    ...(name === undefined ? {} : { name }),
  };
  const mode = kind === 'maxPool1d' ? 'max' : 'avg';
  return makePool(
    kind,
    { fn, mode, dims: 1, pool: [1, pool], strides: [1, stride], padding },
    config,
    name,
  );
}

/**
 * 2-D max pooling over channels-last images, [batch, height, width, channels]
 * → [batch, outH, outW, channels], as Keras `MaxPooling2D` and TF.js
 * `maxPooling2d`: each output is the largest input of its window, per
 * channel. With padding 'valid', outH = ⌊(height − poolH) / strideH⌋ + 1;
 * with 'same', outH = ⌈height / strideH⌉ and padded positions never win;
 * with explicit pads `[[top, bottom], [left, right]]` (PyTorch's `padding`;
 * its `ceil_mode` is more padding at the bottom and right),
 * outH = ⌊(height + top + bottom − poolH) / strideH⌋ + 1.
 *
 * Gradient: each output's gradient goes to the FIRST maximal element of its
 * window in row-major order (a tie goes to the upper-left one; PyTorch picks
 * the same element, whereas TensorFlow's gradient may pick another among equal
 * values); overlapping windows add up.
 *
 * @param poolSize Window `[height, width]`, or one number for both (default 2).
 * @example
 * ```ts
 * import { maxPool2d, tensor, createRng } from 'myelin';
 * // One 2x4 single-channel image: windows [1,2 | 5,6] and [3,4 | 7,8].
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [1, 2, 4, 1] });
 * const y = maxPool2d(2).forward(x, { training: false, rng: createRng(0) });
 * console.log(y.shape, Array.from(y.data)); // [1, 1, 2, 1] [6, 8]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function maxPool2d(
  poolSize: number | readonly [number, number] = 2,
  options: Pool2dOptions = {},
): MaxPool2d {
  return pool2d('maxPool2d', poolSize, options);
}

/**
 * 2-D average pooling over channels-last images, [batch, height, width,
 * channels] → [batch, outH, outW, channels], as Keras `AveragePooling2D`:
 * each output is the mean of its window, per channel. With padding 'same'
 * the mean is over the window's real inputs only (padding is not counted, as
 * TensorFlow and Keras; PyTorch's `count_include_pad=False`). Output sizes
 * as {@link maxPool2d}. Gradient: each output's gradient divided equally
 * among its window's real inputs.
 *
 * @param poolSize Window `[height, width]`, or one number for both (default 2).
 * @example
 * ```ts
 * import { avgPool2d, tensor, createRng } from 'myelin';
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [1, 2, 4, 1] });
 * const y = avgPool2d(2).forward(x, { training: false, rng: createRng(0) });
 * console.log(Array.from(y.data)); // [3.5, 5.5]: (1+2+5+6)/4 and (3+4+7+8)/4
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function avgPool2d(
  poolSize: number | readonly [number, number] = 2,
  options: Pool2dOptions = {},
): AvgPool2d {
  return pool2d('avgPool2d', poolSize, options);
}

/**
 * 1-D max pooling over sequences, [batch, steps, channels] → [batch, outSteps,
 * channels], as Keras `MaxPooling1D`: the largest input of each window of
 * `poolSize` steps, per channel. Padding and gradient as {@link maxPool2d}
 * (ties go to the earliest step).
 *
 * @param poolSize Window length in steps (default 2).
 * @example
 * ```ts
 * import { maxPool1d, tensor, createRng } from 'myelin';
 * const x = tensor([[[1], [3], [2], [5], [4]]]); // [1, 5, 1]
 * const y = maxPool1d(2, { padding: 'same' }).forward(x, { training: false, rng: createRng(0) });
 * console.log(Array.from(y.data)); // [3, 5, 4]: windows [1,3], [2,5], [4]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function maxPool1d(poolSize = 2, options: Pool1dOptions = {}): MaxPool1d {
  return pool1d('maxPool1d', poolSize, options);
}

/**
 * 1-D average pooling over sequences, [batch, steps, channels] → [batch,
 * outSteps, channels], as Keras `AveragePooling1D`: the mean of each window
 * of `poolSize` steps, per channel; with padding 'same' the mean is over the
 * real steps only (as {@link avgPool2d}).
 *
 * @param poolSize Window length in steps (default 2).
 * @example
 * ```ts
 * import { avgPool1d, tensor, createRng } from 'myelin';
 * const x = tensor([[[1], [3], [2], [5], [4]]]); // [1, 5, 1]
 * const y = avgPool1d(2, { padding: 'same' }).forward(x, { training: false, rng: createRng(0) });
 * console.log(Array.from(y.data)); // [2, 3.5, 4]: the last window holds only 4
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function avgPool1d(poolSize = 2, options: Pool1dOptions = {}): AvgPool1d {
  return pool1d('avgPool1d', poolSize, options);
}
