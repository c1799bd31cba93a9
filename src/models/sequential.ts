import { fail } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import type { ForwardContext, Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Sequential } from './model.js';

function isLayer(v: unknown): v is Layer {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.kind === 'string' &&
    typeof o.forward === 'function' &&
    typeof o.outputShape === 'function' &&
    o.params !== null &&
    typeof o.params === 'object' &&
    (o.inputShape === null || Array.isArray(o.inputShape))
  );
}

/** `layer 1 (dense)`: how errors name a layer of a model. */
export function layerName(layers: readonly Layer[], i: number): string {
  return `layer ${i} (${layers[i]?.kind ?? '?'})`;
}

/**
 * Follows a per-sample shape through layers `start`.. of a stack, checking each
 * layer accepts what the previous one gives. Returns the shape after each
 * layer. Throws a ShapeError naming both layers (or `what` for the input).
 */
export function propagateShapes(
  fn: string,
  layers: readonly Layer[],
  start: number,
  inputShape: readonly number[],
  what: string,
): number[][] {
  const shapes: number[][] = [];
  let shape: readonly number[] = inputShape;
  for (let i = start; i < layers.length; i++) {
    const layer = layers[i]!;
    const source = i === start ? what : `${layerName(layers, i - 1)} outputs`;
    if (layer.inputShape !== null && !sameShape(layer.inputShape, shape)) {
      throw new ShapeError(
        `${fn}: ${layerName(layers, i)} expects input shape ${fmtShape(layer.inputShape)} but ${source} ${fmtShape(shape)}`,
      );
    }
    try {
      shape = layer.outputShape(shape);
    } catch (e) {
      if (e instanceof ShapeError)
        throw new ShapeError(
          `${fn}: ${layerName(layers, i)} cannot take ${source} ${fmtShape(shape)}: ${e.message}`,
        );
      throw e;
    }
    shapes.push([...shape]);
  }
  return shapes;
}

/**
 * Builds a model that applies `layers` in order, as Keras's `Sequential` and
 * PyTorch's `nn.Sequential`. Shapes are checked now, not at the first batch:
 * each layer that declares an input shape must receive exactly what the
 * layers before it produce, else a ShapeError names both layers
 * (`sequential: layer 1 (dense) expects input shape [5] but layer 0 (dense) outputs [4]`).
 * The model's `inputShape` is that of the first layer declaring one.
 *
 * The returned object is plain and its layer list is frozen; `predict`,
 * `fit`, `summary` and `toJSON` are functions that take it.
 *
 * @example
 * ```ts
 * import { sequential, dense, relu, predict } from 'myelin';
 * const model = sequential([dense(2, 8, { activation: relu }), dense(8, 1)]);
 * predict(model, [[0, 1]]).shape; // [1, 1]
 * ```
 */
/* @__NO_SIDE_EFFECTS__ */
export function sequential(layers: readonly Layer[]): Sequential {
  if (!Array.isArray(layers)) fail('sequential', 'layers', 'an array of layers', layers);
  if (layers.length === 0) throw new ValueError('sequential: layers must not be empty');
  const list: Layer[] = [...(layers as readonly unknown[])].map((l, i) => {
    if (!isLayer(l))
      fail(
        'sequential',
        `layers[${i}]`,
        'a layer (an object with kind, params, inputShape, outputShape and forward, as dense() returns)',
        l,
      );
    return l;
  });
  const seen = new Set<Layer>();
  list.forEach((l, i) => {
    if (seen.has(l))
      throw new ValueError(
        `sequential: ${layerName(list, i)} appears twice; build a new layer for each position`,
      );
    seen.add(l);
  });

  // Walk the stack from the first layer that declares a shape; layers before
  // it accept any shape, and a shape-preserving prefix (dropout, activations)
  // is the common case.
  const first = list.findIndex((l) => l.inputShape !== null);
  const inputShape = first === -1 ? null : Object.freeze([...list[first]!.inputShape!]);
  if (first !== -1) propagateShapes('sequential', list, first, inputShape!, 'its input has shape');
  const frozen = Object.freeze(list);
  return {
    kind: 'sequential',
    layers: frozen,
    inputShape,
    forward(x: Tensor, ctx: ForwardContext): Tensor {
      let h = x;
      for (const layer of frozen) h = layer.forward(h, ctx);
      return h;
    },
  };
}
