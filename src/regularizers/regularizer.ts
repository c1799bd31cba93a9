import { allocFloat, asFloat, type FloatArray } from '../_lib/typed.js';
import { record } from '../autograd/graph.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A penalty's math over a parameter's buffer, declared once: the penalty
 * tensor (autograd) and fit's step both run it.
 */
export interface RegularizerKernel {
  /** The penalty of the weights w. */
  value(w: FloatArray): number;
  /** Adds ∂penalty/∂w into g. */
  addGrad(w: FloatArray, g: FloatArray): void;
  /**
   * Optionally both in one pass: returns the penalty and adds its gradient
   * into g, each gradient element rounded to g's precision before it is added
   * (as adding a separately computed gradient buffer would), so the sums are
   * those of `value` plus `addGrad` into zeros then added.
   */
  valueAddGrad?(w: FloatArray, g: FloatArray): number;
}

/**
 * A weight (or activity) penalty: `penalty(w)` returns a one-element tensor
 * added to the training loss. `kind` and `config` are what the model format
 * stores, so a saved model keeps its regularizers.
 */
export interface Regularizer {
  readonly kind: string;
  readonly config: Readonly<Record<string, number>>;
  /** The penalty of `w` as a one-element tensor, differentiable with respect to `w`. */
  penalty(w: Tensor): Tensor;
  /** The buffer-level math, when declared (the built-in regularizers). */
  readonly kernel?: RegularizerKernel;
}

/** The autograd driver of a regularizer kernel: a one-element tensor whose backward is the kernel's gradient. */
export function kernelPenalty(name: string, kernel: RegularizerKernel, w: Tensor): Tensor {
  // int32 weights compute in float32, as the arithmetic ops and activations
  // promote them (an int32 tensor never requires a gradient).
  if (w.dtype === 'int32') w = new Tensor(Float32Array.from(w.data), w.shape);
  const data = asFloat(w.data);
  const out = allocFloat(w.dtype, 1);
  out[0] = kernel.value(data);
  return record(name, new Tensor(out, []), [w], (g) => {
    const d = allocFloat(w.dtype, w.size);
    kernel.addGrad(data, d);
    const s = g.data[0]!;
    if (s !== 1) for (let i = 0; i < d.length; i++) d[i] = d[i]! * s;
    return [new Tensor(d, w.shape)];
  });
}
