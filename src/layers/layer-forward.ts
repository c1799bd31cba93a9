import { fail } from '../_lib/assert.js';
import { Tensor } from '../tensor/tensor.js';
import type { ForwardContext, Layer } from './layer.js';
import { inputsOf, runLayer } from './_run.js';

/**
 * The autograd driver of a layer's declared math, for layers written outside
 * myelin: runs the forward pass that `layer.compile(...)` declares on fresh
 * buffers and, when gradients are on, records ONE autograd node whose
 * backward is the declared backward. The built-in layers' `forward` is this;
 * a custom layer's is `(x, ctx) => layerForward(layer, x, ctx)`, so its math
 * is written once and `predict` and `fit` run the same declaration over
 * reused buffers. Inputs of another dtype than the layer's are cast; the
 * activity regularizer, if any, goes to `ctx.addLoss` in training. A layer of
 * several inputs takes them as an array; the first output is returned.
 * What `compile` returns is checked the first time for each input shape
 * (`outShapes`, `forward`, `backward`, the workspace sizes, and agreement with
 * `outputShape`): a violation throws an error naming the layer.
 *
 * @param layer A layer with `compile`.
 * @param x A batch (batch dimension first), or one per input.
 * @returns The layer's (first) output for the batch.
 * @example
 * ```ts
 * import { layerForward, tensor, createRng, type Layer } from 'myelin';
 * // y = 2x, declared once over buffers.
 * const double: Layer = {
 *   kind: 'double', config: {}, params: {}, trainable: true, inputShape: null,
 *   outputShape: (s) => [...s],
 *   compile: (shapes) => ({
 *     outShapes: [shapes[0]!],
 *     forward(io) {
 *       const x = io.inputs[0]!, y = io.outputs[0]!;
 *       for (let i = 0; i < y.length; i++) y[i] = 2 * x[i]!;
 *     },
 *     backward(io) {
 *       const gy = io.gradOutputs[0]!, gx = io.gradInputs[0];
 *       if (gx) for (let i = 0; i < gx.length; i++) gx[i] = 2 * gy[i]!;
 *     },
 *   }),
 *   forward: (x, ctx) => layerForward(double, x, ctx),
 * };
 * double.forward(tensor([[1, 2]]), { training: false, rng: createRng(0) }).toArray(); // [[2, 4]]
 * ```
 */
export function layerForward(
  layer: Layer,
  x: Tensor | readonly Tensor[],
  ctx: ForwardContext,
): Tensor {
  const fn = 'layerForward';
  if (
    layer === null ||
    typeof layer !== 'object' ||
    typeof (layer as Partial<Layer>).compile !== 'function'
  )
    fail(fn, 'layer', 'a layer that declares compile', layer);
  const arity = layer.arity ?? 1;
  if (arity === 1 && !(x instanceof Tensor)) fail(fn, 'x', 'a Tensor', x);
  const xs = x instanceof Tensor ? [x] : inputsOf(fn, x, arity);
  // what compile returns is checked once per compilation, in compiledFor
  return runLayer(layer.kind, layer, xs, ctx)[0]!;
}
