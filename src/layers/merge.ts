import { assertInteger, assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, normalizeAxis, sameShape, shapeSize } from '../_lib/shape.js';
import type { FloatArray } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  CompiledLayer,
  ForwardContext,
  BuiltinLayer,
  Layer,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { applyVia, inputsOf, runLayer } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkOptions } from './_util.js';

/** Options of the merge layers. */
export interface MergeOptions {
  /** How many inputs it merges (default 2). */
  inputs?: number;
  /** Optional name, kept in the config. */
  name?: string;
}

/** Options of {@link concatenateLayer}. */
export interface ConcatenateOptions extends MergeOptions {
  /** The per-sample axis to join along (default -1, the last; the batch axis is not counted). */
  axis?: number;
}

/** The JSON-able description of a merge layer. */
export interface MergeConfig {
  readonly inputs: number;
  readonly axis?: number;
  readonly name?: string;
}

/**
 * A layer that merges several inputs into one (residual connections, joined
 * branches). `forward` takes the inputs as an array; `apply` takes an array of
 * symbolic tensors.
 */
export interface Merge<K extends string = string> extends BuiltinLayer<K, MergeConfig> {
  readonly arity: number;
  forward(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor;
  /** Applies the merge to `arity` symbolic tensors, given as an array (one alone is an error). */
  apply(xs: readonly SymbolicTensor[]): SymbolicTensor;
}

type ElementwiseKind = 'add' | 'multiply' | 'average';

/**
 * `layer.apply` of a merge built for `n` inputs: another count is refused
 * with the option that builds the layer for it (Keras's merges take any
 * number; myelin's fix theirs when built).
 */
function applyMerge(
  fn: string,
  layer: Layer,
  xs: SymbolicTensor | readonly SymbolicTensor[],
  n: number,
): SymbolicTensor {
  if (Array.isArray(xs) && xs.length !== n)
    throw new ValueError(
      `${fn}.apply: x must be the ${n} inputs the layer was built for, got ${xs.length}; to merge ${xs.length}, build it with ${fn}({ inputs: ${xs.length} })`,
    );
  return applyVia(layer, xs);
}

function checkMergeOptions(fn: string, options: object, extra: readonly string[] = []): number {
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['inputs', 'name', ...extra]);
  const o = options as MergeOptions;
  const n = o.inputs ?? 2;
  assertInteger(fn, 'inputs', n);
  if (n < 2) fail(fn, 'inputs', 'an integer >= 2', n);
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === ''))
    fail(fn, 'name', 'a non-empty string', o.name);
  return n;
}

function sameShapes(fn: string, shapes: readonly (readonly number[])[]): readonly number[] {
  const first = shapes[0]!;
  for (const s of shapes) {
    if (!sameShape(s, first))
      throw new ShapeError(
        `${fn}: inputs must have the same shape, got ${shapes.map((x) => fmtShape(x)).join(', ')}`,
      );
  }
  return first;
}

/**
 * The element-wise merges. Sum: y = Σ xₖ, ∂xₖ = g. Average: y = Σ xₖ / n,
 * ∂xₖ = g / n. Product: y = Π xₖ, ∂xₖ = g · Π_{j≠k} xⱼ. Relevance of a sum
 * (and average) is split in proportion to each input's share of it (zero
 * where the sum is zero), the LRP convention for merges. Relevance of a
 * product goes whole to its first input, the signal, and none to the others,
 * read as gates: the rule of Arras et al., "Explaining Recurrent Neural
 * Network Predictions in Sentiment Analysis" (2017, arXiv:1706.07206) for
 * the multiplicative gates of an LSTM (a gate decides how much of the signal
 * passes, it is not itself evidence). Put the signal first.
 */
function elementwise(fn: string, kind: ElementwiseKind, options: MergeOptions): Merge {
  const n = checkMergeOptions(fn, options);
  const name = options.name;
  const config: MergeConfig = { inputs: n, ...(name === undefined ? {} : { name }) };
  const layer: Merge = {
    kind,
    config,
    params: {},
    trainable: true,
    arity: n,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape: (s) => [...s],
    outputShapes: (shapes) => [...sameShapes(fn, shapes)],
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const width = shapeSize(sameShapes(fn, inShapes));
      return {
        outShapes: [inShapes[0]!],
        forward(io: LayerIO): void {
          const y = io.outputs[0]!;
          const xs = io.inputs;
          const m = io.rows * width;
          y.set(xs[0]!.length === m ? xs[0]! : xs[0]!.subarray(0, m));
          for (let k = 1; k < xs.length; k++) {
            const x = xs[k]!;
            if (kind === 'multiply') for (let i = 0; i < m; i++) y[i] = y[i]! * x[i]!;
            else for (let i = 0; i < m; i++) y[i] = y[i]! + x[i]!;
          }
          if (kind === 'average') for (let i = 0; i < m; i++) y[i] = y[i]! / n;
        },
        backward(io: LayerBackwardIO): void {
          const g = io.gradOutputs[0]!;
          const m = io.rows * width;
          io.gradInputs.forEach((gx, k) => {
            if (gx === null) return;
            if (kind === 'add') gx.set(g.length === m ? g : g.subarray(0, m));
            else if (kind === 'average') for (let i = 0; i < m; i++) gx[i] = g[i]! / n;
            else {
              for (let i = 0; i < m; i++) {
                let p = g[i]!;
                for (let j = 0; j < n; j++) if (j !== k) p *= io.inputs[j]![i]!;
                gx[i] = p;
              }
            }
          });
        },
        relevanceFamily: 'merge',
        relevance(io: RelevanceIO): boolean {
          const m = io.rows * width;
          const r = io.relevanceOutputs[0]!;
          if (kind === 'multiply') {
            // A product is a gate times a signal: the signal takes all.
            io.relevanceInputs[0]!.set(r.subarray(0, m));
            for (let k = 1; k < n; k++) io.relevanceInputs[k]!.fill(0, 0, m);
            return true;
          }
          for (let i = 0; i < m; i++) {
            let total = 0;
            for (let k = 0; k < n; k++) total += io.inputs[k]![i]!;
            for (let k = 0; k < n; k++)
              io.relevanceInputs[k]![i] = total === 0 ? 0 : (io.inputs[k]![i]! / total) * r[i]!;
          }
          return true;
        },
      };
    },
    forward(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return runLayer(fn, layer, inputsOf(fn, xs, n), ctx)[0]!;
    },
    apply(xs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyMerge(fn, layer, xs, n);
    },
  };
  return layer;
}

/**
 * A layer adding its inputs element by element (all of one shape), as
 * Keras's `layers.Add`: the residual connection `y = x + f(x)`. The op `add`
 * (with broadcasting) is separate; this is the layer for graph models.
 *
 * @example
 * ```ts
 * import { input, dense, relu, addLayer, graph } from 'myelin';
 * const x = input([8]);
 * const h = dense(8, 8, { activation: relu }).apply(x);
 * const model = graph({ inputs: x, outputs: addLayer().apply([x, h]) }); // x + relu(xW + b)
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function addLayer(options: MergeOptions = {}): Merge<'add'> {
  return elementwise('addLayer', 'add', options) as Merge<'add'>;
}

/**
 * A layer multiplying its inputs element by element (all of one shape), as
 * Keras's `layers.Multiply` (gating). For relevance propagation the first
 * input is the signal and the others are gates: the signal receives all of
 * the product's relevance (Arras et al. 2017, arXiv:1706.07206), so apply it
 * as `[signal, gate]`.
 *
 * @example
 * ```ts
 * import { input, dense, sigmoid, multiplyLayer, graph } from 'myelin';
 * const x = input([4]);
 * const gate = dense(4, 4, { activation: sigmoid }).apply(x);
 * const model = graph({ inputs: x, outputs: multiplyLayer().apply([x, gate]) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function multiplyLayer(options: MergeOptions = {}): Merge<'multiply'> {
  return elementwise('multiplyLayer', 'multiply', options) as Merge<'multiply'>;
}

/**
 * A layer averaging its inputs element by element (all of one shape), as
 * Keras's `layers.Average` (ensembles of branches).
 *
 * @example
 * ```ts
 * import { input, dense, averageLayer, graph } from 'myelin';
 * const x = input([4]);
 * const model = graph({ inputs: x, outputs: averageLayer().apply([dense(4, 2).apply(x), dense(4, 2).apply(x)]) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function averageLayer(options: MergeOptions = {}): Merge<'average'> {
  return elementwise('averageLayer', 'average', options) as Merge<'average'>;
}

/**
 * A layer joining its inputs along a per-sample axis (default the last), as
 * Keras's `layers.Concatenate`: every other dimension must agree. Gradient:
 * each input gets its own slice of g.
 *
 * @example
 * ```ts
 * import { input, dense, concatenateLayer, graph } from 'myelin';
 * const a = input([3]);
 * const b = input([2]);
 * const joined = concatenateLayer().apply([a, b]); // per-sample shape [5]
 * const model = graph({ inputs: [a, b], outputs: dense(5, 1).apply(joined) });
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function concatenateLayer(options: ConcatenateOptions = {}): Merge<'concatenate'> {
  const fn = 'concatenateLayer';
  const n = checkMergeOptions(fn, options, ['axis']);
  const axisArg = options.axis ?? -1;
  if (!Number.isInteger(axisArg)) fail(fn, 'axis', 'an integer', axisArg);
  const name = options.name;
  const config: MergeConfig = {
    inputs: n,
    axis: axisArg,
    ...(name === undefined ? {} : { name }),
  };
  const outShapeOf = (shapes: readonly (readonly number[])[]): number[] => {
    const first = shapes[0]!;
    if (first.length === 0)
      throw new ShapeError(`${fn}: inputs must have at least one per-sample dimension, got []`);
    const axis = normalizeAxis(fn, axisArg, first.length);
    let total = 0;
    for (const s of shapes) {
      if (s.length !== first.length || s.some((d, i) => i !== axis && d !== first[i]))
        throw new ShapeError(
          `${fn}: inputs must agree on every per-sample axis but ${axisArg} (the batch axis is not counted), got ${shapes.map((x) => fmtShape(x)).join(', ')}`,
        );
      total += s[axis]!;
    }
    return first.map((d, i) => (i === axis ? total : d));
  };
  const layer: Merge<'concatenate'> = {
    kind: 'concatenate',
    config,
    params: {},
    trainable: true,
    arity: n,
    ...(name === undefined ? {} : { name }),
    inputShape: null,
    outputShape: (s) => [...s],
    outputShapes: outShapeOf,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const out = outShapeOf(inShapes);
      const axis = normalizeAxis(fn, axisArg, out.length);
      let outerPer = 1;
      for (let i = 0; i < axis; i++) outerPer *= out[i]!;
      // Each input contributes a run of `chunks[k]` contiguous elements per outer index.
      const chunks = inShapes.map((s) => shapeSize(s.slice(axis)));
      const outChunk = shapeSize(out.slice(axis));
      const copy = (
        io: LayerIO,
        toOut: boolean,
        parts: readonly (FloatArray | null)[],
        whole: FloatArray,
      ): void => {
        const outer = io.rows * outerPer;
        let off = 0;
        for (let k = 0; k < parts.length; k++) {
          const part = parts[k];
          const c = chunks[k]!;
          if (part !== null && part !== undefined) {
            for (let o = 0; o < outer; o++) {
              const a = o * outChunk + off,
                b = o * c;
              if (toOut) for (let i = 0; i < c; i++) whole[a + i] = part[b + i]!;
              else for (let i = 0; i < c; i++) part[b + i] = whole[a + i]!;
            }
          }
          off += c;
        }
      };
      return {
        outShapes: [out],
        forward(io: LayerIO): void {
          copy(io, true, io.inputs, io.outputs[0]!);
        },
        backward(io: LayerBackwardIO): void {
          copy(io, false, io.gradInputs, io.gradOutputs[0]!);
        },
        relevanceFamily: 'merge',
        relevance(io: RelevanceIO): boolean {
          copy(io, false, io.relevanceInputs, io.relevanceOutputs[0]!);
          return true;
        },
      };
    },
    forward(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return runLayer(fn, layer, inputsOf(fn, xs, n), ctx)[0]!;
    },
    apply(xs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyMerge(fn, layer, xs, n);
    },
  };
  return layer;
}
