import { assertKnownKeys, fail } from './assert.js';
import { ValueError } from './errors.js';

/**
 * Size limits myelin checks before it allocates or reads, so that a typo such
 * as `zeros([1e5, 1e5])` or a hostile file fails at once with a `ValueError`
 * (or a `ModelFormatError` for model files) naming the function and the size,
 * instead of a bare `RangeError`, minutes of work, or gigabytes of memory.
 */
export interface Limits {
  /**
   * Most elements one tensor may hold: default 2^28 = 268,435,456 (1 GiB of
   * float32). Checked before allocating by the tensor creation functions
   * (`tensor`, `zeros`, `ones`, `full`, `eye`, `randomUniform`, ...), the
   * broadcasting ops (`add`, `mul`, `where`, `broadcastTo`, ...), `matmul`
   * and `oneHot`.
   */
  readonly maxElements: number;
  /**
   * Most bytes a reader takes in from one source: default 2^28 bytes
   * (256 MiB). Enforced while reading (`loadModel`, `readCsv` on bytes or a
   * `Response`) and again on the output while decompressing (`readCsv` on
   * gzip data), so neither a huge file nor a small gzip bomb gets further.
   */
  readonly maxBytes: number;
}

const DEFAULTS: Limits = { maxElements: 2 ** 28, maxBytes: 2 ** 28 };

// The one piece of mutable module state: the limits in force. Set only
// through setLimits, read through getLimits and the checks below.
let current: Limits = DEFAULTS;

/**
 * The size limits in force (see {@link Limits}).
 *
 * @example
 * ```ts
 * import { getLimits } from 'myelin';
 * getLimits().maxElements; // 268435456 unless changed with setLimits
 * ```
 */
export function getLimits(): Limits {
  return { ...current };
}

/**
 * Changes the size limits for the whole process (or page) and returns the
 * previous ones, so a caller can restore them. Keys left out keep their
 * value; `setLimits({})` changes nothing, and `setLimits(null)` restores the
 * defaults. Each limit is a positive safe integer.
 *
 * @example
 * ```ts
 * import { setLimits, zeros, ValueError } from 'myelin';
 * const before = setLimits({ maxElements: 1000 });
 * try { zeros([100, 100]); } catch (e) { console.log(e instanceof ValueError); } // true
 * setLimits(before); // back to what it was
 * ```
 */
export function setLimits(limits: Partial<Limits> | null): Limits {
  const fn = 'setLimits';
  const previous = { ...current };
  if (limits === null) {
    current = DEFAULTS;
    return previous;
  }
  if (typeof limits !== 'object' || Array.isArray(limits))
    fail(fn, 'limits', 'an object such as { maxElements: 1e6 }, or null', limits);
  assertKnownKeys(fn, 'limits', limits, ['maxElements', 'maxBytes']);
  const next = { ...current };
  for (const key of ['maxElements', 'maxBytes'] as const) {
    const v = limits[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
      fail(fn, key, 'a positive safe integer', v);
    next[key] = v;
  }
  current = next;
  return previous;
}

/**
 * Throws a ValueError when `count` elements exceed `maxElements`:
 * `zeros: shape [100000,100000] has 10000000000 elements, more than the limit
 * of 268435456 (see setLimits)`. `what` says what was counted.
 */
export function checkElements(fn: string, what: string, count: number): void {
  const max = current.maxElements;
  if (count > max) {
    throw new ValueError(
      `${fn}: ${what} has ${count} elements, more than the limit of ${max} (raise it with setLimits({ maxElements }))`,
    );
  }
}

/**
 * The message for a source over `maxBytes`, `fn: <what> exceeds the limit of
 * N bytes (...)`; the caller picks the error class (ModelFormatError for model
 * files, ValueError for data).
 */
export function tooManyBytes(fn: string, what: string): string {
  return `${fn}: ${what} exceeds the limit of ${current.maxBytes} bytes (raise it with setLimits({ maxBytes }))`;
}
