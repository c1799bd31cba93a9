import { assertKnownKeys, assertNumber, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import type { FloatDType } from '../_lib/typed.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  BuiltinLayer,
  CompiledLayer,
  ForwardContext,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { applyVia, inputsOf, runLayer, runLayer1 } from './_run.js';
import type { SymbolicTensor } from './symbolic.js';
import { checkInputTensor, checkOptions } from './_util.js';

/** Options of {@link masking}. */
export interface MaskingOptions {
  /**
   * A step whose features all equal this is padding (default 0, as Keras).
   * Compared in the input's dtype: for float32 input, the float32 nearest
   * to it (`Math.fround`), so 0.1 matches a float32 0.1.
   */
  maskValue?: number;
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a masking layer: `masking({ maskValue: c.maskValue })`. */
export interface MaskingConfig {
  readonly maskValue: number;
  readonly name?: string;
}

/** Marks padded steps of a sequence. No params. */
export type Masking = BuiltinLayer<'masking', MaskingConfig>;

function who(kind: string, name: string | undefined): string {
  return name === undefined ? kind : `${kind} "${name}"`;
}

/**
 * Marks the padding of sequences [batch, steps, ...features], as Keras
 * `Masking`: a step whose features all equal `maskValue` is padding. The
 * output is the input with padded steps set to 0 (as Keras), and it carries a
 * step mask (`1` = a real step) that recurrent layers, the losses and the
 * metrics honour. Gradient: the output's, zero at padded steps. The mask is
 * computed from the input's values: a mask the input already carries is
 * replaced, as Keras's `Masking` does.
 *
 * @example
 * ```ts
 * import { masking, tensor, maskOf, createRng } from 'myelin';
 * const x = tensor([[[1, 2], [0, 0], [3, 0]]]); // the middle step is padding
 * const y = masking().forward(x, { training: false, rng: createRng(0) });
 * console.log(maskOf(y)); // Uint8Array [1, 0, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function masking(options: MaskingOptions = {}): Masking {
  checkOptions('masking', options);
  assertKnownKeys('masking', 'options', options, ['maskValue', 'name']);
  const maskValue = assertNumber('masking', 'maskValue', options.maskValue ?? 0);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('masking', 'name', 'a string', options.name);
  const name = options.name;
  const config: MaskingConfig = { maskValue, ...(name === undefined ? {} : { name }) };
  const outShape = (s: readonly number[]): number[] => {
    if (s.length < 2)
      throw new ShapeError(
        `${who('masking', name)}: input must be [batch, steps, ...features], got per-sample shape ${fmtShape(s)}`,
      );
    return [...s];
  };
  const layer: Masking = {
    kind: 'masking',
    config,
    params: {},
    trainable: true,
    inputShape: null,
    ...(name === undefined ? {} : { name }),
    outputShape: outShape,
    compile(inShapes: readonly (readonly number[])[], dtype: FloatDType): CompiledLayer {
      const shape = outShape(inShapes[0]!);
      const steps = shape[0]!;
      const width = shapeSize(shape) / steps;
      // Compared in the input's dtype, as Keras casts mask_value: a float32
      // 0.1 is not the number 0.1, so padding written as 0.1 would never match.
      const mv = dtype === 'float32' ? Math.fround(maskValue) : maskValue;
      let mask = new Uint8Array(0);
      const maskOfInput = (io: LayerIO): Uint8Array => {
        const x = io.inputs[0]!;
        const n = io.rows * steps;
        if (mask.length !== n) mask = new Uint8Array(n);
        for (let s = 0; s < n; s++) {
          let real = 0;
          for (let j = s * width, e = j + width; j < e; j++)
            if (x[j] !== mv) {
              real = 1;
              break;
            }
          mask[s] = real;
        }
        return mask;
      };
      return {
        outShapes: [shape],
        forward(io: LayerIO): void {
          const m = maskOfInput(io);
          const x = io.inputs[0]!;
          const y = io.outputs[0]!;
          for (let s = 0; s < m.length; s++)
            for (let j = s * width, e = j + width; j < e; j++) y[j] = m[s] === 1 ? x[j]! : 0;
        },
        backward(io: LayerBackwardIO): void {
          const gx = io.gradInputs[0];
          if (gx === null || gx === undefined) return;
          const m = maskOfInput(io);
          const gy = io.gradOutputs[0]!;
          for (let s = 0; s < m.length; s++)
            for (let j = s * width, e = j + width; j < e; j++) gx[j] = m[s] === 1 ? gy[j]! : 0;
        },
        // Relevance passes through on real steps; a masked step's output is 0 and holds none.
        relevance(io: RelevanceIO): boolean {
          const m = maskOfInput(io);
          const r = io.relevanceOutputs[0]!;
          const out = io.relevanceInputs[0]!;
          for (let s = 0; s < m.length; s++)
            for (let j = s * width, e = j + width; j < e; j++) out[j] = m[s] === 1 ? r[j]! : 0;
          return true;
        },
        outputMask: maskOfInput,
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1('masking', layer, checkInputTensor('masking', x), ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}

/** Options of {@link stepMask}. */
export interface StepMaskOptions {
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a stepMask layer. */
export interface StepMaskConfig {
  readonly name?: string;
}

/** Attaches a step mask given as a second input. No params. */
export interface StepMask extends BuiltinLayer<'stepMask', StepMaskConfig> {
  readonly arity: number;
  /** Takes `[sequence, mask]`. */
  forward(xs: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor;
}

/**
 * A layer of two inputs, a sequence [batch, steps, ...] and its step mask
 * [batch, steps] (non-zero = a real step, as `lengthsMask` makes): the
 * output is the sequence unchanged, carrying that mask. It brings masks from
 * sequence lengths into a graph model, through every path (predict, fit):
 * feed the mask as a second model input. Gradient: the sequence's passes
 * through; the mask gets none.
 *
 * @example
 * ```ts
 * import { input, stepMask, graph, predict, lengthsMask, zeros, maskOf } from 'myelin';
 * const x = input([4, 3]);
 * const m = input([4]);
 * const model = graph({ inputs: [x, m], outputs: stepMask().apply([x, m]) });
 * const y = predict(model, [zeros([2, 4, 3]), lengthsMask([4, 2], 4)]);
 * console.log(maskOf(y)); // Uint8Array [1, 1, 1, 1, 1, 1, 0, 0]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function stepMask(options: StepMaskOptions = {}): StepMask {
  checkOptions('stepMask', options);
  assertKnownKeys('stepMask', 'options', options, ['name']);
  if (options.name !== undefined && typeof options.name !== 'string')
    fail('stepMask', 'name', 'a string', options.name);
  const name = options.name;
  const shapes = (s: readonly (readonly number[])[]): number[] => {
    const x = s[0]!;
    const m = s[1]!;
    if (x.length < 1 || m.length !== 1 || m[0] !== x[0])
      throw new ShapeError(
        `${who('stepMask', name)}: expects a sequence [batch, steps, ...] and a mask [batch, steps], got per-sample shapes ${fmtShape(x)} and ${fmtShape(m)}`,
      );
    return [...x];
  };
  const layer: StepMask = {
    kind: 'stepMask',
    config: name === undefined ? {} : { name },
    params: {},
    trainable: true,
    inputShape: null,
    arity: 2,
    ...(name === undefined ? {} : { name }),
    outputShape: () => {
      throw new ShapeError(`${who('stepMask', name)} takes two inputs: use outputShapes`);
    },
    outputShapes: shapes,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      const shape = shapes(inShapes);
      const steps = shape[0]!;
      let mask = new Uint8Array(0);
      return {
        outShapes: [shape],
        forward(io: LayerIO): void {
          io.outputs[0]!.set(io.inputs[0]!);
        },
        backward(io: LayerBackwardIO): void {
          io.gradInputs[0]?.set(io.gradOutputs[0]!);
          io.gradInputs[1]?.fill(0);
        },
        // The values pass through with their relevance; the mask is not evidence.
        relevance(io: RelevanceIO): boolean {
          io.relevanceInputs[0]!.set(
            io.relevanceOutputs[0]!.subarray(0, io.relevanceInputs[0]!.length),
          );
          io.relevanceInputs[1]!.fill(0);
          return true;
        },
        outputMask(io: LayerIO): Uint8Array {
          const m = io.inputs[1]!;
          const n = io.rows * steps;
          if (mask.length !== n) mask = new Uint8Array(n);
          for (let i = 0; i < n; i++) mask[i] = m[i] === 0 ? 0 : 1;
          return mask;
        },
      };
    },
    forward(x: Tensor | readonly Tensor[], ctx: ForwardContext): Tensor {
      return runLayer('stepMask', layer, inputsOf('stepMask', x, 2), ctx)[0]!;
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyVia(layer, x);
    },
  };
  return layer;
}
