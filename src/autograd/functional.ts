import { show } from '../_lib/assert.js';
import { ValueError } from '../_lib/errors.js';
import { allocate } from '../_lib/typed.js';
import { Tensor } from '../tensor/tensor.js';
import { gradients, own } from './backward.js';
import { enableGrad, isGradEnabled, noGrad } from './graph.js';

/** What {@link valueAndGrad} returns: the function's value and one gradient per argument. */
export interface ValueAndGrad {
  value: Tensor;
  grads: Tensor[];
}

function asLeaves(fn: string, args: readonly Tensor[]): Tensor[] {
  const wrapped = new Map<Tensor, Tensor>();
  return args.map((a, i) => {
    if (!(a instanceof Tensor))
      throw new ValueError(`${fn}: argument ${i} must be a Tensor, got ${show(a)}`);
    if (a.dtype === 'int32')
      throw new ValueError(
        `${fn}: an int32 tensor cannot require gradients, and argument ${i} is int32; ` +
          'pass labels through a closure: grad((z) => crossEntropy(z, labels))(logits)',
      );
    // Parameters (leaves that already require grad) are used as they are, so a
    // closure over a model's weights sees the same tensors; anything else is
    // wrapped in a fresh leaf that shares its data (no copy), one per tensor.
    if (a.requiresGrad && a.node === null) return a;
    let leaf = wrapped.get(a);
    if (leaf === undefined) wrapped.set(a, (leaf = new Tensor(a.data, a.shape, true)));
    return leaf;
  });
}

// How many valueAndGrad calls are running their function: one called inside
// another is nested differentiation, which is not supported.
let depth = 0;

function nested(): never {
  throw new ValueError(
    'valueAndGrad: higher-order gradients are not supported: a grad() result computed inside the ' +
      'function being differentiated reaches its value, and is a constant (as torch.autograd.grad ' +
      'without create_graph). To use it as one, call that grad() inside noGrad()',
  );
}

/**
 * Transforms `fn` into a function returning both its value and the gradient
 * of that value with respect to each argument (as `jax.value_and_grad` does,
 * for every argument). The value must have one element. `.grad` fields are
 * not touched, so this is safe inside custom training loops. A value that
 * depends on no argument at all (computed by `predict` or inside `noGrad`,
 * which record nothing) is an error, as in PyTorch, rather than silently zero
 * gradients; an argument the value ignores gets a zero gradient. int32
 * arguments (labels) are an error: pass them through a closure.
 *
 * Arguments that are parameters (`requiresGrad` leaves) are passed through as
 * they are; so `valueAndGrad(() => loss(model))(...params)` differentiates
 * with respect to a model's own weights. A gradient is therefore taken with
 * respect to a tensor, not a position: one tensor passed as two arguments
 * gets its total gradient in both places (as `torch.autograd.grad(y, [p, p])`;
 * JAX would give each position its own partial, which cannot hold for a
 * parameter that `fn` also reaches through a closure). Every returned
 * gradient is a tensor of its own, safe to clip or edit in place.
 *
 * The gradients are constants: they record no graph (as `torch.autograd.grad`
 * without `create_graph=True`), and higher-order gradients are not supported.
 * A `grad` or `valueAndGrad` called inside a function being differentiated
 * whose results reach the outer value throws rather than silently dropping
 * their dependence on the outer arguments; call it inside `noGrad` to use its
 * results as constants on purpose. As with `backward`, do not modify a
 * tensor `fn` uses (a parameter's `data`) until this call has returned.
 *
 * @example
 * ```ts
 * import { tensor, valueAndGrad, sum, mul, type Tensor } from 'myelin';
 * const f = (x: Tensor) => sum(mul(x, x));
 * const { value, grads } = valueAndGrad(f)(tensor([1, 2]));
 * console.log(value.item(), grads[0]!.toArray()); // 5 [2, 4]
 * ```
 */
export function valueAndGrad<A extends Tensor[]>(
  fn: (...args: A) => Tensor,
): (...args: A) => ValueAndGrad {
  if (typeof fn !== 'function')
    throw new ValueError(`valueAndGrad: fn must be a function, got ${show(fn)}`);
  return (...args: A): ValueAndGrad => {
    const leaves = asLeaves('valueAndGrad', args);
    depth++;
    let value: Tensor;
    try {
      value = enableGrad(() => fn(...(leaves as A)));
    } finally {
      depth--;
    }
    if (!(value instanceof Tensor))
      throw new ValueError(`valueAndGrad: fn must return a Tensor, got ${show(value)}`);
    if (value.size !== 1) {
      throw new ValueError(
        `valueAndGrad: fn must return a one-element tensor, got shape [${value.shape.join(',')}]`,
      );
    }
    // PyTorch raises here too: a value that records no graph gives all-zero
    // gradients, which silently trains nothing.
    if (!value.requiresGrad)
      throw new ValueError(
        'valueAndGrad: the value does not depend on any argument, so every gradient would be zero. ' +
          'It was computed without recording the graph: predict() and noGrad() do not record it; ' +
          'inside a differentiated function run a model with model.forward(x, { training: true, rng })',
      );
    const one = allocate(value.dtype, 1);
    one[0] = 1;
    const grads = gradients(value, new Tensor(one, value.shape));
    const seen = new Set();
    const out = {
      value: new Tensor(value.data, value.shape),
      // An argument the value does not depend on has a zero gradient.
      grads: leaves.map((l) =>
        own(grads.get(l) ?? new Tensor(allocate(l.dtype, l.size), l.shape), seen),
      ),
    };
    // Nested inside another valueAndGrad that records, and tied to its graph
    // (an argument, or a leaf reached through a closure, that requires grad
    // outside this call): the results are constants that would silently drop
    // their dependence on the outer arguments, so they get a node that throws
    // if the outer backward pass ever reaches them.
    if (
      depth > 0 &&
      isGradEnabled() &&
      (args.some((a) => a.requiresGrad) ||
        [...grads.keys()].some((t) => t.node === null && !leaves.includes(t)))
    )
      for (const t of [out.value, ...out.grads]) {
        t.requiresGrad = true;
        t.node = { op: 'valueAndGrad', inputs: [], backward: nested };
      }
    return out;
  };
}

/**
 * Transforms `fn` into a function returning the gradient of its (one-element)
 * value with respect to each argument: {@link valueAndGrad} without the value,
 * with the same rules. The gradients are constants (as `torch.autograd.grad`
 * without `create_graph=True`): higher-order gradients are not supported, and
 * a `grad` nested inside a differentiated function whose result reaches the
 * outer value throws (wrap it in `noGrad` to use the result as a constant).
 *
 * @example
 * ```ts
 * import { tensor, grad, sum, exp, type Tensor } from 'myelin';
 * const [g] = grad((x: Tensor) => sum(exp(x)))(tensor([0, 1]));
 * console.log(g!.toArray()); // [1, 2.718...]
 * ```
 */
export function grad<A extends Tensor[]>(fn: (...args: A) => Tensor): (...args: A) => Tensor[] {
  const vg = valueAndGrad(fn);
  return (...args: A) => vg(...args).grads;
}

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6, as PyTorch). */
  eps?: number;
  /** Absolute tolerance (default 1e-5, as PyTorch). */
  atol?: number;
  /** Relative tolerance (default 1e-3, as PyTorch). */
  rtol?: number;
  /** Throw a ValueError describing the worst element on failure (default true, as PyTorch's raise_exception). */
  throwOnFailure?: boolean;
  /** Seed of the fixed random weights that project a non-scalar output to a scalar (default 0). */
  seed?: number;
}

/** The result of {@link gradcheck}. */
export interface GradcheckResult {
  passed: boolean;
  /** Largest |analytic − numeric| over all checked elements. */
  maxAbsError: number;
  /** Where the worst mismatch (by tolerance ratio) was, or null when none was checked. */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

/**
 * Compares the gradients from autograd with central finite differences,
 * `(f(x + eps) − f(x − eps)) / 2eps`, element by element, as PyTorch's
 * `torch.autograd.gradcheck`. Inputs must be float64 (float32 differences are
 * too coarse). A non-scalar output is projected to a scalar by fixed random
 * weights w, checking the vector–Jacobian product Σ w·f(x) that backward computes.
 * An element passes when |analytic − numeric| <= atol + rtol·|numeric|.
 *
 * Inputs are copied before they are perturbed, except parameters (leaves with
 * `requiresGrad`, such as a float64 layer's `params.kernel`), which are used
 * as they are, as {@link valueAndGrad} does: `fn` may ignore such an argument
 * and close over the layer instead. Their elements are perturbed in place and
 * restored exactly afterwards.
 *
 * @example
 * ```ts
 * import { gradcheck, tensor, tanh, type Tensor } from 'myelin';
 * const x = tensor([[0.3, -1.2], [2, 0.5]], { dtype: 'float64' });
 * console.log(gradcheck((a: Tensor) => tanh(a), [x]).passed); // true
 * ```
 */
export function gradcheck(
  fn: (...args: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, throwOnFailure = true, seed = 0 } = options;
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor) || t.dtype !== 'float64') {
      throw new ValueError(
        `gradcheck: inputs[${i}] must be a float64 Tensor, got ${t instanceof Tensor ? t.dtype : show(t)}`,
      );
    }
  });
  // Work on private copies so the caller's tensors are never perturbed, except
  // parameters (leaves that already require grad), which are used as they are,
  // as valueAndGrad does: fn may then close over a layer's own weights (it sees
  // the perturbed values through them). They are perturbed in place and every
  // element is restored bit for bit, even when fn throws.
  const xs = inputs.map((t) =>
    t.requiresGrad && t.node === null ? t : new Tensor(Float64Array.from(t.data), t.shape, true),
  );
  const out0 = enableGrad(() => fn(...xs));
  let w: Float64Array;
  {
    // Deterministic weights in [0.5, 1.5): never zero, so no element is skipped.
    w = new Float64Array(out0.size);
    let s = (seed * 2654435761 + 12345) >>> 0;
    for (let i = 0; i < w.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      w[i] = 0.5 + s / 4294967296;
    }
  }
  const project = (y: Tensor): number => {
    let acc = 0;
    for (let i = 0; i < y.size; i++) acc += w[i]! * y.data[i]!;
    return acc;
  };
  const grads = out0.requiresGrad
    ? gradients(out0, new Tensor(Float64Array.from(w), out0.shape))
    : new Map<Tensor, Tensor>();
  let maxAbsError = 0;
  let worstRatio = -1;
  let worst: GradcheckResult['worst'] = null;
  noGrad(() => {
    xs.forEach((x, inputIndex) => {
      const analytic = grads.get(x);
      for (let i = 0; i < x.size; i++) {
        const orig = x.data[i]!;
        let fp: number, fm: number;
        try {
          x.data[i] = orig + eps;
          fp = project(fn(...xs));
          x.data[i] = orig - eps;
          fm = project(fn(...xs));
        } finally {
          x.data[i] = orig;
        }
        const numeric = (fp - fm) / (2 * eps);
        const a = analytic === undefined ? 0 : analytic.data[i]!;
        const err = Math.abs(a - numeric);
        // an exact match passes whatever the tolerance (0 / 0 with atol = rtol = 0)
        const ratio = err === 0 ? 0 : err / (atol + rtol * Math.abs(numeric));
        maxAbsError = Math.max(maxAbsError, Number.isNaN(err) ? Infinity : err);
        if (Number.isNaN(ratio) || ratio > worstRatio) {
          worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
          worst = { input: inputIndex, index: i, analytic: a, numeric };
        }
      }
    });
  });
  const passed = worstRatio <= 1;
  if (!passed && throwOnFailure && worst !== null) {
    const wv = worst as { input: number; index: number; analytic: number; numeric: number };
    throw new ValueError(
      `gradcheck: gradient mismatch at inputs[${wv.input}] element ${wv.index}: analytic ${wv.analytic}, numeric ${wv.numeric} (atol ${atol}, rtol ${rtol})`,
    );
  }
  return { passed, maxAbsError, worst };
}
