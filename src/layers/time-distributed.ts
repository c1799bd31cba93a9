import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape } from '../_lib/shape.js';
import type { FloatDType } from '../_lib/typed.js';
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
import { checkInputTensor, checkOptions } from './_util.js';

/** A wrapped layer as saved in a wrapper's config: its kind, config and trainable flag. */
export interface WrappedLayerConfig {
  readonly kind: string;
  readonly config: object;
  readonly trainable: boolean;
}

/** Throws unless `layer` declares its math (`compile`) and takes one input. */
export function checkWrappable(fn: string, name: string, layer: unknown): BuiltinLayer {
  if (
    typeof layer !== 'object' ||
    layer === null ||
    typeof (layer as Partial<Layer>).kind !== 'string' ||
    typeof (layer as Partial<Layer>).forward !== 'function'
  )
    fail(fn, name, 'a layer', layer);
  const l = layer as Layer;
  if (l.compile === undefined)
    fail(fn, name, 'a layer that declares its math (compile), as the built-in layers do', l.kind);
  if ((l.arity ?? 1) !== 1) fail(fn, name, 'a layer of one input', `${l.kind} (${l.arity} inputs)`);
  return l as BuiltinLayer;
}

/** The saved description of a wrapped layer; `trainable` reads the layer's flag as it is now. */
export function wrappedConfig(layer: Layer): WrappedLayerConfig {
  return {
    kind: layer.kind,
    config: layer.config,
    get trainable(): boolean {
      return layer.trainable;
    },
  };
}

/** Options of {@link timeDistributed}. */
export interface TimeDistributedOptions {
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a timeDistributed wrapper: the wrapped layer (its params are the wrapper's). */
export interface TimeDistributedConfig {
  readonly layer: WrappedLayerConfig;
  readonly name?: string;
}

/** A layer applied to every step of a sequence. */
export interface TimeDistributed extends BuiltinLayer<'timeDistributed', TimeDistributedConfig> {
  /** The wrapped layer (its parameters are the wrapper's, by the same names). */
  readonly layer: BuiltinLayer;
}

/**
 * Applies a layer to every step of a sequence, as Keras `TimeDistributed`:
 * input [batch, steps, ...inner] → [batch, steps, ...out], with the wrapped
 * layer's weights shared by all steps. A sequence batch is stored row-major,
 * so it already is a batch of batch·steps inner samples: the wrapped layer's
 * own compiled kernels run once on it, forward and backward (no per-step
 * tensors). Parameters, their penalties and `trainable` are the wrapped
 * layer's: the wrapper's `trainable` reads and writes the wrapped layer's
 * flag (one flag, as Keras propagates `trainable` to sublayers), so
 * freezing the wrapper also stops a wrapped batch norm from updating its
 * running statistics in training. The step mask passes through.
 *
 * @param layer A layer of one input that declares its math (dense, dropout, activation, ...).
 * @example
 * ```ts
 * import { timeDistributed, dense, zeros, createRng } from 'myelin';
 * const td = timeDistributed(dense(3, 2, { rng: createRng(0) }));
 * td.forward(zeros([4, 5, 3]), { training: false, rng: createRng(1) }).shape; // [4, 5, 2]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function timeDistributed(
  layer: Layer,
  options: TimeDistributedOptions = {},
): TimeDistributed {
  const inner = checkWrappable('timeDistributed', 'layer', layer);
  // one output per step: refused now rather than at the first call
  if ((inner.config as { returnState?: unknown }).returnState === true)
    fail(
      'timeDistributed',
      'layer',
      'a layer of one output (build it without returnState)',
      `${inner.kind} with returnState: true`,
    );
  checkOptions('timeDistributed', options);
  assertKnownKeys('timeDistributed', 'options', options, ['name']);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('timeDistributed', 'name', 'a string', options.name);
  const name = options.name;
  const who = name === undefined ? 'timeDistributed' : `timeDistributed "${name}"`;
  const split = (s: readonly number[]): [number, number[]] => {
    if (s.length < 2)
      throw new ShapeError(
        `${who}: input must be [batch, steps, ...features], got per-sample shape ${fmtShape(s)}`,
      );
    return [s[0]!, s.slice(1)];
  };
  const paramRegs = inner.regularizers?.params;
  const regularizers: LayerRegularizers | undefined =
    paramRegs === undefined ? undefined : { params: paramRegs };
  const wrapper: TimeDistributed = {
    kind: 'timeDistributed',
    config: { layer: wrappedConfig(inner), ...(name === undefined ? {} : { name }) },
    params: inner.params,
    ...(inner.state === undefined ? {} : { state: inner.state }),
    // One flag: the wrapped layer's, which its own math reads (batch norm's statistics).
    get trainable(): boolean {
      return inner.trainable;
    },
    set trainable(value: boolean) {
      inner.trainable = value;
    },
    inputShape: null,
    ...(inner.dtype === undefined ? {} : { dtype: inner.dtype }),
    ...(name === undefined ? {} : { name }),
    ...(regularizers === undefined ? {} : { regularizers }),
    layer: inner,
    outputShape(s: readonly number[]): number[] {
      const [steps, rest] = split(s);
      return [steps, ...inner.outputShape(rest)];
    },
    compile(inShapes: readonly (readonly number[])[], dtype: FloatDType): CompiledLayer {
      const [steps, rest] = split(inShapes[0]!);
      const c = compiledFor(inner, [rest], dtype);
      if (c.outShapes.length !== 1)
        throw new ValueError(`${who}: the wrapped ${inner.kind} layer must have one output`);
      const noMask = [null];
      // The wrapped layer's io over batch·steps rows: the same buffers.
      const at = (io: LayerIO): LayerIO => ({ ...io, rows: io.rows * steps, masks: noMask });
      return {
        outShapes: [[steps, ...c.outShapes[0]!]],
        savedPerRow: steps * (c.savedPerRow ?? 0),
        scratchPerRow: steps * (c.scratchPerRow ?? 0),
        // A wrapped lookup (an embedding) still takes token ids, not quantities.
        ...(c.indexInputs === true ? { indexInputs: true } : {}),
        forward(io: LayerIO): void {
          c.forward(at(io));
        },
        backward(io: LayerBackwardIO): void {
          c.backward({ ...io, rows: io.rows * steps, masks: noMask });
        },
        // Relevance is the wrapped layer's, over the same batch·steps rows: its rules, its family.
        ...(c.relevance === undefined
          ? {}
          : {
              relevanceFamily:
                c.relevanceFamily ??
                (Object.keys(inner.params).length === 0 ? 'passthrough' : inner.kind),
              ...(c.relevanceRules === undefined ? {} : { relevanceRules: c.relevanceRules }),
              relevance: (io: RelevanceIO, rule: RelevanceRule): boolean =>
                c.relevance!({ ...io, rows: io.rows * steps, masks: noMask }, rule),
            }),
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1('timeDistributed', wrapper, checkInputTensor('timeDistributed', x), ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(wrapper, x);
    },
  };
  return wrapper;
}
