import { assertInteger, assertNumber, fail } from '../_lib/assert.js';
import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { checkElements } from '../_lib/limits.js';
import type { TensorData } from '../_lib/typed.js';
import { createOptions, make, type CreateOptions } from './create.js';
import type { Tensor } from './tensor.js';

/** Writes float64 values into a tensor's data; int32 data takes only integers in its range, checked. */
function fillChecked(fn: string, data: TensorData, values: ArrayLike<number>): void {
  if (data instanceof Int32Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        throw new ValueError(
          `${fn}: element ${i} is ${show(v)}, not an integer in the int32 range that dtype int32 needs`,
        );
      }
    }
  }
  for (let i = 0; i < values.length; i++) data[i] = values[i]!;
}

/**
 * Evenly spaced values in [start, stop), `step` apart, as `torch.arange`
 * and `tf.range`: `arange(stop)` counts 0, 1, …, stop − 1. There are
 * ⌈(stop − start)/step⌉ values, element i being start + i·step computed in
 * float64 (so a fractional step does not accumulate rounding). A step whose
 * sign points away from stop is an error, as in PyTorch; start = stop gives
 * an empty tensor. The dtype is float32 unless given; with `'int32'` every
 * value must be an integer (an error otherwise).
 *
 * @category Creation
 * @example
 * ```ts
 * import { arange } from 'myelin';
 * arange(4).toArray();           // [0, 1, 2, 3]
 * arange(1, 2, 0.25).toArray();  // [1, 1.25, 1.5, 1.75]
 * arange(5, 0, -2).toArray();    // [5, 3, 1]
 * arange(3, { dtype: 'int32' }).dtype;   // 'int32'
 * ```
 */
export function arange(stop: number, options?: CreateOptions): Tensor;
/**
 * Evenly spaced values in [start, stop), `step` (default 1) apart.
 *
 * @category Creation
 * @example
 * ```ts
 * import { arange } from 'myelin';
 * arange(2, 5).toArray(); // [2, 3, 4]
 * ```
 */
export function arange(start: number, stop: number, step?: number, options?: CreateOptions): Tensor;
export function arange(
  a: number,
  b?: number | CreateOptions,
  c?: number,
  d: CreateOptions = {},
): Tensor {
  const oneArg = b === undefined || typeof b === 'object';
  const start = oneArg ? 0 : a;
  const stop = oneArg ? a : b;
  const step = oneArg ? 1 : (c ?? 1);
  const options = oneArg ? (b ?? {}) : d;
  // A misspelt option (`{ dtyp: 'int32' }`) would otherwise give float32 silently.
  createOptions('arange', options);
  assertNumber('arange', oneArg ? 'stop' : 'start', a);
  if (!oneArg) assertNumber('arange', 'stop', stop);
  assertNumber('arange', 'step', step);
  if (step === 0) fail('arange', 'step', 'non-zero', step);
  if ((stop - start) * step < 0) {
    fail('arange', 'step', `of the sign of stop - start (${stop} - ${start})`, step);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  // Checked before the float64 values are computed (arange(1e12) would need 8 TB).
  checkElements('arange', `shape [${n}]`, n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return make('arange', [n], options, (data) => {
    fillChecked('arange', data, values);
  });
}

/**
 * `num` evenly spaced values from start to stop, both included, as
 * `torch.linspace` and `tf.linspace`. As PyTorch does, the first half is
 * counted up from start and the second half down from stop, so both ends
 * come out exact and the spacing is symmetric.
 *
 * @category Creation
 * @example
 * ```ts
 * import { linspace } from 'myelin';
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 * linspace(3, 3, 1).toArray(); // [3]
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num: number,
  options: CreateOptions = {},
): Tensor {
  createOptions('linspace', options);
  assertNumber('linspace', 'start', start);
  assertNumber('linspace', 'stop', stop);
  assertInteger('linspace', 'num', num);
  checkElements('linspace', `shape [${num}]`, num);
  const values = spaced(start, stop, num);
  return make('linspace', [num], options, (data) => {
    fillChecked('linspace', data, values);
  });
}

/** The float64 values of linspace. */
function spaced(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) out[0] = start;
  if (num < 2) return out;
  const step = (stop - start) / (num - 1);
  const half = Math.floor(num / 2);
  for (let i = 0; i < num; i++) out[i] = i < half ? start + i * step : stop - (num - 1 - i) * step;
  return out;
}

/** Options of {@link logspace}. */
export interface LogspaceOptions extends CreateOptions {
  /** The base of the powers (default 10). */
  base?: number;
}

/**
 * `num` values from base^start to base^stop, evenly spaced on a log scale
 * (base^v for v in `linspace(start, stop, num)`), as `torch.logspace` and
 * `np.logspace`; the base defaults to 10. Handy for learning-rate and
 * regularization sweeps.
 *
 * @category Creation
 * @example
 * ```ts
 * import { logspace } from 'myelin';
 * logspace(-3, 0, 4).toArray();            // [0.001, 0.01, 0.1, 1]
 * logspace(0, 3, 4, { base: 2 }).toArray(); // [1, 2, 4, 8]
 * ```
 */
export function logspace(
  start: number,
  stop: number,
  num: number,
  options: LogspaceOptions = {},
): Tensor {
  createOptions('logspace', options, ['dtype', 'requiresGrad', 'base']);
  assertNumber('logspace', 'start', start);
  assertNumber('logspace', 'stop', stop);
  assertInteger('logspace', 'num', num);
  checkElements('logspace', `shape [${num}]`, num);
  const { base = 10, ...rest } = options;
  assertNumber('logspace', 'base', base, { min: 0, minExclusive: true });
  const values = spaced(start, stop, num).map((v) => base ** v);
  return make('logspace', [num], rest, (data) => {
    fillChecked('logspace', data, values);
  });
}
