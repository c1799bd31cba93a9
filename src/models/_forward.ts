import { ShapeError, ValueError } from '../_lib/errors.js';
import { fail } from '../_lib/assert.js';
import type { ForwardContext, Layer } from '../layers/layer.js';
import { callForward, runLayer } from '../layers/_run.js';
import { Tensor } from '../tensor/tensor.js';
import type { ModelNode, ValueRef } from './model.js';

/**
 * The autograd driver of a model: runs every node's `layer.forward` (the
 * layer's own autograd driver) in order and returns the model's outputs.
 */
export function runNodes(
  fn: string,
  nodes: readonly ModelNode[],
  outputs: readonly ValueRef[],
  inputCount: number,
  xs: Tensor | readonly Tensor[],
  ctx: ForwardContext,
): Tensor[] {
  const inputs: readonly Tensor[] = xs instanceof Tensor ? [xs] : xs;
  const raw: unknown = inputs;
  if (!Array.isArray(raw) || inputs.length !== inputCount)
    fail(fn, 'x', inputCount === 1 ? 'a Tensor' : `an array of ${inputCount} tensors`, xs);
  inputs.forEach((t: unknown, i) => {
    if (!(t instanceof Tensor)) fail(fn, inputCount === 1 ? 'x' : `x[${i}]`, 'a Tensor', t);
  });
  const values: Tensor[][] = [];
  const get = (r: ValueRef): Tensor =>
    r.node === -1 ? inputs[r.output]! : values[r.node]![r.output]!;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    const ins = node.inputs.map(get);
    values.push(applyNode(node.layer, ins, node.outputs, ctx));
  }
  return outputs.map(get);
}

function applyNode(layer: Layer, ins: Tensor[], outputs: number, ctx: ForwardContext): Tensor[] {
  if (outputs > 1) {
    if (layer.compile === undefined)
      throw new ValueError(`${layer.kind}: a layer with several outputs must declare compile`);
    return runLayer(layer.kind, layer, ins, ctx);
  }
  const out = callForward(layer, ins, ctx);
  if (!(out instanceof Tensor))
    throw new ShapeError(`${layer.kind}: forward returned ${String(out)}, not a Tensor`);
  return [out];
}
