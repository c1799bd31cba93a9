import { fail } from '../_lib/assert.js';
import { MyelinError, ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { Loss } from '../losses/loss.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import type { Metric } from './metrics.js';

/** Converts a TensorLike argument (plain arrays to `dtype`, default float32), re-labelling conversion errors with the caller and argument. */
export function tensorArgument(
  fn: string,
  name: string,
  value: unknown,
  dtype?: 'float32' | 'float64',
): Tensor {
  if (value instanceof Tensor) return value;
  if (
    value === undefined ||
    value === null ||
    (typeof value !== 'number' && typeof value !== 'object')
  ) {
    fail(fn, name, 'a Tensor or nested arrays of numbers', value);
  }
  return prefixErrors(`${fn}: ${name}`, () => asTensor(value as TensorLike, dtype));
}

/**
 * Runs `f`; a myelin error it throws comes back with `prefix: ` before its message, a ShapeError
 * as a ShapeError and any other as a ValueError. @internal
 */
export function prefixErrors<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${prefix}: ${e.message}`);
    if (e instanceof MyelinError) throw new ValueError(`${prefix}: ${e.message}`);
    throw e;
  }
}

/** x and y as batch-first tensors with the same, non-zero number of rows (plain arrays as `dtype`, default float32). */
export function pairArguments(
  fn: string,
  xName: string,
  yName: string,
  x: unknown,
  y: unknown,
  dtype?: 'float32' | 'float64',
): [Tensor, Tensor] {
  const tx = tensorArgument(fn, xName, x, dtype);
  const ty = tensorArgument(fn, yName, y, dtype);
  if (tx.rank === 0)
    throw new ShapeError(
      `${fn}: ${xName} must be batch first (shape [n, ...features]), got a scalar`,
    );
  if (ty.rank === 0)
    throw new ShapeError(`${fn}: ${yName} must be batch first (shape [n, ...]), got a scalar`);
  if (tx.shape[0] !== ty.shape[0]) {
    throw new ShapeError(
      `${fn}: ${xName} and ${yName} must have the same number of rows, got ${fmtShape(tx.shape)} and ${fmtShape(ty.shape)}`,
    );
  }
  if (tx.shape[0] === 0) throw new ValueError(`${fn}: ${xName} and ${yName} are empty (0 rows)`);
  return [tx, ty];
}

export function checkLoss(fn: string, loss: unknown): Loss {
  // an activation is a function with a kernel too, but not a loss kernel
  const k = (loss as Partial<Loss> | null)?.kernel;
  if (typeof loss !== 'function' || (k !== undefined && typeof k.compute !== 'function'))
    fail(fn, 'loss', 'a loss function such as mse or crossEntropy', loss);
  return loss as Loss;
}

export function checkOptimizer(fn: string, optimizer: unknown): Optimizer {
  const o = optimizer as Partial<Optimizer> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.step !== 'function' ||
    typeof o.currentLearningRate !== 'function'
  )
    fail(fn, 'optimizer', 'an optimizer such as adam() or sgd()', optimizer);
  return o as Optimizer;
}

export function checkMetrics(fn: string, metrics: unknown): readonly Metric[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics))
    fail(fn, 'metrics', 'an array of metrics such as [accuracy]', metrics);
  const names = new Set<string>();
  metrics.forEach((m: unknown, i) => {
    const o = m as Partial<Metric> | null;
    if (
      o === null ||
      typeof o !== 'object' ||
      typeof o.name !== 'string' ||
      o.name === '' ||
      typeof o.compute !== 'function'
    )
      fail(fn, `metrics[${i}]`, 'a metric ({ name, compute(prediction, target) })', m);
    if (names.has(o.name))
      throw new ValueError(`${fn}: metrics[${i}] repeats the name ${JSON.stringify(o.name)}`);
    names.add(o.name);
  });
  return metrics as readonly Metric[];
}

/** Rows [start, end) of a batch-first tensor, sharing its data (read-only use). */
export function rowRange(t: Tensor, start: number, end: number): Tensor {
  const n = t.shape[0]!;
  const inner = n === 0 ? 0 : t.size / n;
  return new Tensor(t.data.subarray(start * inner, end * inner), [
    end - start,
    ...t.shape.slice(1),
  ]);
}

/** A clock in milliseconds: performance.now where present (Node, browsers), else Date.now. */
export function now(): number {
  const p = (globalThis as { performance?: { now(): number } }).performance;
  return p === undefined ? Date.now() : p.now();
}

/**
 * Lets the event loop run (I/O, rendering, an AbortController's abort) and
 * then continues: `setImmediate` in Node, a MessageChannel message in
 * browsers (a macrotask without the 4 ms clamp of nested timers). A resolved
 * promise is the last resort; it only lets microtasks run.
 */
export function yieldToEventLoop(): Promise<void> {
  const setImmediateFn = (globalThis as { setImmediate?: (cb: () => void) => unknown })
    .setImmediate;
  if (typeof setImmediateFn === 'function') {
    return new Promise((resolve) => {
      setImmediateFn(resolve);
    });
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return Promise.resolve();
}

/** `1234567` → `'1,234,567'` (fixed grouping, independent of the locale). */
export function groupDigits(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
