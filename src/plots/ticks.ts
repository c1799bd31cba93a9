import { assertInteger, assertNumber } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';

/** Axis ticks from {@link niceTicks}: a rounded range and the tick values in it. */
export interface NiceTicks {
  /** Lower end of the axis (a multiple of `step`, <= the data minimum). */
  readonly min: number;
  /** Upper end of the axis (a multiple of `step`, >= the data maximum). */
  readonly max: number;
  /** Distance between ticks: 1, 2 or 5 times a power of ten. */
  readonly step: number;
  /** The tick values from `min` to `max`. */
  readonly ticks: readonly number[];
}

// Heckbert's nice number: the 1-2-5 (×10ⁿ) value nearest to x (round) or
// just above it (ceil).
function niceNumber(x: number, round: boolean): number {
  const e = Math.floor(Math.log10(x));
  const f = x / 10 ** e;
  let nf: number;
  if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** e;
}

// Magnitudes between which the tick arithmetic runs on the values as they
// are. Beyond BIG, hi − lo (and a rounded-up axis end) may overflow to
// Infinity; below SMALL, a step's decimals exceed what toFixed can round to
// (100) and 10% of a subnormal value underflows to 0. Outside them the ticks
// are computed on the values times 10^−k (magnitudes between 1 and 10).
const BIG = 1e300;
const SMALL = 1e-70;

/** The power of ten k by which [lo, hi] is scaled for its ticks: 0 unless its largest magnitude is outside [SMALL, BIG]. */
function exponentOf(lo: number, hi: number): number {
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  if (m === 0 || (m >= SMALL && m <= BIG)) return 0;
  return Math.floor(Math.log10(m));
}

/** v · 10^−k, never overflowing or underflowing on the way (k in [−324, 308]). */
function scaleDown(v: number, k: number): number {
  if (k === 0) return v;
  if (k > 0) return v / 10 ** k;
  // 10^324 is beyond float64: a subnormal is first brought up to about 1e−300.
  return k >= -300 ? v * 10 ** -k : v * 10 ** (-k - 300) * 1e300;
}

/**
 * t · 10^k as float64 holds it: the decimal digits of t with the exponent
 * shifted, read back, so a round tick stays as round as it can (−9.3e300,
 * not −9.300000000000001e300); ±Number.MAX_VALUE at most, and a subnormal
 * rounds to its nearest float64 (possibly 0).
 */
function scaleUp(t: number, k: number): number {
  if (k === 0 || t === 0) return t;
  const [mantissa, e] = t.toExponential().split('e') as [string, string];
  const v = Number(`${mantissa}e${Number(e) + k}`);
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, v));
}

// niceTicks on values of moderate magnitude (see BIG and SMALL).
function ticksWithin(lo: number, hi: number, count: number): NiceTicks {
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const range = niceNumber(hi - lo, false);
  const step = niceNumber(range / (count - 1), true);
  // The 1e-9 slack keeps 0.6 / 0.2 = 2.9999999999999996 from adding a needless tick.
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  // Multiply instead of accumulating, and round to the step's precision, so
  // 0.1 + 0.2 noise never shows up as a tick label of 0.30000000000000004.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const n = Math.round((max - min) / step);
  for (let i = 0; i <= n; i++) {
    const v = Number((min + i * step).toFixed(Math.min(decimals, 100)));
    // A step near the spacing of float64 (a range such as [1, 1 + 2^-52]) can round two ticks together.
    if (ticks.length === 0 || v !== ticks[ticks.length - 1]) ticks.push(v);
  }
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, step, ticks };
}

/**
 * Round tick values spanning [lo, hi]: about `count` ticks spaced by 1, 2 or
 * 5 times a power of ten, with the axis widened to whole steps ("loose"
 * labelling, Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
 * A zero-width range is widened to ±1 around its value (±10% of a large value).
 *
 * Any finite lo and hi work. Near the ends of float64 (magnitudes above
 * 1e300 or below 1e-70) the ticks are worked out on the values scaled by a
 * power of ten and scaled back, so they are as round as float64 allows: an
 * axis end beyond ±Number.MAX_VALUE is clamped to it, and ticks among the
 * subnormals may round together (repeats are dropped).
 *
 * @example
 * ```ts
 * import { niceTicks } from 'myelin';
 * niceTicks(0.13, 0.92).ticks; // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * niceTicks(3, 97).ticks;      // [0, 20, 40, 60, 80, 100]
 * niceTicks(-1e308, 1e308).ticks; // [-1e308, -5e307, 0, 5e307, 1e308]
 * ```
 */
export function niceTicks(lo: number, hi: number, count = 5): NiceTicks {
  assertNumber('niceTicks', 'lo', lo);
  assertNumber('niceTicks', 'hi', hi);
  assertInteger('niceTicks', 'count', count, 2);
  if (hi < lo) throw new ValueError(`niceTicks: hi must be >= lo, got lo ${lo} and hi ${hi}`);
  const k = exponentOf(lo, hi);
  const t = ticksWithin(scaleDown(lo, k), scaleDown(hi, k), count);
  if (k === 0) return t;
  const ticks: number[] = [];
  for (const v of t.ticks) {
    const u = scaleUp(v, k);
    if (ticks.length === 0 || ticks[ticks.length - 1] !== u) ticks.push(u);
  }
  return {
    min: ticks[0]!,
    max: ticks[ticks.length - 1]!,
    step: Math.max(Number.MIN_VALUE, scaleUp(t.step, k)),
    ticks,
  };
}

/**
 * A linear axis over the data range [lo, hi] (null: no data, [0, 1]), in
 * plot space: the data times 10^−`exponent` (the data as they are, exponent
 * 0, unless their magnitude is beyond 1e300 or below 1e-70), so that every
 * position computed from it is finite. Labels show the data values.
 */
export interface LinearAxis extends AxisTicks {
  /** Distance between ticks in plot space. */
  readonly step: number;
  /** The power of ten plot space is scaled by. */
  readonly exponent: number;
  /** A data value in plot space. */
  readonly toPlot: (v: number) => number;
}

/** The {@link LinearAxis} of a data range, with about `count` ticks. */
export function linearAxis(range: readonly [number, number] | null, count: number): LinearAxis {
  const lo = range?.[0] ?? 0;
  const hi = range?.[1] ?? 1;
  const k = exponentOf(lo, hi);
  const t = ticksWithin(scaleDown(lo, k), scaleDown(hi, k), count);
  return {
    min: t.min,
    max: t.max,
    ticks: t.ticks,
    labels: t.ticks.map((v) => formatScaled(v, t.step, k)),
    step: t.step,
    exponent: k,
    toPlot: k === 0 ? (v) => v : (v) => scaleDown(v, k),
  };
}

/** The label of plot-space value v (data v · 10^k) on an axis of plot-space step `step`. */
export function formatScaled(v: number, step: number, k: number): string {
  if (k === 0 || v === 0) return formatTick(v, step);
  // Exponent form, as formatTick's for very large or small steps, with the
  // exponent shifted by k: the data value itself may not be a float64.
  const digits = Math.max(0, Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step)));
  const [mantissa, e] = v.toExponential(Math.min(digits, 100)).split('e') as [string, string];
  const exp = Number(e) + k;
  return `${mantissa}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}

/** A tick label with as many decimals as the step needs (exponent form for very large or small steps). */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  if (step >= 1e6 || step < 1e-4)
    return v.toExponential(
      Math.max(0, Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step))),
    );
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(decimals);
}

/** Tick positions in plot space (log10 of the value on a log axis) with their labels. */
export interface AxisTicks {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  readonly labels: readonly string[];
}

/**
 * Ticks of a log axis, given the data range in log10 space: whole decades
 * (every k-th when there are more than 6), plus 2× and 5× within a range of
 * at most two decades. Positions are log10 values; labels the values.
 */
export function logTicks(range: [number, number] | null): AxisTicks {
  const e0 = Math.floor((range?.[0] ?? -1) + 1e-9);
  let e1 = Math.max(e0 + 1, Math.ceil((range?.[1] ?? 0) - 1e-9));
  const every = Math.ceil((e1 - e0) / 6);
  // Widen the top to a labelled decade when only every k-th one gets a tick.
  e1 = e0 + every * Math.ceil((e1 - e0) / every);
  const mults = e1 - e0 <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  const labels: string[] = [];
  for (let e = e0; e <= e1; e += every) {
    for (const m of mults) {
      if (e === e1 && m > 1) break;
      ticks.push(e + Math.log10(m));
      // Plain decimals over the usual range ("0.001", "20"), exponent form beyond it.
      labels.push(e >= -4 && e < 6 ? String(Number((m * 10 ** e).toPrecision(1))) : `${m}e${e}`);
    }
  }
  return { min: e0, max: e1, ticks, labels };
}
