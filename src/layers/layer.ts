import { fail, show } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { FloatArray, FloatDType } from '../_lib/typed.js';
import type { Rng } from '../random/rng.js';
import type { Regularizer } from '../regularizers/regularizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SymbolicTensor } from './symbolic.js';

/**
 * What a layer's `forward` is told about the call: whether this is training
 * (dropout drops; layers with running statistics update them) and the random stream to
 * draw from. During training `addLoss` collects extra loss terms (activity
 * regularization) that fit adds to the objective.
 */
export interface ForwardContext {
  readonly training: boolean;
  readonly rng: Rng;
  /** Collects an extra loss term (a one-element tensor) during training. */
  readonly addLoss?: (penalty: Tensor) => void;
}

/** Penalties a layer applies to its parameters (by name) and to its output. */
export interface LayerRegularizers {
  /** Per parameter name, e.g. `{ kernel: l2(1e-4) }`. */
  readonly params?: Readonly<Record<string, Regularizer>>;
  /** Applied to the layer's output during training. */
  readonly activity?: Regularizer;
}

/**
 * The buffers of one forward call of a compiled layer. Every array is
 * row-major and batch first: input `i` holds `rows × size(inShapes[i])`
 * elements, output `j` holds `rows × size(outShapes[j])`. Buffers are owned by
 * the driver and reused across calls: a kernel must overwrite every output
 * element and never keep a reference past the call.
 */
export interface LayerIO {
  /** Batch rows in this call. */
  readonly rows: number;
  readonly inputs: readonly FloatArray[];
  readonly outputs: readonly FloatArray[];
  /**
   * `rows × savedPerRow` elements the forward pass may write for the backward
   * pass (pre-activations, dropout masks); the same buffer reaches `backward`.
   */
  readonly saved: FloatArray;
  /** `rows × scratchPerRow` elements of scratch space, not kept between calls. */
  readonly scratch: FloatArray;
  /** Training mode: dropout drops, running statistics update. */
  readonly training: boolean;
  /** The random stream of this call (dropout masks). */
  readonly rng: Rng;
  /**
   * Per input, a step mask (`1` = a real step, attended to; `0` = padding, as
   * Keras's masks) of `rows × steps` entries, or null when the input carries
   * none. Layers that do not use masks ignore it.
   */
  readonly masks: readonly (Uint8Array | null)[];
}

/** The buffers of one backward call: those of the forward call it follows, plus gradients. */
export interface LayerBackwardIO extends LayerIO {
  /** Gradient of the objective with respect to each output (read only). */
  readonly gradOutputs: readonly FloatArray[];
  /** Where to write each input's gradient (overwrite), or null when it is not needed. */
  readonly gradInputs: readonly (FloatArray | null)[];
  /**
   * Where to write each parameter's gradient (overwrite, same size as the
   * parameter), by parameter name, or null when it is not needed (a frozen
   * layer). Every parameter name of the layer is present.
   */
  readonly gradParams: Readonly<Record<string, FloatArray | null>>;
}

/**
 * What the built-in layer factories return: a {@link Layer} whose math is
 * declared (`compile`) and that can be applied to symbolic tensors (`apply`).
 */
export type BuiltinLayer<K extends string = string, C extends object = object> = Layer<K, C> & {
  /** The layer's math for per-sample input shapes (one per input) in a float dtype. */
  compile(inShapes: readonly (readonly number[])[], dtype: FloatDType): CompiledLayer;
  /** Applies the layer to symbolic inputs while building a graph model. */
  apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
};

/** A relevance-propagation rule, as the explanation module passes it to a layer's hook. */
export interface RelevanceRule {
  /** Rule name ('epsilon', 'gamma', 'alphaBeta', 'zB', ...). */
  readonly name: string;
  /** Its settings (ε, γ, α, β, bounds). */
  readonly config: Readonly<Record<string, number>>;
}

/** The buffers of one relevance-propagation call (after a forward call with `saved` filled). */
export interface RelevanceIO extends LayerIO {
  /** Relevance of each output (read only). */
  readonly relevanceOutputs: readonly FloatArray[];
  /** Where to write each input's relevance (overwrite). */
  readonly relevanceInputs: readonly FloatArray[];
}

/**
 * A layer's math for given per-sample input shapes and dtype, declared once
 * and driven by every path of the engine: autograd (`layer.forward` records
 * one node whose backward is {@link CompiledLayer.backward}), `predict` (a
 * plan over reused buffers, no graph) and `fit` (the same plan plus the loss,
 * backward and optimizer step, allocating nothing per batch).
 */
export interface CompiledLayer {
  /** Per-sample output shapes, one per output. */
  readonly outShapes: readonly (readonly number[])[];
  /** Elements per batch row kept from forward to backward (default 0). */
  readonly savedPerRow?: number;
  /** Elements per batch row of scratch space (default 0). */
  readonly scratchPerRow?: number;
  /** Writes every output from the inputs (and, in training, `saved` for the backward pass). */
  forward(io: LayerIO): void;
  /** Writes the gradients asked for (non-null `gradInputs` and `gradParams`) from `gradOutputs`. */
  backward(io: LayerBackwardIO): void;
  /**
   * The output's step mask from the inputs' masks (default: the first
   * input's mask passes through when the output keeps its steps).
   */
  outputMask?(io: LayerIO): Uint8Array | null;
  /**
   * Relevance propagation: given the relevance of the outputs, write that of
   * the inputs under `rule`. Returns false when the layer has no such rule.
   * The explanation module calls only this hook; it never looks at kinds.
   */
  relevance?(io: RelevanceIO, rule: RelevanceRule): boolean;
  /**
   * The rule names `relevance` implements (for error messages and rule
   * composites); absent when the hook takes any rule (a layer that passes
   * relevance through unchanged or splits it by a fixed convention).
   */
  readonly relevanceRules?: readonly string[];
  /**
   * What the layer is for relevance composites, which assign rules by it
   * rather than by kind: 'dense', 'convolution', 'pooling',
   * 'normalization', 'passthrough' (activations, reshapes, dropout),
   * 'merge', 'embedding' or 'recurrent'. Default 'passthrough' when the layer has no parameters, else
   * its kind.
   */
  readonly relevanceFamily?: string;
  /**
   * The layer's inputs are indices (token ids) that it looks up, not
   * quantities: they have no gradient, and explanations that differentiate
   * or perturb the input refuse to (default false).
   */
  readonly indexInputs?: boolean;
}

/**
 * A layer: a plain object made by a lowercase factory (`dense(...)` returns a
 * `Dense`). `kind` and the JSON-able `config` describe it for the model
 * format; `params` are its named trainable tensors (leaves with
 * `requiresGrad`), which optimizers update in place; `state` holds
 * non-trainable tensors it owns (running statistics, a recurrent layer's
 * carried state), saved with the model and never handed to an optimizer.
 *
 * A layer declares its math once in `compile`; its `forward` is then the
 * autograd driver of that declaration. A layer without `compile` (written
 * against the earlier contract) still runs everywhere, through its
 * `forward` under autograd.
 */
export interface Layer<K extends string = string, C extends object = object> {
  readonly kind: K;
  readonly config: C;
  readonly params: Readonly<Record<string, Tensor>>;
  /** Non-trainable tensors the layer owns (default none). */
  readonly state?: Readonly<Record<string, Tensor>>;
  /** When false, training leaves this layer's params unchanged (freezing, for transfer learning). */
  trainable: boolean;
  /** The name given to the factory, if any; models give every layer a unique name. */
  readonly name?: string;
  /** Per-sample input shape this layer requires (batch dimension excluded), or null when it accepts any. */
  readonly inputShape: readonly number[] | null;
  /** How many inputs the layer takes (default 1; merge layers take several). */
  readonly arity?: number;
  /** The dtype the layer computes in (its parameters'); inputs of another dtype are cast. Default: the input's. */
  readonly dtype?: FloatDType;
  /**
   * The one batch size the layer takes, when it has one: a stateful
   * recurrent layer's `batchSize` (the rows of its carried state). `fit`,
   * `evaluate` and `predict` check their batches against it before anything
   * runs. Default: any batch size.
   */
  readonly batchRows?: number;
  /** Per-sample output shape for a per-sample input shape; throws a ShapeError when the input does not fit. */
  outputShape(inputShape: readonly number[]): number[];
  /** For layers of several inputs (`arity` > 1): the per-sample output shape for theirs. */
  outputShapes?(inputShapes: readonly (readonly number[])[]): number[];
  /** Regularization penalties, if any. */
  readonly regularizers?: LayerRegularizers;
  /**
   * Why `values` cannot become this layer's state tensor `name` (what is
   * expected, such as `'non-negative values'`), or undefined when they can.
   * Loaders ask before restoring saved state, so an untrusted file cannot
   * install state the layer's math cannot use (a negative running variance).
   * Default: any values.
   */
  checkState?(name: string, values: ArrayLike<number>): string | undefined;
  /** The layer's math for per-sample input shapes (one per input) in a float dtype. */
  compile?(inShapes: readonly (readonly number[])[], dtype: FloatDType): CompiledLayer;
  /**
   * Applies the layer to a batch (batch dimension first), recording the
   * autograd graph when gradients are on. Layers of several inputs take them
   * as an array.
   */
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /**
   * Applies the layer to symbolic inputs while building a graph model
   * (`dense(784, 128).apply(x)`), checking shapes now; layers of several
   * inputs take an array. Any layer can also be applied with `applyLayer`.
   */
  apply?(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
}

const isShape = (s: unknown): boolean =>
  Array.isArray(s) && s.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);

/**
 * Checks what a layer's `compile(inShapes, dtype)` returned against the
 * contract, so a layer written outside myelin fails with an error naming it
 * (`who`, e.g. `a scaleShift layer`) and what is wrong instead of a
 * TypeError inside a driver: an object with `outShapes` (one or more shapes
 * of non-negative integers), `forward` and `backward` functions, and
 * non-negative integer `savedPerRow` and `scratchPerRow` when given. For a
 * layer of one input, the first output shape must be what `outputShape`
 * answers for the same input (`sequential` and `summary` ask it).
 */
export function checkCompiled(
  who: string,
  layer: Layer,
  inShapes: readonly (readonly number[])[],
  c: unknown,
): CompiledLayer {
  if (typeof c !== 'object' || c === null)
    fail(who, 'compile(...)', 'a compiled layer { outShapes, forward, backward }', c);
  const k = c as Partial<CompiledLayer>;
  const outs = k.outShapes;
  if (!Array.isArray(outs) || outs.length === 0 || !outs.every(isShape))
    fail(
      who,
      "compile(...)'s outShapes",
      'a non-empty array of shapes (non-negative integers)',
      outs,
    );
  for (const f of ['forward', 'backward'] as const)
    if (typeof k[f] !== 'function')
      fail(who, `compile(...)'s ${f}`, 'a function (every compiled layer has both passes)', k[f]);
  for (const n of ['savedPerRow', 'scratchPerRow'] as const) {
    const v = k[n];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0))
      fail(who, `compile(...)'s ${n}`, 'a non-negative integer', v);
  }
  if ((layer.arity ?? 1) === 1 && inShapes.length === 1) {
    let declared: unknown;
    try {
      declared = layer.outputShape(inShapes[0]!);
    } catch {
      return k as CompiledLayer; // outputShape refuses what compile took: nothing to compare
    }
    if (!isShape(declared) || !sameShape(declared as number[], outs[0] as number[]))
      throw new ShapeError(
        `${who}: compile declares output shape ${fmtShape(outs[0] as number[])} for input shape ${fmtShape(inShapes[0]!)}, but outputShape gives ${isShape(declared) ? fmtShape(declared as number[]) : show(declared)}; the two must agree`,
      );
  }
  return k as CompiledLayer;
}
