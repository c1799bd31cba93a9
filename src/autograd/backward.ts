import { show } from '../_lib/assert.js';
import { ShapeError, ValueError } from '../_lib/errors.js';
import { fmtShape, sameShape } from '../_lib/shape.js';
import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './graph.js';

/** Sum of two same-shaped gradients into a new tensor (never in place: a gradient may alias another). */
function addGrads(a: Tensor, b: Tensor): Tensor {
  const out = allocate(a.dtype, a.size);
  const x = a.data,
    y = b.data;
  for (let i = 0; i < out.length; i++) out[i] = x[i]! + y[i]!;
  return new Tensor(out, a.shape);
}

/** Tensors reachable from `root` through recorded nodes, in topological order (inputs first). */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: deep graphs (long RNN unrolls) would overflow the call stack.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i]!;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/**
 * Runs reverse-mode differentiation from `root`, seeded with `seed`, and
 * returns the gradient of every tensor reached that requires one.
 */
export function gradients(root: Tensor, seed: Tensor): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>();
  grads.set(root, seed);
  const order = topoOrder(root);
  noGrad(() => {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      const node = t.node;
      const g = grads.get(t);
      if (node === null || g === undefined) continue;
      const inputGrads = node.backward(g);
      for (let i = 0; i < node.inputs.length; i++) {
        const input = node.inputs[i]!;
        const gi = inputGrads[i];
        if (!input.requiresGrad || gi === null || gi === undefined) continue;
        if (!sameShape(gi.shape, input.shape)) {
          // A backward rule returned the wrong shape: a bug in that op, reported precisely.
          throw new ShapeError(
            `backward: ${node.op} produced a gradient of shape ${fmtShape(gi.shape)} for an input of shape ${fmtShape(input.shape)}`,
          );
        }
        const prev = grads.get(input);
        grads.set(input, prev === undefined ? gi : addGrads(prev, gi));
      }
    }
  });
  return grads;
}

/**
 * The gradients reaching every tensor from `output`, seeded with `seed` (the
 * gradient of the output, in its shape) or with ones when `seed` is null:
 * what the engine's adapters run a function written with ops through. An
 * output that records no graph reaches nothing (an empty map).
 */
export function gradientsFrom(output: Tensor, seed: ArrayLike<number> | null): Map<Tensor, Tensor> {
  if (!output.requiresGrad) return new Map();
  const data = allocate(output.dtype, output.size);
  if (seed === null) data.fill(1);
  else for (let i = 0; i < data.length; i++) data[i] = seed[i]!;
  return gradients(output, new Tensor(data, output.shape));
}

function seedFor(fn: string, output: Tensor, gradOutput: Tensor | undefined): Tensor {
  if (gradOutput !== undefined) {
    if (!sameShape(gradOutput.shape, output.shape)) {
      throw new ShapeError(
        `${fn}: gradOutput shape ${fmtShape(gradOutput.shape)} differs from the output shape ${fmtShape(output.shape)}`,
      );
    }
    return gradOutput;
  }
  if (output.size !== 1) {
    throw new ValueError(
      `${fn}: output must have exactly one element to seed the gradient implicitly, got shape ${fmtShape(output.shape)}; pass gradOutput`,
    );
  }
  const one = allocate(output.dtype, 1);
  one[0] = 1;
  return new Tensor(one, output.shape);
}

/**
 * Back-propagates from `output` (a one-element loss, or any tensor together
 * with `gradOutput`) and accumulates into `.grad` of every leaf tensor that
 * requires gradients, as PyTorch's `loss.backward()` does. Gradients add up
 * across calls until cleared (an optimizer's `zeroGrad`).
 *
 * @example
 * ```ts
 * import { tensor, mul, sum, backward } from 'myelin';
 * const w = tensor([1, 2, 3], { requiresGrad: true });
 * backward(sum(mul(w, w)));       // d/dw Σ w² = 2w
 * console.log(w.grad?.toArray()); // [2, 4, 6]
 * ```
 */
export function backward(output: Tensor, gradOutput?: Tensor): void {
  if (!(output instanceof Tensor))
    throw new ValueError(`backward: output must be a Tensor, got ${show(output)}`);
  if (!output.requiresGrad) {
    throw new ValueError(
      'backward: output does not require gradients (no input had requiresGrad, or it was computed inside noGrad)',
    );
  }
  const grads = gradients(output, seedFor('backward', output, gradOutput));
  for (const [t, g] of grads) {
    if (t.node !== null || !t.requiresGrad) continue;
    t.grad = t.grad === null ? g : addGrads(t.grad, g);
  }
}
