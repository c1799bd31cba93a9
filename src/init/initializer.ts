import { assertDtype, assertPositiveInt, fail } from '../_lib/assert.js';
import { checkShape, shapeSize } from '../_lib/shape.js';
import { asFloat, allocate, type DType, type FloatArray } from '../_lib/typed.js';
import { allocSlot } from '../kernels/alloc.js';
import { defaultRng, type Rng } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';

/** What an initializer is told when asked for values. */
export interface InitContext {
  /** Random stream (default: the shared default stream). */
  readonly rng?: Rng;
  /** Element type of the result (default 'float32'). */
  readonly dtype?: DType;
  /** Number of inputs feeding each unit (default: from the shape, see {@link computeFans}). */
  readonly fanIn?: number;
  /** Number of units each input feeds (default: from the shape, see {@link computeFans}). */
  readonly fanOut?: number;
}

/** JSON-able settings of an initializer. */
export type InitializerConfig = Readonly<Record<string, number>>;

/**
 * A weight initializer: a plain object whose `init(shape, ctx)` returns a new
 * tensor of that shape. `kind` and `config` are what the model format stores
 * (`{ kind: 'uniform', config: { low: -0.05, high: 0.05 } }`), enough to build
 * it again with the factory of the same name.
 */
export interface Initializer<
  K extends string = string,
  C extends InitializerConfig = InitializerConfig,
> {
  readonly kind: K;
  readonly config: C;
  /** A new tensor of `shape` drawn or filled by this initializer (fans default to Keras's rule for the shape). */
  init(shape: readonly number[], ctx?: InitContext): Tensor;
}

/**
 * Fan-in and fan-out of a weight shape, as Keras computes them
 * (`keras.initializers._compute_fans`): a dense kernel `[inputs, units]` has
 * fanIn = inputs, fanOut = units; a 1-D shape `[n]` has fanIn = fanOut = n; a
 * scalar has 1 and 1; a convolution kernel `[...receptive, in, out]` has
 * fanIn = in·Π receptive and fanOut = out·Π receptive.
 *
 * @example
 * ```ts
 * import { computeFans } from 'myelin';
 * computeFans([3, 4]);       // { fanIn: 3, fanOut: 4 }
 * computeFans([3, 3, 8, 16]); // { fanIn: 72, fanOut: 144 }
 * ```
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shapeSize(shape.slice(0, -2));
  return {
    fanIn: shape[shape.length - 2]! * receptive,
    fanOut: shape[shape.length - 1]! * receptive,
  };
}

/** Validated pieces every initializer needs. @internal */
export interface Resolved {
  shape: number[];
  rng: Rng;
  dtype: DType;
  fanIn: number;
  fanOut: number;
  data: FloatArray;
}

/** Validates `init` arguments and allocates the output. @internal */
export function resolve(fn: string, shape: readonly number[], ctx: InitContext = {}): Resolved {
  const s = checkShape(fn, 'shape', shape);
  if (typeof ctx !== 'object' || ctx === null) fail(fn, 'ctx', 'an object', ctx);
  const dtype = ctx.dtype ?? 'float32';
  assertDtype(fn, dtype);
  const rng = ctx.rng ?? defaultRng();
  if (typeof rng !== 'object' || typeof rng.uniform !== 'function') fail(fn, 'rng', 'an Rng', rng);
  const fans = computeFans(s);
  const fanIn = ctx.fanIn === undefined ? fans.fanIn : assertPositiveInt(fn, 'fanIn', ctx.fanIn);
  const fanOut =
    ctx.fanOut === undefined ? fans.fanOut : assertPositiveInt(fn, 'fanOut', ctx.fanOut);
  const n = shapeSize(s);
  // float32 weights from the backend's allocator: the threaded WebAssembly
  // backend keeps them in its memory, where its kernels read them in place
  const data = dtype === 'float32' ? allocSlot.impl(n) : asFloat(allocate(dtype, n));
  return { shape: s, rng, dtype, fanIn, fanOut, data };
}

/**
 * The ratio between the standard deviation of a unit normal truncated to
 * [−2, 2] and 1: Keras divides the target stddev by it so the truncated draw
 * has the intended variance (scipy.stats.truncnorm.std(-2, 2)).
 *
 * @example
 * ```ts
 * import { TRUNCATED_NORMAL_STD } from 'myelin';
 * const std = Math.sqrt(2 / 64) / TRUNCATED_NORMAL_STD; // heNormal's draw std for fanIn 64
 * ```
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/**
 * Fills `data` with mean + std·z, z a unit normal truncated to |z| <= 2 by
 * resampling (as `tf.random.truncated_normal`).
 * @internal
 */
export function fillTruncatedNormal(data: FloatArray, rng: Rng, mean: number, std: number): void {
  for (let i = 0; i < data.length; i++) {
    let z = rng.normal();
    while (z < -2 || z > 2) z = rng.normal();
    data[i] = mean + std * z;
  }
}

/** Builds an Initializer object (frozen config). @internal */
export function makeInitializer<K extends string, C extends InitializerConfig>(
  kind: K,
  config: C,
  fill: (r: Resolved) => void,
): Initializer<K, C> {
  const frozen = Object.freeze({ ...config });
  return {
    kind,
    config: frozen,
    init(shape, ctx) {
      const r = resolve(kind, shape, ctx);
      fill(r);
      return new Tensor(r.data, r.shape);
    },
  };
}
