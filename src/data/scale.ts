import { assertKnownKeys, assertNumber, show } from '../_lib/assert.js';
import { ModelFormatError, ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import type { TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { dataTensor } from './_tensor.js';

/** The JSON form of a fitted {@link StandardScaler}. */
export interface StandardScalerJSON {
  kind: 'standardScaler';
  /** Per-feature mean of the training data. */
  mean: number[];
  /** Per-feature population standard deviation (ddof 0); 0 for a constant feature (see {@link standardScaler}). */
  std: number[];
}

/** The JSON form of a fitted {@link MinMaxScaler}. */
export interface MinMaxScalerJSON {
  kind: 'minMaxScaler';
  min: number[];
  max: number[];
  /** Target interval [low, high]. */
  range: [number, number];
}

/** Either scaler's JSON form, as {@link restoreScaler} reads it. */
export type ScalerJSON = StandardScalerJSON | MinMaxScalerJSON;

/** What both scalers share: transform data with statistics fitted on training data. */
export interface Scaler<J extends ScalerJSON = ScalerJSON> {
  readonly kind: J['kind'];
  /** Number of features (the product of the per-sample shape). */
  readonly features: number;
  /**
   * Scales `x` (shape [n, ...features]) with the fitted statistics; a new
   * tensor of x's dtype (float64 for plain arrays), no graph.
   */
  transform(x: TensorLike): Tensor;
  /** Undoes {@link Scaler.transform}; a new tensor of x's dtype (float64 for plain arrays). */
  inverseTransform(x: TensorLike): Tensor;
  /** The fitted statistics, JSON-able; `JSON.stringify(scaler)` uses it. */
  toJSON(): J;
}

/** A fitted z-score scaler: (x − mean) / std per feature. */
export type StandardScaler = Scaler<StandardScalerJSON>;
/** A fitted min–max scaler: maps [min, max] of each feature onto `range`. */
export type MinMaxScaler = Scaler<MinMaxScalerJSON>;

/** Options of {@link minMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target interval (default [0, 1]). */
  range?: readonly [number, number];
}

function featureView(fn: string, x: unknown): { t: Tensor; n: number; f: number } {
  const t = dataTensor(fn, 'x', x);
  if (t.rank < 2)
    throw new ShapeError(
      `${fn}: x must have shape [samples, ...features] (rank >= 2), got ${fmtShape(t.shape)}`,
    );
  const n = t.shape[0]!;
  return { t, n, f: n === 0 ? t.shape.slice(1).reduce((a, b) => a * b, 1) : t.size / n };
}

/**
 * Per-feature affine map out = (x − shift)·scale + offset, applied row by
 * row. `scale` is the reciprocal of the spread (1 where the spread is 0: a
 * constant feature of standardScaler is only centred rather than made NaN,
 * as scikit-learn does).
 */
function makeScaler<J extends ScalerJSON>(
  fn: string,
  shift: Float64Array,
  spread: Float64Array,
  offset: number,
  json: () => J,
): Scaler<J> {
  const f = shift.length;
  const scale = spread.map((s) => (s === 0 ? 1 : 1 / s));
  const apply = (name: string, x: TensorLike, inverse: boolean): Tensor => {
    const { t, n, f: fx } = featureView(`${fn}.${name}`, x);
    if (fx !== f)
      throw new ShapeError(
        `${fn}.${name}: x has ${fx} features per sample (shape ${fmtShape(t.shape)}) but the scaler was fitted on ${f}`,
      );
    const out = allocate(t.dtype, t.size);
    const d = t.data;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < f; j++) {
        const i = r * f + j;
        out[i] = inverse
          ? (d[i]! - offset) / scale[j]! + shift[j]!
          : (d[i]! - shift[j]!) * scale[j]! + offset;
      }
    }
    return new Tensor(out, t.shape);
  };
  const k = json().kind;
  return {
    kind: k,
    features: f,
    transform: (x) => apply('transform', x, false),
    inverseTransform: (x) => apply('inverseTransform', x, true),
    toJSON: json,
  };
}

/** Every value finite; the first that is not is named by its index, x[row][column]. */
function checkFinite(fn: string, t: Tensor): void {
  for (let i = 0; i < t.size; i++) {
    if (!Number.isFinite(t.data[i]!)) {
      let where = '';
      for (let a = t.rank - 1, r = i; a >= 0; a--) {
        where = `[${r % t.shape[a]!}]${where}`;
        r = Math.floor(r / t.shape[a]!);
      }
      throw new ValueError(
        `${fn}: x must be finite, x${where} is ${show(t.data[i])}; checkDataset(x) lists every missing (NaN) and infinite value by feature`,
      );
    }
  }
}

/**
 * Fits a standard (z-score) scaler on training data: per feature, the mean
 * and population standard deviation (ddof 0), as scikit-learn's
 * `StandardScaler`. Fit on the training split only and apply the same
 * statistics to validation and test data, so no test information leaks into
 * training.
 *
 * A constant feature has std 0 and is only centred (x − mean). Constant
 * means one value in every row (its mean is then that value, exactly) or,
 * as scikit-learn's `_is_constant_feature` decides, a variance within the
 * rounding error of the two-pass computation, var ≤ n·ε·var + (n·mean·ε)²
 * with ε = 2^-52 (Chan, Golub and LeVeque, 1983): without that, a column of
 * 0.1s gets a std of 1.4e-17 from rounding, and new data is scaled by 10^16.
 *
 * Statistics are computed in float64. Plain arrays are read as float64 (the
 * numbers as JavaScript holds them); a tensor keeps its dtype. Every value
 * must be finite: the first NaN or infinity is an error naming its place
 * (`x[64][1]`); `checkDataset(x)` lists them all.
 *
 * @param x Training data, shape [samples, ...features].
 * @example
 * ```ts
 * import { standardScaler, restoreScaler, tensor } from 'myelin';
 * const s = standardScaler(tensor([[1, 10], [3, 30]]));   // mean [2, 20], std [1, 10]
 * s.transform(tensor([[2, 40]])).toArray();                  // [[0, 2]]
 * const again = restoreScaler(JSON.parse(JSON.stringify(s))); // same statistics
 *
 * const c = standardScaler([[0.1, 1], [0.1, 2], [0.1, 3]]);
 * c.toJSON().mean[0]; // 0.1 (not 0.10000000000000002)
 * c.toJSON().std[0];  // 0: constant, so only centred
 * c.transform([[0.2, 2]]).toArray(); // [[0.1, 0]], float64 like the plain arrays it read
 * ```
 */
export function standardScaler(x: TensorLike): StandardScaler {
  const { t, n, f } = featureView('standardScaler', x);
  if (n === 0) throw new ValueError('standardScaler: x must have at least one row');
  checkFinite('standardScaler', t);
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  const lo = new Float64Array(f).fill(Infinity);
  const hi = new Float64Array(f).fill(-Infinity);
  const d = t.data;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < f; j++) {
      const v = d[r * f + j]!;
      mean[j]! += v;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
  // A column holding one value has that value as its mean, exactly: the sum
  // n·v rounds, and (n·v)/n need not be v (3 × 0.1 / 3 = 0.10000000000000002).
  for (let j = 0; j < f; j++) mean[j] = lo[j] === hi[j] ? lo[j]! : mean[j]! / n;
  // Two passes (mean, then squared deviations): the one-pass E[x²] − E[x]²
  // cancels catastrophically when the mean is large next to the spread.
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < f; j++) {
      const dev = d[r * f + j]! - mean[j]!;
      std[j]! += dev * dev;
    }
  }
  for (let j = 0; j < f; j++) {
    const v = std[j]! / n;
    std[j] = isConstantFeature(v, mean[j]!, n) ? 0 : Math.sqrt(v);
  }
  return fromStandard(mean, std);
}

/**
 * Whether a variance computed by the two-pass algorithm is indistinguishable
 * from 0, as scikit-learn's `_is_constant_feature`: the rounding error of the
 * two passes is bounded by n·ε·var + (n·mean·ε)² (Chan, Golub and LeVeque,
 * "Algorithms for computing the sample variance: analysis and
 * recommendations", 1983), with ε the float64 machine epsilon. A variance
 * within it is rounding noise of a constant feature: dividing by its root
 * would blow that noise up to ±1 (and new data to ±10^15).
 */
function isConstantFeature(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

function fromStandard(mean: Float64Array, std: Float64Array): StandardScaler {
  return makeScaler('standardScaler', mean, std, 0, () => ({
    kind: 'standardScaler',
    mean: Array.from(mean),
    std: Array.from(std),
  }));
}

/**
 * Fits a min–max scaler on training data: per feature, maps [min, max] onto
 * `range` (default [0, 1]), as scikit-learn's `MinMaxScaler`. Values outside
 * the training range map outside `range` (no clipping). A constant feature
 * (a range max − min below 10·2^-52, as scikit-learn's `_handle_zeros_in_scale`)
 * is taken to have range 1: its training value maps to `range[0]` and another
 * value x to `range[0] + (x − min)·(high − low)`, as scikit-learn does. Plain
 * arrays are read as float64; a tensor keeps its dtype. Every value must be
 * finite, as for {@link standardScaler}.
 *
 * @example
 * ```ts
 * import { minMaxScaler, tensor } from 'myelin';
 * const s = minMaxScaler(tensor([[0, 5], [10, 15]]));
 * s.transform(tensor([[5, 10]])).toArray(); // [[0.5, 0.5]]
 * ```
 */
export function minMaxScaler(x: TensorLike, options: MinMaxScalerOptions = {}): MinMaxScaler {
  assertKnownKeys('minMaxScaler', 'options', options, ['range']);
  const range = checkRange('minMaxScaler', options.range ?? [0, 1]);
  const { t, n, f } = featureView('minMaxScaler', x);
  if (n === 0) throw new ValueError('minMaxScaler: x must have at least one row');
  checkFinite('minMaxScaler', t);
  const min = new Float64Array(f).fill(Infinity);
  const max = new Float64Array(f).fill(-Infinity);
  const d = t.data;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < f; j++) {
      const v = d[r * f + j]!;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  }
  return fromMinMax(min, max, range);
}

function checkRange(fn: string, range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2)
    throw new ValueError(`${fn}: range must be [low, high], got ${show(range)}`);
  const lo = assertNumber(fn, 'range[0]', range[0]);
  const hi = assertNumber(fn, 'range[1]', range[1]);
  if (!(hi > lo)) throw new ValueError(`${fn}: range must have low < high, got ${show(range)}`);
  return [lo, hi];
}

/**
 * Below this data range (max − min) a feature counts as constant, as in
 * scikit-learn's `_handle_zeros_in_scale` (10·ε, ε = 2^-52): its range is
 * taken as 1, so a constant feature is shifted rather than divided by 0, and
 * a range of rounding noise (1 + 4e-16 against 1) is not blown up to 10^15.
 */
const MIN_RANGE = 10 * Number.EPSILON;

function fromMinMax(min: Float64Array, max: Float64Array, range: [number, number]): MinMaxScaler {
  const [lo, hi] = range;
  // out = (x − min)·(hi − lo)/r + lo with r = max − min, or 1 for a constant
  // feature (scikit-learn's scale_ = (hi − lo) / r): spread = r/(hi − lo).
  const spread = min.map((m, j) => {
    const r = max[j]! - m;
    return (r < MIN_RANGE ? 1 : r) / (hi - lo);
  });
  return makeScaler('minMaxScaler', min, spread, lo, () => ({
    kind: 'minMaxScaler',
    min: Array.from(min),
    max: Array.from(max),
    range: [lo, hi],
  }));
}

function numberList(path: string, v: unknown): Float64Array {
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'number' && Number.isFinite(e))) {
    throw new ModelFormatError(
      `restoreScaler: ${path} must be an array of finite numbers, got ${show(v)}`,
    );
  }
  return Float64Array.from(v as number[]);
}

/**
 * Rebuilds a fitted scaler from its JSON form (`scaler.toJSON()` or
 * `JSON.parse(JSON.stringify(scaler))`), validating every field.
 *
 * @example
 * ```ts
 * import { standardScaler, restoreScaler, tensor } from 'myelin';
 * const saved = JSON.stringify(standardScaler(tensor([[1], [3]])));
 * restoreScaler(JSON.parse(saved)).transform(tensor([[3]])).toArray(); // [[1]]
 * ```
 */
export function restoreScaler(json: StandardScalerJSON): StandardScaler;
export function restoreScaler(json: MinMaxScalerJSON): MinMaxScaler;
export function restoreScaler(json: unknown): StandardScaler | MinMaxScaler;
export function restoreScaler(json: unknown): StandardScaler | MinMaxScaler {
  if (json === null || typeof json !== 'object')
    throw new ModelFormatError(`restoreScaler: json must be an object, got ${show(json)}`);
  const o = json as Record<string, unknown>;
  if (o.kind === 'standardScaler') {
    const mean = numberList('mean', o.mean);
    const std = numberList('std', o.std);
    if (std.length !== mean.length || std.some((s) => s < 0)) {
      throw new ModelFormatError(
        'restoreScaler: std must have one non-negative entry per mean entry',
      );
    }
    return fromStandard(mean, std);
  }
  if (o.kind === 'minMaxScaler') {
    const min = numberList('min', o.min);
    const max = numberList('max', o.max);
    const range = numberList('range', o.range);
    if (max.length !== min.length || max.some((m, j) => m < min[j]!)) {
      throw new ModelFormatError('restoreScaler: max must have one entry >= min per min entry');
    }
    if (range.length !== 2 || !(range[1]! > range[0]!))
      throw new ModelFormatError(
        `restoreScaler: range must be [low, high] with low < high, got ${show(o.range)}`,
      );
    return fromMinMax(min, max, [range[0]!, range[1]!]);
  }
  throw new ModelFormatError(
    `restoreScaler: kind must be "standardScaler" or "minMaxScaler", got ${show(o.kind)}`,
  );
}
