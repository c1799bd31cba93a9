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

/**
 * Round tick values spanning [lo, hi]: about `count` ticks spaced by 1, 2 or
 * 5 times a power of ten, with the axis widened to whole steps ("loose"
 * labelling, Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990).
 * A zero-width range is widened to ±1 around its value (±10% of a large value).
 *
 * @example
 * ```ts
 * import { niceTicks } from 'myelin';
 * niceTicks(0.13, 0.92).ticks; // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * niceTicks(3, 97).ticks;      // [0, 20, 40, 60, 80, 100]
 * ```
 */
export function niceTicks(lo: number, hi: number, count = 5): NiceTicks {
  assertNumber('niceTicks', 'lo', lo);
  assertNumber('niceTicks', 'hi', hi);
  assertInteger('niceTicks', 'count', count, 2);
  if (hi < lo) throw new ValueError(`niceTicks: hi must be >= lo, got lo ${lo} and hi ${hi}`);
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
  for (let i = 0; i <= n; i++)
    ticks.push(Number((min + i * step).toFixed(Math.min(decimals, 100))));
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, step, ticks };
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
