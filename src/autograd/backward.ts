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
    if (!(gradOutput instanceof Tensor))
      throw new ValueError(`${fn}: gradOutput must be a Tensor, got ${show(gradOutput)}`);
    if (!sameShape(gradOutput.shape, output.shape)) {
      throw new ShapeError(
        `${fn}: gradOutput shape ${fmtShape(gradOutput.shape)} differs from the output shape ${fmtShape(output.shape)}`,
      );
    }
  } else if (output.size !== 1) {
    throw new ValueError(
      `${fn}: output must have exactly one element to seed the gradient implicitly, got shape ${fmtShape(output.shape)}; pass gradOutput`,
    );
  }
  // A copy in the output's dtype, as PyTorch casts the seed: a float32
  // parameter gets a float32 .grad, and no .grad aliases the caller's tensor.
  const seed = allocate(output.dtype, output.size);
  if (gradOutput === undefined) seed[0] = 1;
  else seed.set(gradOutput.data);
  return new Tensor(seed, output.shape);
}

/**
 * `g`, or a copy of it when its data was already handed out (`seen`): add
 * passes one gradient to both operands and reshape a view of it, but a caller
 * who clips or edits one gradient in place must not change another.
 */
export function own(g: Tensor, seen: Set<unknown>): Tensor {
  if (seen.has(g.data)) return new Tensor(g.data.slice(), g.shape);
  seen.add(g.data);
  return g;
}

/**
 * Back-propagates from `output` (a one-element loss, or any tensor together
 * with `gradOutput`, which is cast to the output's dtype as in PyTorch) and
 * accumulates into `.grad` of every leaf tensor that requires gradients, as
 * PyTorch's `loss.backward()` does. Gradients add up across calls until
 * cleared (an optimizer's `zeroGrad`). Each leaf gets its own `.grad` tensor
 * (never one shared with another leaf or with `gradOutput`), so clipping or
 * editing one in place changes no other.
 *
 * The backward pass reads the tensors of the forward pass as they are when it
 * runs: ops keep references to their inputs and outputs, not copies. Do not
 * modify any of them (a parameter's `data`, an input) between the forward and
 * its backward; an optimizer's `step` belongs after `backward`. Unlike
 * PyTorch, which counts versions and raises, a change made in between
 * silently changes the gradients.
 *
 * The gradients are constants: they record no graph (as
 * `torch.autograd.grad` without `create_graph=True`), so higher-order
 * gradients, a gradient differentiated again, are not supported.
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
  const seen = new Set();
  for (const [t, g] of grads) {
    if (t.node !== null || !t.requiresGrad) continue;
    t.grad = t.grad === null ? own(g, seen) : addGrads(t.grad, g);
  }
}
