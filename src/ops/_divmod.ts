// Scalar division with rounding, as PyTorch computes it for floating point
// (its div_floor and remainder kernels): both start from C's fmod, which is
// exact, so a = b·floorDiv(a, b) + remainder(a, b) holds as closely as the
// floating point allows. 1 // 0.1 is 9 (the double 0.1 is a little above
// 1/10, and 1 % 0.1 = 0.09999999999999995), as in Python, where
// Math.floor(1 / 0.1) gives 10 because the quotient rounds up to exactly 10.

/** a mod b with the sign of b (Python's %, `torch.remainder`); NaN when b = 0. */
export function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** floor(a / b), computed from the exact fmod (PyTorch's `div(a, b, rounding_mode='floor')`). */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return Math.sign(a / b) * 0; // a signed zero, as a / b has
  const f = Math.floor(div);
  return div - f > 0.5 ? f + 1 : f;
}
