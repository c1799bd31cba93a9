// Naive reference convolutions, written straight from the definitions with no
// lowering, for the layer and kernel tests to compare against.

/**
 * y[n, p, q, f] = Σ_{i, j, c} x[n, p·sH − pt + i·dH, q·sW − pl + j·dW, g·cg + c] · k[i, j, c, f],
 * channels last, kernel [kH, kW, C/groups, F]. Returns [data, outH, outW].
 */
export function refConv2d(
  x: ArrayLike<number>,
  xs: readonly number[],
  k: ArrayLike<number>,
  ks: readonly number[],
  o: {
    s: [number, number];
    d: [number, number];
    pad: [number, number, number, number];
    groups: number;
  },
): { y: number[]; oh: number; ow: number } {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [kh, kw, cg, f] = ks as [number, number, number, number];
  const [pt, pb, pl, pr] = o.pad;
  const oh = Math.floor((h + pt + pb - (kh - 1) * o.d[0] - 1) / o.s[0]) + 1;
  const ow = Math.floor((w + pl + pr - (kw - 1) * o.d[1] - 1) / o.s[1]) + 1;
  const fg = f / o.groups;
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let p = 0; p < oh; p++)
      for (let q = 0; q < ow; q++)
        for (let ff = 0; ff < f; ff++) {
          const g = Math.floor(ff / fg);
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++)
              for (let cc = 0; cc < cg; cc++) {
                const ih = p * o.s[0] - pt + i * o.d[0];
                const iw = q * o.s[1] - pl + j * o.d[1];
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                s +=
                  x[((b * h + ih) * w + iw) * c + g * cg + cc]! *
                  k[((i * kw + j) * cg + cc) * f + ff]!;
              }
          y.push(s);
        }
  return { y, oh, ow };
}

/**
 * Transposed convolution by scattering: every input pixel (p, q) adds
 * x[n, p, q, c]·k[i, j, f, c] onto output (p·sH + i − pt, q·sW + j − pl), kept
 * when inside [0, outH) × [0, outW). Kernel [kH, kW, F, C].
 */
export function refConv2dTranspose(
  x: ArrayLike<number>,
  xs: readonly number[],
  k: ArrayLike<number>,
  ks: readonly number[],
  s: [number, number],
  pad: [number, number],
  oh: number,
  ow: number,
): number[] {
  const [n, h, w, c] = xs as [number, number, number, number];
  const [kh, kw, f] = ks as [number, number, number];
  const y = new Array<number>(n * oh * ow * f).fill(0);
  for (let b = 0; b < n; b++)
    for (let p = 0; p < h; p++)
      for (let q = 0; q < w; q++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const r = p * s[0] + i - pad[0];
            const t = q * s[1] + j - pad[1];
            if (r < 0 || r >= oh || t < 0 || t >= ow) continue;
            for (let ff = 0; ff < f; ff++)
              for (let cc = 0; cc < c; cc++)
                y[((b * oh + r) * ow + t) * f + ff]! +=
                  x[((b * h + p) * w + q) * c + cc]! * k[((i * kw + j) * f + ff) * c + cc]!;
          }
  return y;
}

/** Deterministic, tie-free values. */
export function wave(n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(1.37 * i + 0.4 + phase));
}
