import {
  assertBoolean,
  assertInteger,
  assertKnownKeys,
  assertNumber,
  assertOptions,
  fail,
  show,
} from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { asFloat, allocate, type DType, type FloatArray } from '../_lib/typed.js';
import { stateSyncSlot } from '../kernels/optim.js';
import { Tensor } from '../tensor/tensor.js';
import type { BuiltinOptimizer, CommonOptimizerOptions, OptimizerState } from './optimizer.js';
import type { LearningRate, Schedule } from './schedule.js';

// The machinery every optimizer shares: option validation, the learning-rate
// lookup, gradient clipping, the per-parameter state map and get/setState.
// An optimizer only supplies its slot names and its per-parameter update.

/** A saved learning rate: the number, or a schedule's `{ kind, config }`. */
export type LearningRateConfig =
  number | { readonly kind: string; readonly config: Readonly<Record<string, number>> };

/** The config fields every optimizer has. */
export interface CommonOptimizerConfig {
  /** The learning rate, or the schedule as `{ kind, config }`; follows later changes of `optimizer.learningRate`. */
  readonly learningRate: LearningRateConfig;
  /** Present only when set. */
  readonly clipNorm?: number;
  /** Present only when set. */
  readonly clipValue?: number;
}

export const COMMON_KEYS = ['learningRate', 'clipNorm', 'clipValue'] as const;

export function isSchedule(x: unknown): x is Schedule {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Partial<Schedule>).rate === 'function' &&
    typeof (x as Partial<Schedule>).kind === 'string'
  );
}

export function checkLearningRate(fn: string, lr: unknown): LearningRate {
  if (isSchedule(lr)) return lr;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    fail(fn, 'learningRate', 'a non-negative finite number or a schedule', lr);
  }
  return lr;
}

function lrConfig(lr: LearningRate): LearningRateConfig {
  return typeof lr === 'number' ? lr : { kind: lr.kind, config: { ...lr.config } };
}

/** Checks the options object and its keys. */
export function checkOptions(fn: string, options: unknown, own: readonly string[]): void {
  assertOptions(fn, options);
  assertKnownKeys(fn, 'options', options, [...COMMON_KEYS, ...own]);
}

/**
 * Checked clipping settings (positive finite numbers), or null when there is nothing to clip:
 * the optimizers' clipNorm/clipValue and fit's. @internal
 */
export function checkClip(
  fn: string,
  o: { clipNorm?: number; clipValue?: number },
): { clipNorm?: number; clipValue?: number } | null {
  const out: { clipNorm?: number; clipValue?: number } = {};
  for (const k of ['clipNorm', 'clipValue'] as const)
    if (o[k] !== undefined) out[k] = assertNumber(fn, k, o[k], { min: 0, minExclusive: true });
  return out.clipNorm === undefined && out.clipValue === undefined ? null : out;
}

/**
 * Clips float arrays in place, as a whole: first by global norm (when
 * ‖g‖ = sqrt(Σ g²) exceeds clipNorm, every element is scaled by
 * clipNorm / (‖g‖ + 1e-6), as `torch.nn.utils.clip_grad_norm_`; a NaN norm
 * makes every element NaN, as there), then each element to
 * [−clipValue, clipValue] (`clip_grad_value_`). The one rule of the
 * optimizers' and fit's clipping. Returns the norm before clipping. @internal
 */
export function clipArrays(
  arrays: readonly FloatArray[],
  o: { clipNorm?: number; clipValue?: number },
): number {
  let sq = 0;
  for (const d of arrays) for (let i = 0; i < d.length; i++) sq += d[i]! * d[i]!;
  const norm = Math.sqrt(sq);
  const coef = o.clipNorm === undefined ? 1 : o.clipNorm / (norm + 1e-6);
  const k = coef >= 1 ? 1 : coef; // NaN stays NaN
  const c = o.clipValue ?? Infinity;
  for (const d of arrays)
    for (let i = 0; i < d.length; i++) {
      const v = d[i]! * k;
      d[i] = v > c ? c : v < -c ? -c : v;
    }
  return norm;
}

/** Validates clipNorm/clipValue and assembles the common options. */
export function commonOf(
  fn: string,
  o: CommonOptimizerOptions,
  learningRate: LearningRate,
): CommonOptimizerOptions & { learningRate: LearningRate } {
  return { learningRate, ...checkClip(fn, o) };
}

export function checkBeta(fn: string, name: string, v: unknown): number {
  return assertNumber(fn, name, v, { min: 0, max: 1, maxExclusive: true });
}

export function checkBool(fn: string, name: string, v: unknown): boolean {
  return assertBoolean(fn, name, v);
}

/** The state of one parameter: named buffers, its own step count (as PyTorch's per-parameter `step`), and a clipping scratch. */
interface ParamState {
  readonly slots: Record<string, FloatArray>;
  step: number;
  scratch: FloatArray | null;
}

/** What an optimizer supplies to {@link createOptimizer}. */
export interface OptimizerSpec<K extends string, C extends object> {
  readonly fn: K;
  /** Validated common options (learningRate already defaulted by the optimizer). */
  readonly common: CommonOptimizerOptions & { learningRate: LearningRate };
  /** Own config fields (JSON-able). */
  readonly own: C;
  /** Names of the state buffers per parameter; `step` must not be one of them. */
  readonly slotNames: readonly string[];
  /** Initial value of a buffer (default 0). */
  readonly initial?: (slot: string) => number;
  /**
   * Slots whose values the update takes the square root of (Adam's `v`,
   * RMSprop's `squareAvg`, Adagrad's `sum`): `setState` refuses a negative
   * value in them, which would turn the weights into NaN at the next step.
   */
  readonly nonNegativeSlots?: readonly string[];
  /** Slots that are only needed under some settings (e.g. `momentum` buffer when momentum > 0). */
  readonly activeSlots?: readonly string[];
  /**
   * Updates `p` in place from gradient `g` (never written) with learning
   * rate `lr`; `step` is this parameter's 1-based update count.
   */
  readonly update: (
    p: FloatArray,
    g: FloatArray,
    slots: Record<string, FloatArray>,
    lr: number,
    step: number,
  ) => void;
}

/** Refuses an int32 parameter or gradient: optimizers update float32 or float64 tensors only. */
function noInt32(fn: string, what: string, i: number, t: Tensor): void {
  if (t.dtype === 'int32')
    throw new ValueError(`${fn}: ${what}[${i}] is an int32 tensor; it must be float32 or float64`);
}

/**
 * Builds an Optimizer from a spec. `step` validates every (param, grad) pair
 * before touching anything, so a bad call changes no state.
 */
export function createOptimizer<K extends string, C extends object>(
  spec: OptimizerSpec<K, C>,
): BuiltinOptimizer<K, CommonOptimizerConfig & C> {
  const { fn, slotNames, update } = spec;
  const active = spec.activeSlots ?? slotNames;
  const initial = spec.initial ?? (() => 0);
  const nonNegative = new Set(spec.nonNegativeSlots ?? []);
  const clipValue = spec.common.clipValue;
  const clipNorm = spec.common.clipNorm;
  let learningRate: LearningRate = spec.common.learningRate;
  let iterations = 0;
  const states = new WeakMap<Tensor, ParamState>();
  // Per-parameter learning-rate factors (parameter groups); absent means 1.
  const scales = new WeakMap<Tensor, number>();
  const config = {
    learningRate: lrConfig(learningRate),
    ...spec.own,
    ...(clipNorm === undefined ? {} : { clipNorm }),
    ...(clipValue === undefined ? {} : { clipValue }),
  } as { learningRate: LearningRateConfig } & CommonOptimizerConfig & C;

  const stateFor = (p: Tensor): ParamState => {
    let s = states.get(p);
    if (s === undefined) {
      const slots: Record<string, FloatArray> = {};
      for (const name of active) {
        const buf = asFloat(allocate(p.dtype, p.size));
        const v = initial(name);
        if (v !== 0) buf.fill(v);
        slots[name] = buf;
      }
      s = { slots, step: 0, scratch: null };
      states.set(p, s);
    }
    return s;
  };

  const rateAt = (step: number): number => {
    if (typeof learningRate === 'number') return learningRate;
    const r = learningRate.rate(step);
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) {
      throw new ValueError(
        `${fn}: schedule ${learningRate.kind} gave learning rate ${show(r)} at step ${step}; expected a non-negative finite number`,
      );
    }
    return r;
  };

  const checkParams = (name: string, params: unknown): Tensor[] => {
    if (!Array.isArray(params)) fail(fn, name, 'an array of Tensors', params);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) fail(fn, `${name}[${i}]`, 'a Tensor', p);
    });
    return params as Tensor[];
  };

  const opt: BuiltinOptimizer<K, CommonOptimizerConfig & C> = {
    kind: fn,
    config,
    get learningRate(): LearningRate {
      return learningRate;
    },
    set learningRate(v: LearningRate) {
      learningRate = checkLearningRate(fn, v);
      config.learningRate = lrConfig(learningRate);
    },
    get iterations(): number {
      return iterations;
    },
    currentLearningRate(): number {
      return rateAt(iterations);
    },
    step(params: readonly Tensor[], grads?: readonly (Tensor | null)[]): void {
      const ps = checkParams('params', params);
      if (grads !== undefined) {
        if (!Array.isArray(grads)) fail(fn, 'grads', 'an array of Tensors (or null)', grads);
        if (grads.length !== ps.length) {
          throw new ValueError(
            `${fn}: grads must have one entry per param (${ps.length}), got ${grads.length}`,
          );
        }
      }
      const pairs: [Tensor, FloatArray][] = [];
      const seen = new Set<Tensor>();
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i]!;
        const g: unknown = grads === undefined ? p.grad : (grads[i] as unknown);
        if (g === null || g === undefined) continue;
        if (!(g instanceof Tensor)) fail(fn, `grads[${i}]`, 'a Tensor or null', g);
        if (!sameShape(g.shape, p.shape)) {
          throw new ShapeError(
            `${fn}: gradient ${i} has shape ${fmtShape(g.shape)} but its param has shape ${fmtShape(p.shape)}`,
          );
        }
        // An int32 tensor cannot take a fractional update in place (nor feed the float kernels).
        noInt32(fn, 'params', i, p);
        noInt32(fn, 'grads', i, g);
        if (seen.has(p)) throw new ValueError(`${fn}: params[${i}] appears more than once`);
        seen.add(p);
        pairs.push([p, asFloat(g.data)]);
      }
      const lr = rateAt(iterations);
      // Clipping works on scratch copies (reused across steps): the caller's
      // .grad stays as backward left it.
      if (clipValue !== undefined || clipNorm !== undefined) {
        for (const pair of pairs) {
          const s = stateFor(pair[0]);
          (s.scratch ??= asFloat(allocate(pair[0].dtype, pair[0].size))).set(pair[1]);
          pair[1] = s.scratch;
        }
        clipArrays(
          pairs.map((q) => q[1]),
          spec.common,
        );
      }
      for (const [p, g] of pairs) {
        const s = stateFor(p);
        s.step += 1;
        update(asFloat(p.data), g, s.slots, lr * (scales.get(p) ?? 1), s.step);
      }
      iterations += 1;
    },
    setLearningRateScale(params: readonly Tensor[], scale: number): void {
      const ps = checkParams('params', params);
      assertNumber(fn, 'scale', scale, { min: 0 });
      for (const p of ps) {
        if (scale === 1) scales.delete(p);
        else scales.set(p, scale);
      }
    },
    zeroGrad(params: readonly Tensor[]): void {
      for (const p of checkParams('params', params)) p.grad = null;
    },
    getState(params: readonly Tensor[]): OptimizerState {
      const ps = checkParams('params', params);
      return {
        iterations,
        slots: ps.map((p) => {
          const s = states.get(p);
          if (s === undefined) return {};
          const out: Record<string, FloatArray> = {};
          for (const name of active) {
            stateSyncSlot.impl(s.slots[name]!);
            out[name] = s.slots[name]!.slice();
          }
          out.step = Float64Array.of(s.step);
          return out;
        }),
      };
    },
    setState(params: readonly Tensor[], state: OptimizerState): void {
      const ps = checkParams('params', params);
      if (typeof state !== 'object' || state === null)
        fail(fn, 'state', 'an OptimizerState { iterations, slots }', state);
      const it = state.iterations;
      assertInteger(fn, 'state.iterations', it);
      if (!Array.isArray(state.slots) || state.slots.length !== ps.length) {
        fail(fn, 'state.slots', `an array with one entry per param (${ps.length})`, state.slots);
      }
      // Validate everything first, then install copies: a bad state changes nothing.
      const next: (ParamState | null)[] = ps.map((p, i) => {
        const rec = state.slots[i] as unknown;
        if (typeof rec !== 'object' || rec === null)
          fail(fn, `state.slots[${i}]`, 'an object of buffers', rec);
        const keys = Object.keys(rec);
        if (keys.length === 0) return null;
        noInt32(fn, 'params', i, p);
        const expected = [...active, 'step'];
        for (const k of keys) {
          if (!expected.includes(k))
            throw new ValueError(
              `${fn}: state.slots[${i}] has unknown buffer ${JSON.stringify(k)}; expected ${expected.join(', ')}`,
            );
        }
        const slots: Record<string, FloatArray> = {};
        for (const name of active) {
          const buf = (rec as Record<string, unknown>)[name];
          slots[name] = copyBuffer(
            fn,
            `state.slots[${i}].${name}`,
            buf,
            p.size,
            p.dtype,
            nonNegative.has(name),
          );
        }
        const stepBuf = (rec as Record<string, unknown>).step;
        const step = copyBuffer(fn, `state.slots[${i}].step`, stepBuf, 1, 'float64', false)[0]!;
        if (!Number.isInteger(step) || step < 0)
          fail(fn, `state.slots[${i}].step`, 'a non-negative integer count', step);
        return { slots, step, scratch: null };
      });
      ps.forEach((p, i) => {
        const s = next[i]!;
        if (s === null) states.delete(p);
        else states.set(p, s);
      });
      iterations = it;
    },
  };
  return opt;
}

/**
 * A checked copy of a saved buffer in the parameter's dtype: the right
 * length, every value finite (a NaN or infinite moment turns the weights
 * into NaN at the next step, and stays there), and >= 0 where the update
 * takes a square root. Errors name setState, the buffer and its first bad
 * element: `adam: state.slots[0].v[1] passed to setState must be a finite
 * number, got NaN`.
 */
function copyBuffer(
  fn: string,
  name: string,
  buf: unknown,
  length: number,
  dtype: DType,
  nonNegative: boolean,
): FloatArray {
  const ok =
    buf instanceof Float32Array ||
    buf instanceof Float64Array ||
    (Array.isArray(buf) && buf.every((v) => typeof v === 'number'));
  if (!ok) fail(fn, name, `a Float32Array or Float64Array of length ${length}`, buf);
  const arr = buf as ArrayLike<number>;
  if (arr.length !== length) fail(fn, `${name}.length`, `${length}`, arr.length);
  const out = asFloat(allocate(dtype, length));
  for (let j = 0; j < length; j++) {
    const v = arr[j]!;
    out[j] = v;
    // Checked after the copy: 1e39 is finite in float64 but Infinity in float32.
    if (!Number.isFinite(out[j]))
      fail(
        fn,
        `${name}[${j}] passed to setState`,
        `a finite number${dtype === 'float32' && Number.isFinite(v) ? ' in float32' : ''}`,
        v,
      );
    if (nonNegative && v < 0)
      fail(
        fn,
        `${name}[${j}] passed to setState`,
        'non-negative (the update takes its square root)',
        v,
      );
  }
  return out;
}
