import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import type { FloatArray, FloatDType } from '../_lib/typed.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  Layer,
  LayerBackwardIO,
  LayerIO,
  LayerRegularizers,
  RelevanceIO,
  RelevanceRule,
} from './layer.js';
import { applyVia, compiledFor, runLayer1 } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkWrappable, wrappedConfig, type WrappedLayerConfig } from './time-distributed.js';
import { checkInputTensor, checkOptions } from './_util.js';

/** How {@link bidirectional} combines the two directions' outputs. */
export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';

const MODES: readonly MergeMode[] = ['concat', 'sum', 'ave', 'mul'];

/** Options of {@link bidirectional}. */
export interface BidirectionalOptions {
  /** How the outputs are combined (default 'concat', as Keras): concatenated on the last axis, summed, averaged or multiplied. */
  mergeMode?: MergeMode;
  /** The layer run on the reversed sequence, when the first argument is a layer (not a factory). */
  backwardLayer?: Layer;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a bidirectional wrapper: both wrapped layers (params `forward.*`, `backward.*`). */
export interface BidirectionalConfig {
  readonly mergeMode: MergeMode;
  readonly forwardLayer: WrappedLayerConfig;
  readonly backwardLayer: WrappedLayerConfig;
  readonly name?: string;
}

/** A recurrent layer run both ways along a sequence. */
export interface Bidirectional extends BuiltinLayer<'bidirectional', BidirectionalConfig> {
  readonly forwardLayer: BuiltinLayer;
  readonly backwardLayer: BuiltinLayer;
  readonly mergeMode: MergeMode;
  /**
   * Sets the carried state of stateful wrapped layers back to zeros (each
   * wrapped layer's own `resetStates`, as Keras's `Bidirectional`); does
   * nothing for layers that carry none.
   */
  resetStates(): void;
}

/**
 * The order of the steps a row's reversed sequence takes them from: with no
 * mask, t ↦ steps − 1 − t; with a mask, the real steps in reverse order and
 * the padded steps left where they are (so a sequence padded at its end is
 * reversed over its real steps only, as Keras and PyTorch's packed
 * sequences do). The map is its own inverse.
 */
function reversal(perm: Int32Array, rows: number, steps: number, mask: Uint8Array | null): void {
  for (let r = 0; r < rows; r++) {
    const o = r * steps;
    if (mask === null) {
      for (let t = 0; t < steps; t++) perm[o + t] = steps - 1 - t;
      continue;
    }
    let lo = 0,
      hi = steps - 1;
    for (let t = 0; t < steps; t++) perm[o + t] = t;
    for (;;) {
      while (lo < steps && mask[o + lo] === 0) lo++;
      while (hi >= 0 && mask[o + hi] === 0) hi--;
      if (lo >= hi) break;
      perm[o + lo] = hi;
      perm[o + hi] = lo;
      lo++;
      hi--;
    }
  }
}

/** Copies per-step blocks of `width` from `src` to `dst` with dst step t ← src step perm[t]. */
function permuteSteps(
  src: FloatArray,
  dst: FloatArray,
  perm: Int32Array,
  rows: number,
  steps: number,
  width: number,
): void {
  for (let r = 0; r < rows; r++)
    for (let t = 0; t < steps; t++) {
      const d = (r * steps + t) * width;
      const s = (r * steps + perm[r * steps + t]!) * width;
      for (let j = 0; j < width; j++) dst[d + j] = src[s + j]!;
    }
}

/**
 * Runs a recurrent layer over a sequence in both directions, as Keras
 * `Bidirectional`: one layer reads the sequence as it is, a second reads it
 * reversed (each row over its real steps only when the input carries a step
 * mask), and their outputs are merged: concatenated on the last axis
 * ('concat', the default), summed, averaged ('ave') or multiplied. When the
 * layers return sequences, the backward layer's output is reversed back so
 * that step t of both refers to input step t.
 *
 * The two layers are independent (their own weights). Layers are plain
 * objects that only their factory can rebuild, so pass a factory that makes
 * one (`() => lstm(8, 16)`, called twice) or a layer and `backwardLayer`.
 * Both wrapped layers' compiled kernels run on whole sequences, forward and
 * backward; the wrapper only reverses and merges. Parameters are named
 * `forward.<name>` and `backward.<name>`. The wrapper's `trainable` is the
 * wrapped layers' flag (as Keras propagates it to sublayers): it reads true
 * when both train, and setting it (`freezeLayers`) sets both. A wrapped
 * layer with `returnState` is refused when the wrapper is built (Keras's
 * `Bidirectional` would also return both directions' states; here each
 * direction gives one output).
 *
 * @param layer The layer for the forward direction, or a function making a fresh one (called twice).
 * @example
 * ```ts
 * import { bidirectional, timeDistributed, dense, zeros, createRng } from 'myelin';
 * const rng = createRng(0);
 * // Any layer of one input works; a recurrent layer (lstm, gru) is the usual choice.
 * const bi = bidirectional(() => timeDistributed(dense(3, 4, { rng })), { mergeMode: 'concat' });
 * bi.forward(zeros([2, 5, 3]), { training: false, rng }).shape; // [2, 5, 8]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function bidirectional(
  layer: Layer | (() => Layer),
  options: BidirectionalOptions = {},
): Bidirectional {
  const fn = 'bidirectional';
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['mergeMode', 'backwardLayer', 'name']);
  const mergeMode = options.mergeMode ?? 'concat';
  if (!MODES.includes(mergeMode))
    fail(fn, 'mergeMode', `one of ${MODES.map((m) => `'${m}'`).join(', ')}`, mergeMode);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail(fn, 'name', 'a string', options.name);
  let fwd: BuiltinLayer, bwd: BuiltinLayer;
  if (typeof layer === 'function') {
    if (options.backwardLayer !== undefined)
      fail(fn, 'backwardLayer', 'absent when layer is a factory (it makes both)', 'a layer');
    fwd = checkWrappable(fn, 'layer()', layer());
    bwd = checkWrappable(fn, 'layer()', layer());
    if (bwd === fwd)
      fail(fn, 'layer', 'a factory returning a new layer on each call', 'the same layer twice');
  } else {
    fwd = checkWrappable(fn, 'layer', layer);
    if (options.backwardLayer === undefined)
      fail(
        fn,
        'backwardLayer',
        'a second layer (or pass a factory, such as () => lstm(8, 16), instead of a layer)',
        undefined,
      );
    bwd = checkWrappable(fn, 'backwardLayer', options.backwardLayer);
    if (bwd === fwd) fail(fn, 'backwardLayer', 'a layer other than layer', 'the same layer');
  }
  const name = options.name;
  const who = name === undefined ? fn : `${fn} "${name}"`;
  // One output per direction is merged. Keras's return_state form (outputs
  // [merged, h_fwd, c_fwd, h_bwd, c_bwd]) is not supported: refused here, not
  // at the first call.
  const made = typeof layer === 'function';
  for (const [arg, l] of [
    [made ? 'layer()' : 'layer', fwd],
    [made ? 'layer()' : 'backwardLayer', bwd],
  ] as const)
    if ((l.config as { returnState?: unknown }).returnState === true)
      throw new ValueError(
        `${who}: ${arg} must not return its states, got ${l.kind} with returnState: true (bidirectional merges one output per direction and does not return states; build the layer without returnState)`,
      );
  const params: Record<string, Tensor> = {};
  for (const [k, p] of Object.entries(fwd.params)) params[`forward.${k}`] = p;
  for (const [k, p] of Object.entries(bwd.params)) params[`backward.${k}`] = p;
  const regs: Record<string, Regularizer> = {};
  for (const [k, r] of Object.entries(fwd.regularizers?.params ?? {})) regs[`forward.${k}`] = r;
  for (const [k, r] of Object.entries(bwd.regularizers?.params ?? {})) regs[`backward.${k}`] = r;
  const regularizers: LayerRegularizers | undefined =
    Object.keys(regs).length === 0 ? undefined : { params: regs };
  const batchRows = fwd.batchRows ?? bwd.batchRows;
  if (fwd.batchRows !== undefined && bwd.batchRows !== undefined && fwd.batchRows !== bwd.batchRows)
    fail(
      fn,
      'backwardLayer',
      `a layer that takes batches of ${fwd.batchRows} rows, as layer does (both are stateful)`,
      `a layer of batchSize ${bwd.batchRows}`,
    );
  const state: Record<string, Tensor> = {};
  for (const [k, s] of Object.entries(fwd.state ?? {})) state[`forward.${k}`] = s;
  for (const [k, s] of Object.entries(bwd.state ?? {})) state[`backward.${k}`] = s;

  const merged = (
    a: readonly number[],
    b: readonly number[],
    inShape: readonly number[],
  ): number[] => {
    if (mergeMode === 'concat') {
      if (a.length !== b.length || a.slice(0, -1).some((d, i) => d !== b[i]))
        throw new ShapeError(
          `${who}: the two directions' outputs ${fmtShape(a)} and ${fmtShape(b)} cannot be concatenated on the last axis (input ${fmtShape(inShape)})`,
        );
      return [...a.slice(0, -1), a[a.length - 1]! + b[b.length - 1]!];
    }
    if (a.length !== b.length || a.some((d, i) => d !== b[i]))
      throw new ShapeError(
        `${who}: mergeMode '${mergeMode}' needs outputs of the same shape, got ${fmtShape(a)} and ${fmtShape(b)}`,
      );
    return [...a];
  };
  const checkIn = (s: readonly number[]): void => {
    if (s.length < 2)
      throw new ShapeError(
        `${who}: input must be [batch, steps, features], got per-sample shape ${fmtShape(s)}`,
      );
  };

  const wrapper: Bidirectional = {
    kind: 'bidirectional',
    config: {
      mergeMode,
      forwardLayer: wrappedConfig(fwd),
      backwardLayer: wrappedConfig(bwd),
      ...(name === undefined ? {} : { name }),
    },
    params,
    ...(Object.keys(state).length === 0 ? {} : { state }),
    // One flag, the wrapped layers': true when both train; setting it sets both.
    get trainable(): boolean {
      return fwd.trainable && bwd.trainable;
    },
    set trainable(value: boolean) {
      fwd.trainable = value;
      bwd.trainable = value;
    },
    inputShape: null,
    ...(fwd.dtype === undefined ? {} : { dtype: fwd.dtype }),
    ...(batchRows === undefined ? {} : { batchRows }),
    ...(name === undefined ? {} : { name }),
    ...(regularizers === undefined ? {} : { regularizers }),
    forwardLayer: fwd,
    backwardLayer: bwd,
    mergeMode,
    resetStates(): void {
      for (const l of [fwd, bwd]) (l as { resetStates?: () => void }).resetStates?.();
    },
    outputShape(s: readonly number[]): number[] {
      checkIn(s);
      return merged(fwd.outputShape(s), bwd.outputShape(s), s);
    },
    compile(inShapes: readonly (readonly number[])[], dtype: FloatDType): CompiledLayer {
      const inShape = inShapes[0]!;
      checkIn(inShape);
      const cf = compiledFor(fwd, [inShape], dtype);
      const cb = compiledFor(bwd, [inShape], dtype);
      if (cf.outShapes.length !== 1 || cb.outShapes.length !== 1)
        throw new ValueError(`${who}: the wrapped layers must have one output each`);
      const of = cf.outShapes[0]!;
      const ob = cb.outShapes[0]!;
      const outShape = merged(of, ob, inShape);
      const steps = inShape[0]!;
      const inWidth = shapeSize(inShape) / steps;
      // Outputs that keep the steps (returnSequences) are reversed back.
      const seq = of.length >= 2 && of[0] === steps;
      const outSteps = seq ? steps : 1;
      const wf = shapeSize(of) / outSteps;
      const wb = shapeSize(ob) / outSteps;
      const sizeF = shapeSize(of);
      const sizeB = shapeSize(ob);
      const sizeX = shapeSize(inShape);
      const sf = cf.savedPerRow ?? 0;
      const sb = cb.savedPerRow ?? 0;
      const scInner = Math.max(cf.scratchPerRow ?? 0, cb.scratchPerRow ?? 0);
      // saved per row: reversed input | forward output | backward output | forward's saved | backward's saved.
      const savedPerRow = sizeX + sizeF + sizeB + sf + sb;
      // scratch per row: the inner layers' scratch | ∂forward output | ∂backward output | ∂reversed input.
      const scratchPerRow = scInner + sizeF + sizeB + sizeX;
      let perm = new Int32Array(0);
      const permFor = (io: LayerIO): Int32Array => {
        const n = io.rows * steps;
        if (perm.length !== n) perm = new Int32Array(n);
        reversal(perm, io.rows, steps, io.masks[0] ?? null);
        return perm;
      };
      let outPerm = new Int32Array(0);
      const outPermFor = (rows: number, p: Int32Array): Int32Array => {
        if (seq) return p;
        if (outPerm.length !== rows) outPerm = new Int32Array(rows);
        return outPerm; // one "step" per row: identity (zeros)
      };
      const parts = (io: LayerIO) => {
        const r = io.rows;
        let o = 0;
        const cut = (buf: FloatArray, n: number): FloatArray => {
          const s = buf.subarray(o, o + n);
          o += n;
          return s;
        };
        const xr = cut(io.saved, r * sizeX);
        const yf = cut(io.saved, r * sizeF);
        const yb = cut(io.saved, r * sizeB);
        const savedF = cut(io.saved, r * sf);
        const savedB = cut(io.saved, r * sb);
        o = 0;
        const scratch = cut(io.scratch, r * scInner);
        const gyf = cut(io.scratch, r * sizeF);
        const gyb = cut(io.scratch, r * sizeB);
        const gxr = cut(io.scratch, r * sizeX);
        return { xr, yf, yb, savedF, savedB, scratch, gyf, gyb, gxr };
      };
      const innerGrads = (
        io: LayerBackwardIO,
        layer: BuiltinLayer,
        prefix: string,
      ): Record<string, FloatArray | null> => {
        const g: Record<string, FloatArray | null> = {};
        for (const k of Object.keys(layer.params)) g[k] = io.gradParams[`${prefix}.${k}`] ?? null;
        return g;
      };
      return {
        outShapes: [outShape],
        savedPerRow,
        scratchPerRow,
        forward(io: LayerIO): void {
          const b = parts(io);
          const p = permFor(io);
          const x = io.inputs[0]!;
          permuteSteps(x, b.xr, p, io.rows, steps, inWidth);
          const mask = io.masks[0] ?? null;
          const masks = [mask];
          const base = {
            rows: io.rows,
            training: io.training,
            rng: io.rng,
            masks,
            scratch: b.scratch,
          };
          cf.forward({ ...base, inputs: [x], outputs: [b.yf], saved: b.savedF });
          cb.forward({ ...base, inputs: [b.xr], outputs: [b.yb], saved: b.savedB });
          const q = outPermFor(io.rows, p);
          const y = io.outputs[0]!;
          const wo = mergeMode === 'concat' ? wf + wb : wf;
          for (let r = 0; r < io.rows; r++)
            for (let t = 0; t < outSteps; t++) {
              const i = r * outSteps + t;
              const f = i * wf;
              const bk = (r * outSteps + q[i]!) * wb;
              const o = i * wo;
              if (mergeMode === 'concat') {
                for (let j = 0; j < wf; j++) y[o + j] = b.yf[f + j]!;
                for (let j = 0; j < wb; j++) y[o + wf + j] = b.yb[bk + j]!;
              } else if (mergeMode === 'sum')
                for (let j = 0; j < wf; j++) y[o + j] = b.yf[f + j]! + b.yb[bk + j]!;
              else if (mergeMode === 'ave')
                for (let j = 0; j < wf; j++) y[o + j] = (b.yf[f + j]! + b.yb[bk + j]!) * 0.5;
              else for (let j = 0; j < wf; j++) y[o + j] = b.yf[f + j]! * b.yb[bk + j]!;
            }
        },
        backward(io: LayerBackwardIO): void {
          const b = parts(io);
          const p = permFor(io);
          const q = outPermFor(io.rows, p);
          const g = io.gradOutputs[0]!;
          const wo = mergeMode === 'concat' ? wf + wb : wf;
          for (let r = 0; r < io.rows; r++)
            for (let t = 0; t < outSteps; t++) {
              const i = r * outSteps + t;
              const f = i * wf;
              const bk = (r * outSteps + q[i]!) * wb;
              const o = i * wo;
              if (mergeMode === 'concat') {
                for (let j = 0; j < wf; j++) b.gyf[f + j] = g[o + j]!;
                for (let j = 0; j < wb; j++) b.gyb[bk + j] = g[o + wf + j]!;
              } else if (mergeMode === 'sum')
                for (let j = 0; j < wf; j++) {
                  b.gyf[f + j] = g[o + j]!;
                  b.gyb[bk + j] = g[o + j]!;
                }
              else if (mergeMode === 'ave')
                for (let j = 0; j < wf; j++) {
                  b.gyf[f + j] = g[o + j]! * 0.5;
                  b.gyb[bk + j] = g[o + j]! * 0.5;
                }
              else
                for (let j = 0; j < wf; j++) {
                  b.gyf[f + j] = g[o + j]! * b.yb[bk + j]!;
                  b.gyb[bk + j] = g[o + j]! * b.yf[f + j]!;
                }
            }
          const gx = io.gradInputs[0] ?? null;
          const x = io.inputs[0]!;
          const base = {
            rows: io.rows,
            training: io.training,
            rng: io.rng,
            masks: [io.masks[0] ?? null],
            scratch: b.scratch,
          };
          cf.backward({
            ...base,
            inputs: [x],
            outputs: [b.yf],
            saved: b.savedF,
            gradOutputs: [b.gyf],
            gradInputs: [gx],
            gradParams: innerGrads(io, fwd, 'forward'),
          });
          cb.backward({
            ...base,
            inputs: [b.xr],
            outputs: [b.yb],
            saved: b.savedB,
            gradOutputs: [b.gyb],
            gradInputs: [gx === null ? null : b.gxr],
            gradParams: innerGrads(io, bwd, 'backward'),
          });
          if (gx === null) return;
          // The reversed input's gradient, taken back to the input's step order.
          for (let r = 0; r < io.rows; r++)
            for (let t = 0; t < steps; t++) {
              const d = (r * steps + t) * inWidth;
              const s = (r * steps + p[r * steps + t]!) * inWidth;
              for (let j = 0; j < inWidth; j++) gx[d + j] = gx[d + j]! + b.gxr[s + j]!;
            }
        },
        // Relevance: the merged output's split between the directions, then
        // each direction's own hook (the backward one on the reversed steps).
        ...(cf.relevance === undefined || cb.relevance === undefined
          ? {}
          : {
              relevanceFamily: cf.relevanceFamily ?? fwd.kind,
              ...(mergeMode === 'mul'
                ? { relevanceRules: [] }
                : cf.relevanceRules === undefined && cb.relevanceRules === undefined
                  ? {}
                  : {
                      relevanceRules: (cf.relevanceRules ?? cb.relevanceRules!).filter(
                        (r) => cb.relevanceRules?.includes(r) ?? true,
                      ),
                    }),
              relevance: (io: RelevanceIO, rule: RelevanceRule): boolean =>
                mergeMode !== 'mul' && relevance(io, rule),
            }),
      };

      /**
       * Concatenated outputs give each direction the relevance of its own
       * positions; a sum or mean is split in proportion to each direction's
       * share of it (zero where the sum is 0), as the add merge. A product
       * has no relevance rule (neither direction is a gate of the other).
       */
      function relevance(io: RelevanceIO, rule: RelevanceRule): boolean {
        const b = parts(io);
        const p = permFor(io);
        const q = outPermFor(io.rows, p);
        const rel = io.relevanceOutputs[0]!;
        const rf = new Float64Array(io.rows * sizeF);
        const rb = new Float64Array(io.rows * sizeB);
        const wo = mergeMode === 'concat' ? wf + wb : wf;
        for (let r = 0; r < io.rows; r++)
          for (let t = 0; t < outSteps; t++) {
            const i = r * outSteps + t;
            const f = i * wf;
            const bk = (r * outSteps + q[i]!) * wb;
            const o = i * wo;
            if (mergeMode === 'concat') {
              for (let j = 0; j < wf; j++) rf[f + j] = rel[o + j]!;
              for (let j = 0; j < wb; j++) rb[bk + j] = rel[o + wf + j]!;
            } else
              for (let j = 0; j < wf; j++) {
                const a = b.yf[f + j]!;
                const c = b.yb[bk + j]!;
                const s = a + c;
                rf[f + j] = s === 0 ? 0 : (a / s) * rel[o + j]!;
                rb[bk + j] = s === 0 ? 0 : (c / s) * rel[o + j]!;
              }
          }
        const x = io.inputs[0]!;
        const rxf = new Float64Array(io.rows * sizeX);
        const rxb = new Float64Array(io.rows * sizeX);
        const base = {
          rows: io.rows,
          training: false,
          rng: io.rng,
          masks: [io.masks[0] ?? null],
          scratch: b.scratch,
        };
        const okF = cf.relevance!(
          {
            ...base,
            inputs: [x],
            outputs: [b.yf],
            saved: b.savedF,
            relevanceOutputs: [rf],
            relevanceInputs: [rxf],
          },
          rule,
        );
        const okB = cb.relevance!(
          {
            ...base,
            inputs: [b.xr],
            outputs: [b.yb],
            saved: b.savedB,
            relevanceOutputs: [rb],
            relevanceInputs: [rxb],
          },
          rule,
        );
        if (!okF || !okB) return false;
        const out = io.relevanceInputs[0]!;
        for (let r = 0; r < io.rows; r++)
          for (let t = 0; t < steps; t++) {
            const d = (r * steps + t) * inWidth;
            const s = (r * steps + p[r * steps + t]!) * inWidth;
            for (let j = 0; j < inWidth; j++) out[d + j] = rxf[d + j]! + rxb[s + j]!;
          }
        return true;
      }
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(fn, wrapper, checkInputTensor(fn, x), ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(wrapper, x);
    },
  };
  return wrapper;
}
