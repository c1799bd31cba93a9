import { assertKnownKeys, fail } from '../_lib/assert.js';
import { ShapeError } from '../_lib/errors.js';
import { fmtShape, shapeSize } from '../_lib/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type {
  CompiledLayer,
  ForwardContext,
  BuiltinLayer,
  LayerBackwardIO,
  LayerIO,
  RelevanceIO,
} from './layer.js';
import { runLayer1 } from './_run.js';
import { applyOne, type SymbolicTensor } from './symbolic.js';
import { checkOptions } from './_util.js';

/** Options of {@link reshapeLayer}. */
export interface ReshapeLayerOptions {
  /** Optional name, kept in the config. */
  name?: string;
}

/** The JSON-able description of a reshape layer. */
export interface ReshapeLayerConfig {
  /** The per-sample target shape as given (one entry may be -1). */
  readonly shape: readonly number[];
  readonly name?: string;
}

/** A layer giving each sample a new shape with the same elements. */
export type ReshapeLayer = BuiltinLayer<'reshape', ReshapeLayerConfig>;

/**
 * A layer that gives each sample a new per-sample shape with the same number
 * of elements (row-major order kept), as Keras's `layers.Reshape`; one entry
 * may be -1, inferred from the others. The batch dimension is not part of
 * `shape`. (The op `reshape` acts on whole tensors; this is the layer.)
 *
 * @example
 * ```ts
 * import { input, reshapeLayer, graph, predict } from 'myelin';
 * const x = input([6]);
 * const model = graph({ inputs: x, outputs: reshapeLayer([2, -1]).apply(x) });
 * console.log(predict(model, [[1, 2, 3, 4, 5, 6]]).shape); // [1, 2, 3]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function reshapeLayer(
  shape: readonly number[],
  options: ReshapeLayerOptions = {},
): ReshapeLayer {
  const fn = 'reshapeLayer';
  const raw: unknown = shape;
  if (!Array.isArray(raw))
    fail(fn, 'shape', 'an array of positive integers (one may be -1)', shape);
  let wildcards = 0;
  shape.forEach((d: unknown, i) => {
    if (d === -1) wildcards++;
    else if (typeof d !== 'number' || !Number.isInteger(d) || d < 1)
      fail(fn, `shape[${i}]`, 'a positive integer or -1', d);
  });
  if (wildcards > 1) fail(fn, 'shape', 'at most one -1', shape);
  checkOptions(fn, options);
  assertKnownKeys(fn, 'options', options, ['name']);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === ''))
    fail(fn, 'name', 'a non-empty string', options.name);
  const target: readonly number[] = Object.freeze([...shape]);
  const outShape = (s: readonly number[]): number[] => {
    const size = shapeSize(s);
    const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (wildcards === 1) {
      if (size % known !== 0)
        throw new ShapeError(
          `${fn}: cannot reshape per-sample shape ${fmtShape(s)} (${size} elements) to ${fmtShape(target)}`,
        );
      return target.map((d) => (d === -1 ? size / known : d));
    }
    if (known !== size)
      throw new ShapeError(
        `${fn}: cannot reshape per-sample shape ${fmtShape(s)} (${size} elements) to ${fmtShape(target)} (${known})`,
      );
    return [...target];
  };
  const config: ReshapeLayerConfig = {
    shape: target,
    ...(options.name === undefined ? {} : { name: options.name }),
  };
  const layer: ReshapeLayer = {
    kind: 'reshape',
    config,
    params: {},
    trainable: true,
    ...(options.name === undefined ? {} : { name: options.name }),
    inputShape: null,
    outputShape: outShape,
    compile(inShapes: readonly (readonly number[])[]): CompiledLayer {
      return {
        outShapes: [outShape(inShapes[0]!)],
        forward(io: LayerIO): void {
          io.outputs[0]!.set(io.inputs[0]!);
        },
        backward(io: LayerBackwardIO): void {
          io.gradInputs[0]?.set(io.gradOutputs[0]!);
        },
        relevance(io: RelevanceIO): boolean {
          io.relevanceInputs[0]!.set(io.relevanceOutputs[0]!);
          return true;
        },
      };
    },
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      return runLayer1(fn, layer, x, ctx);
    },
    apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
      return applyOne(layer, x);
    },
  };
  return layer;
}
