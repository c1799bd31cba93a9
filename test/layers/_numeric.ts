import type { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../helpers/expect-close.js';

/**
 * Central differences (f(w + eps) − f(w − eps)) / 2eps for every element of a
 * float64 parameter that a function reads in place (a layer's own kernel),
 * compared with an analytic gradient.
 */
export function expectNumericGrad(
  f: () => number,
  param: Tensor,
  analytic: Tensor,
  eps = 1e-6,
): void {
  const numeric = new Float64Array(param.size);
  for (let i = 0; i < param.size; i++) {
    const orig = param.data[i]!;
    param.data[i] = orig + eps;
    const fp = f();
    param.data[i] = orig - eps;
    const fm = f();
    param.data[i] = orig;
    numeric[i] = (fp - fm) / (2 * eps);
  }
  expectClose(analytic, numeric, { atol: 1e-6, rtol: 1e-5 });
}
